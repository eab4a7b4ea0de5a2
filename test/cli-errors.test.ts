/**
 * How `freshet run` ends on bad input (exit 2, one `freshet: error: ...` line naming the problem)
 * and on a job that fails at run time (exit 1, the cause names the operator).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BAD_JOBS_DIR,
  JOBS_DIR,
  killRunningClis,
  makeTempDir,
  nonBlankLines,
  runCli,
  type CliResult,
} from './support/cli.js';

const RUN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
const GOOD_JOB = join(JOBS_DIR, 'datagen-keyed-sum.ts');

/** The status line `freshet run` prints once a job is submitted (before a slot can reject its graph). */
const SUBMITTED_STATUS_LINE = /^Job has been submitted with JobID [0-9a-f]+$/;

/**
 * Exit code 2, nothing on stdout, and exactly one non-blank stderr line (job status lines aside):
 * `freshet: error: ...` containing every one of `keywords` (case-insensitive).
 */
function expectUsageError(result: CliResult, keywords: readonly (string | RegExp)[]): void {
  const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
  expect(result.code, context).toBe(2);
  expect(result.stdout, context).toBe('');
  const lines = nonBlankLines(result.stderr).filter((line) => !SUBMITTED_STATUS_LINE.test(line));
  expect(lines, context).toHaveLength(1);
  const line = lines[0]!;
  expect(line).toMatch(/^freshet: error: \S/);
  for (const keyword of keywords) {
    if (typeof keyword === 'string') expect(line.toLowerCase()).toContain(keyword.toLowerCase());
    else expect(line).toMatch(keyword);
  }
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

function run(args: readonly string[]): Promise<CliResult> {
  return runCli(args, { cwd: cwd.path, timeoutMs: RUN_TIMEOUT_MS });
}

describe('freshet run: bad input exits 2 with one line naming the problem', () => {
  it(
    'a job file that does not exist',
    async () => {
      const missing = join(cwd.path, 'no-such-job.ts');
      expectUsageError(await run(['run', missing]), ['not found', 'no-such-job.ts']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a job file with a syntax error (JavaScript fixture)',
    async () => {
      const result = await run(['run', join(BAD_JOBS_DIR, 'syntax-error.js')]);
      expectUsageError(result, ['syntax error', /syntax-error\.js:6:\d+/]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a TypeScript job file with a syntax error',
    async () => {
      // Written at test time: a .ts file with a syntax error under test/ would break `tsc`.
      const job = join(cwd.path, 'broken-job.ts');
      writeFileSync(
        job,
        [
          "import { StreamExecutionEnvironment } from 'freshet';",
          'export default async function main(args: string[]): Promise<void> {',
          '  const env = StreamExecutionEnvironment.getExecutionEnvironment();',
          '  const parallelism: number = ;',
          '  env.fromElements(...args).print();',
          '  await env.execute();',
          '}',
          '',
        ].join('\n'),
      );
      expectUsageError(await run(['run', job]), ['syntax error', /broken-job\.ts:4:\d+/]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a job module without a default-exported main',
    async () => {
      const result = await run(['run', join(JOBS_DIR, 'no-default-export.ts')]);
      expectUsageError(result, ['no-default-export.ts', 'default-export', 'main']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a job whose graph differs between the client and the TaskManager slots',
    async () => {
      const result = await run(['run', join(JOBS_DIR, 'non-deterministic-graph.ts'), '-p', '2']);
      expectUsageError(result, ['graph', /non-?deterministic|differs/i]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '-p 0',
    async () => {
      expectUsageError(await run(['run', GOOD_JOB, '-p', '0']), ['parallelism', "'0'"]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '-p abc',
    async () => {
      expectUsageError(await run(['run', GOOD_JOB, '-p', 'abc']), ['parallelism', 'abc']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a job that sets its parallelism above its maxParallelism',
    async () => {
      const result = await run(['run', join(JOBS_DIR, 'parallelism-above-max.ts')]);
      expectUsageError(result, ['maxParallelism', 'parallelism 4', '2']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an unknown flag --bogus',
    async () => {
      expectUsageError(await run(['run', GOOD_JOB, '--bogus']), ['unknown option', '--bogus']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a misspelled flag --paralelism (the suggestion must not add a second line)',
    async () => {
      expectUsageError(await run(['run', GOOD_JOB, '--paralelism', '2']), ['unknown option', '--paralelism']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a run without a job argument',
    async () => {
      expectUsageError(await run(['run']), ['missing', 'job']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'freshet taskmanager with a RocksDB local state directory that cannot be written',
    async () => {
      const dir = makeTempDir('freshet-not-a-dir-');
      try {
        const file = join(dir.path, 'file');
        writeFileSync(file, 'x');
        const result = await run(['taskmanager', '-D', `taskmanager.state.local.root-dirs=${file}/state`]);
        expectUsageError(result, ['taskmanager.state.local.root-dirs', `${file}/state`, 'writable']);
      } finally {
        dir.remove();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '-D parallelism.default=abc (a bad configuration value)',
    async () => {
      const result = await run(['run', GOOD_JOB, '-D', 'parallelism.default=abc']);
      expectUsageError(result, ['parallelism.default', 'abc']);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('freshet run: a job that fails at run time exits 1', () => {
  it(
    'names the operator whose user function threw, and the thrown message',
    async () => {
      const result = await run(['run', join(JOBS_DIR, 'throwing-map.ts'), '-p', '2']);
      const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.code, context).toBe(1);
      expect(result.stderr).toContain('explode-on-seven');
      expect(result.stderr).toContain('poison record 7 reached the mapper');
      expect(result.stderr).toMatch(/operator 'explode-on-seven'[^\n]*poison record 7 reached the mapper/);
      // A job failure is not reported as a usage error.
      expect(result.stderr).not.toMatch(/^freshet: error:/m);
    },
    TEST_TIMEOUT_MS,
  );
});
