/**
 * Ctrl-C on `freshet run` of an unbounded job cancels the job and exits 0 (as `flink run` does
 * when its job is cancelled on request).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  JOBS_DIR,
  completeLines,
  exitWithin,
  killRunningClis,
  makeTempDir,
  parsePrintLines,
  startCli,
  waitFor,
} from './support/cli.js';

const UNBOUNDED_JOB = join(JOBS_DIR, 'unbounded-datagen.ts');
/** The job prints 50 records per second, so output should show within a fraction of a second. */
const OUTPUT_DEADLINE_MS = 10_000;
const SUBMIT_DEADLINE_MS = 20_000;
const EXIT_DEADLINE_MS = 15_000;
const TEST_TIMEOUT_MS = 60_000;

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

describe('freshet run: Ctrl-C on an unbounded job', () => {
  it(
    'streams print output while running, then cancels on SIGINT and exits 0',
    async () => {
      const cli = startCli(['run', UNBOUNDED_JOB, '-p', '2'], { cwd: cwd.path, timeoutMs: 45_000 });
      // The job runs until cancelled; its print sink output must show while it runs.
      await waitFor(
        () => parsePrintLines(completeLines(cli.stdout())).length >= 3,
        OUTPUT_DEADLINE_MS,
        () =>
          `print output of the running job (stdout so far: ${JSON.stringify(cli.stdout().slice(0, 200))}, ` +
          `stderr so far: ${JSON.stringify(cli.stderr())})`,
      );
      const printed = parsePrintLines<{ tick: number }>(completeLines(cli.stdout()));
      for (const { subtask, record } of printed) {
        expect([1, 2]).toContain(subtask);
        expect(Number.isInteger(record.tick)).toBe(true);
      }
      expect(cli.child.exitCode).toBeNull(); // still running: the job is unbounded

      cli.signal('SIGINT');
      const result = await exitWithin(cli, EXIT_DEADLINE_MS);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/cancel/i);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'cancels on SIGINT once the job is submitted and exits 0 within a deadline',
    async () => {
      const cli = startCli(['run', UNBOUNDED_JOB, '-p', '2'], { cwd: cwd.path, timeoutMs: 45_000 });
      await waitFor(
        () => /Job has been submitted with JobID [0-9a-f]+/.test(cli.stderr()),
        SUBMIT_DEADLINE_MS,
        'the job to be submitted',
      );
      expect(cli.child.exitCode).toBeNull();

      cli.signal('SIGINT');
      const result = await exitWithin(cli, EXIT_DEADLINE_MS);
      expect(result.code, result.stderr).toBe(0);
      expect(result.signal).toBeNull();
      expect(result.stderr).toMatch(/cancel/i);
      expect(result.stderr).not.toMatch(/exception|error/i);
    },
    TEST_TIMEOUT_MS,
  );
});
