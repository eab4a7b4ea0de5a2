/**
 * End to end: `freshet run|info|bundle` as a user runs them, on the built CLI (dist/cli/main.js),
 * from a working directory outside the repository.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  EXAMPLES_DIR,
  JOBS_DIR,
  killRunningClis,
  makeTempDir,
  nonBlankLines,
  parsePrintLines,
  runCli,
} from './support/cli.js';

const RUN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
const WORD_COUNT = join(EXAMPLES_DIR, 'word-count.ts');

interface WordCount {
  word: string;
  count: number;
}

/** Word counts computed here, independently of the job: lower-case, split on non-word characters. */
function countWords(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const word of line.toLowerCase().split(/\W+/)) {
      if (word !== '') counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return counts;
}

/** The last (= largest) running count per word. */
function finalCounts(records: readonly WordCount[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { word, count } of records) counts.set(word, Math.max(counts.get(word) ?? 0, count));
  return counts;
}

/** The built-in text of examples/word-count.ts, read from the file so the test follows it. */
function exampleLines(): string[] {
  const source = readFileSync(WORD_COUNT, 'utf8');
  const block = /const LINES = \[([\s\S]*?)\n\];/.exec(source);
  if (block === null) throw new Error('examples/word-count.ts has no LINES array');
  // The elements are plain JS string literals: evaluate the array literal in an empty context.
  const lines: unknown = runInNewContext(`[${block[1]!}]`, {});
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string')) {
    throw new Error('LINES of examples/word-count.ts is not an array of string literals');
  }
  return lines;
}

let cwd: ReturnType<typeof makeTempDir>;

beforeAll(() => {
  cwd = makeTempDir();
});

afterAll(() => {
  cwd.remove();
});

afterEach(() => {
  killRunningClis();
});

describe('freshet run', () => {
  it(
    'runs the word-count example with -p 2 from another directory and prints the right final counts',
    async () => {
      const result = await runCli(['run', WORD_COUNT, '-p', '2'], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(0);

      const lines = nonBlankLines(result.stdout);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^[12]> \{.*\}$/);
      const printed = parsePrintLines<WordCount>(result.stdout);
      // Every word's updates come from the one subtask owning its key.
      const subtaskOf = new Map<string, number | undefined>();
      for (const { subtask, record } of printed) {
        expect(subtaskOf.get(record.word) ?? subtask).toBe(subtask);
        subtaskOf.set(record.word, subtask);
      }
      const expected = countWords(exampleLines());
      expect(expected.get('to')).toBe(11); // sanity check of the independent count
      expect(Object.fromEntries(finalCounts(printed.map((p) => p.record)))).toEqual(
        Object.fromEntries(expected),
      );
      // A running count: one update per occurrence of a word.
      const total = [...expected.values()].reduce((a, b) => a + b, 0);
      expect(printed).toHaveLength(total);

      expect(result.stderr).toMatch(/Job has been submitted with JobID [0-9a-f]+/);
      expect(result.stderr).toMatch(/has finished/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'prints bare JSON lines without the `N> ` prefix at -p 1',
    async () => {
      const result = await runCli(['run', WORD_COUNT, '-p', '1'], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(0);
      const lines = nonBlankLines(result.stdout);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).not.toMatch(/^\d+> /);
        expect(line.startsWith('{')).toBe(true);
      }
      const records = lines.map((line) => JSON.parse(line) as WordCount);
      expect(Object.fromEntries(finalCounts(records))).toEqual(
        Object.fromEntries(countWords(exampleLines())),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'passes the arguments after -- to main (word count over a file given as an argument)',
    async () => {
      const text = [
        'The quick brown fox',
        'jumps over the lazy dog.',
        'THE END -- the dog sleeps; the fox: too!',
      ];
      const input = join(cwd.path, 'input.txt');
      writeFileSync(input, `${text.join('\n')}\n`);

      const result = await runCli(['run', WORD_COUNT, '-p', '2', '--', input], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(0);
      const records = parsePrintLines<WordCount>(result.stdout).map((p) => p.record);
      const expected = countWords(text);
      expect(expected.get('the')).toBe(5);
      expect(Object.fromEntries(finalCounts(records))).toEqual(Object.fromEntries(expected));
      // Nothing of the built-in Hamlet text: the file was read instead.
      expect(records.some((r) => r.word === 'hamlet' || r.word === 'question')).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs a bundle written by `freshet bundle`',
    async () => {
      const bundlePath = join(cwd.path, 'word-count.bundle.js');
      const bundled = await runCli(['bundle', WORD_COUNT, '-o', bundlePath], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(bundled.code, bundled.stderr).toBe(0);
      const code = readFileSync(bundlePath, 'utf8');
      expect(code.startsWith('/* freshet job bundle v1 */')).toBe(true);
      // freshet is provided by the runtime, not inlined.
      expect(code).toMatch(/require\("freshet"\)/);

      const result = await runCli(['run', bundlePath, '-p', '2'], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(0);
      const records = parsePrintLines<WordCount>(result.stdout).map((p) => p.record);
      expect(Object.fromEntries(finalCounts(records))).toEqual(
        Object.fromEntries(countWords(exampleLines())),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'computes a keyed running sum over generated data (datagen → keyBy → sum)',
    async () => {
      const result = await runCli(['run', join(JOBS_DIR, 'datagen-keyed-sum.ts'), '-p', '2'], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(0);
      // The job emits { key: `k${i % 3}`, value: i } for i in [0, 30).
      const expected: Record<string, number> = { k0: 0, k1: 0, k2: 0 };
      for (let i = 0; i < 30; i++) expected[`k${i % 3}`]! += i;
      expect(expected).toEqual({ k0: 135, k1: 145, k2: 155 });

      const printed = parsePrintLines<{ key: string; value: number }>(result.stdout);
      expect(printed).toHaveLength(30);
      for (const { subtask } of printed) expect([1, 2]).toContain(subtask);
      const last = new Map<string, number>();
      for (const { record } of printed)
        last.set(record.key, Math.max(last.get(record.key) ?? 0, record.value));
      expect(Object.fromEntries(last)).toEqual(expected);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('freshet info', () => {
  it(
    'prints the execution plan as JSON between dashed lines',
    async () => {
      const result = await runCli(['info', WORD_COUNT, '-p', '2'], {
        cwd: cwd.path,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stdout.split('\n');
      const first = lines.findIndex((line) => /^-{5,}.*Execution Plan.*-{5,}$/.test(line));
      expect(first).toBeGreaterThanOrEqual(0);
      const last = lines.findIndex((line, i) => i > first && /^-{20,}$/.test(line));
      expect(last).toBeGreaterThan(first);
      const plan = JSON.parse(lines.slice(first + 1, last).join('\n')) as {
        nodes: {
          id: number;
          type: string;
          pact: string;
          contents: string;
          parallelism: number;
          predecessors?: { id: number; ship_strategy: string }[];
        }[];
      };

      const byName = new Map(plan.nodes.map((n) => [n.type, n]));
      expect([...byName.keys()]).toEqual([
        'Source: Collection Source',
        'tokenizer',
        'counter',
        'Print to Std. Out',
      ]);
      const source = byName.get('Source: Collection Source')!;
      const tokenizer = byName.get('tokenizer')!;
      const counter = byName.get('counter')!;
      const sink = byName.get('Print to Std. Out')!;

      expect(source).toMatchObject({ pact: 'Data Source', parallelism: 1 });
      expect(source.predecessors ?? []).toEqual([]);
      expect(tokenizer).toMatchObject({ pact: 'Operator', parallelism: 2 });
      expect(tokenizer.predecessors).toEqual([
        expect.objectContaining({ id: source.id, ship_strategy: 'REBALANCE' }),
      ]);
      expect(counter).toMatchObject({ pact: 'Operator', parallelism: 2 });
      expect(counter.predecessors).toEqual([
        expect.objectContaining({ id: tokenizer.id, ship_strategy: 'HASH' }),
      ]);
      expect(sink).toMatchObject({ pact: 'Data Sink', parallelism: 2 });
      expect(sink.predecessors).toEqual([
        expect.objectContaining({ id: counter.id, ship_strategy: 'FORWARD' }),
      ]);
    },
    TEST_TIMEOUT_MS,
  );
});
