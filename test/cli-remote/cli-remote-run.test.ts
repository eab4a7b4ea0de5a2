/**
 * End to end: `freshet run -m host:port` on the built CLI against a real RestServer (on a free
 * loopback port) around a scriptable fake JobManager backend.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { testingExceptionHistory } from '../../jobmanager/rest/testing/testing-job-fixtures.js';
import {
  startTestingRestServer,
  type TestingRestServer,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import {
  JOBS_DIR,
  exitWithin,
  nonBlankLines,
  runCli,
  startCli,
  waitFor,
  type CliProcess,
} from '../support/cli.js';
import { SUBMITTED_JOB_NAME, TestingSubmittingRestBackend } from './testing-submitting-rest-backend.js';
import { useCliRemoteTestSetUp } from './cli-remote-hooks.js';

const JOB_FILE = join(JOBS_DIR, 'datagen-keyed-sum.ts');
const JOB_ID = JobId.parse('feedfacecafebeef0123456789abcdef');
const SUBMIT_DEADLINE_MS = 20_000;
const EXIT_DEADLINE_MS = 10_000;
const RUN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
const TOKEN = 'cli-remote-token';

const cwd = useCliRemoteTestSetUp();

async function startCluster(authToken?: string): Promise<{
  rest: TestingRestServer;
  backend: TestingSubmittingRestBackend;
  address: string;
}> {
  const backend = new TestingSubmittingRestBackend();
  backend.nextJobId = JOB_ID;
  const rest = await startTestingRestServer(authToken === undefined ? {} : { authToken }, backend);
  return { rest, backend, address: `127.0.0.1:${rest.server.port}` };
}

function startRun(args: readonly string[]): CliProcess {
  return startCli(['run', ...args], { cwd: cwd(), timeoutMs: 45_000 });
}

/** Waits until the CLI has printed that the job was submitted (and the backend has the run). */
async function submitted(cli: CliProcess, backend: TestingSubmittingRestBackend): Promise<void> {
  await waitFor(
    () => backend.runs.length === 1 && cli.stderr().includes(`Job has been submitted with JobID ${JOB_ID}`),
    SUBMIT_DEADLINE_MS,
    () => `the job to be submitted (stderr so far: ${JSON.stringify(cli.stderr())})`,
  );
}

describe('freshet run -m', () => {
  it(
    'uploads the bundle, runs it with the arguments, waits, and reports FINISHED',
    async () => {
      const { backend, address } = await startCluster();
      const cli = startRun(['-m', address, '-p', '3', JOB_FILE, '--', '--rate', '5', 'two words']);
      await submitted(cli, backend);

      const [jar] = [...backend.jars.values()];
      expect(jar?.file.name).toMatch(/^datagen-keyed-sum-[0-9a-f]{16}\.bundle\.cjs$/);
      expect(jar?.bytes.toString('utf8')).toMatch(/^\/\* freshet job bundle v1 \*\//);
      expect(backend.runs[0]?.jarId).toBe(jar?.file.id);
      expect(backend.runs[0]?.request).toEqual({
        programArgsList: ['--rate', '5', 'two words'],
        parallelism: 3,
        allowNonRestoredState: false,
      });
      // Still attached: it must not exit while the job runs.
      expect(cli.child.exitCode).toBeNull();

      backend.endJob(JOB_ID, 'FINISHED', 1234);
      const result = await exitWithin(cli, EXIT_DEADLINE_MS);
      expect(result.code, result.stderr).toBe(0);
      expect(nonBlankLines(result.stderr)).toEqual([
        `Job has been submitted with JobID ${JOB_ID}`,
        `Job with JobID ${JOB_ID} has finished.`,
        'Job Runtime: 1234 ms',
      ]);
      expect(backend.deletedJars).toEqual([]); // the uploaded bundle stays, as Flink keeps jars
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'returns right after submission with -d, passing -s and -n on',
    async () => {
      const { backend, address } = await startCluster();
      const result = await runCli(
        ['run', '-d', '-m', `http://${address}`, '-s', '/savepoints/sp-7', '-n', JOB_FILE],
        { cwd: cwd(), timeoutMs: RUN_TIMEOUT_MS },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(nonBlankLines(result.stderr)).toEqual([`Job has been submitted with JobID ${JOB_ID}`]);
      expect(backend.runs[0]?.request).toEqual({
        programArgsList: [],
        savepointPath: '/savepoints/sp-7',
        allowNonRestoredState: true,
      });
      expect(backend.statusOf(JOB_ID)).toBe('RUNNING');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 with the root cause when the job FAILS',
    async () => {
      const { backend, address } = await startCluster();
      const cli = startRun(['-m', address, JOB_FILE]);
      await submitted(cli, backend);
      backend.endJob(JOB_ID, 'FAILED', 50, testingExceptionHistory());
      const result = await exitWithin(cli, EXIT_DEADLINE_MS);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `Job '${SUBMITTED_JOB_NAME}' (${JOB_ID}) failed: FreshetError: task failed`,
      );
      expect(result.stderr).not.toContain('has finished');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 1 when someone else cancels the job',
    async () => {
      const { backend, address } = await startCluster();
      const cli = startRun(['-m', address, JOB_FILE]);
      await submitted(cli, backend);
      backend.endJob(JOB_ID, 'CANCELED', 10);
      const result = await exitWithin(cli, EXIT_DEADLINE_MS);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Job '${SUBMITTED_JOB_NAME}' (${JOB_ID}) was cancelled`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'cancels the job on Ctrl-C and exits 0 once it is CANCELED',
    async () => {
      const { backend, address } = await startCluster();
      const cli = startRun(['-m', address, JOB_FILE]);
      await submitted(cli, backend);
      cli.signal('SIGINT');
      await waitFor(
        () => backend.cancelled.includes(JOB_ID),
        EXIT_DEADLINE_MS,
        'the cancel request to reach the JobManager',
      );
      expect(backend.statusOf(JOB_ID)).toBe('CANCELLING');
      expect(cli.child.exitCode).toBeNull(); // waits for the job to be CANCELED
      backend.endJob(JOB_ID, 'CANCELED', 10);
      const result = await exitWithin(cli, EXIT_DEADLINE_MS);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('Job has been cancelled.');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'sends rest.auth.token from -D, and a guarded cluster refuses the upload without it',
    async () => {
      const { backend, address } = await startCluster(TOKEN);
      const refused = await runCli(['run', '-d', '-m', address, JOB_FILE], {
        cwd: cwd(),
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(refused.code, refused.stderr).toBe(2);
      expect(nonBlankLines(refused.stderr)).toEqual([
        "freshet: error: this request needs 'Authorization: Bearer <token>' (rest.auth.token is set); " +
          'pass the token with -D rest.auth.token=<token>',
      ]);
      expect(backend.jars.size).toBe(0);

      const accepted = await runCli(
        ['run', '-d', '-m', address, '-D', `rest.auth.token=${TOKEN}`, JOB_FILE],
        {
          cwd: cwd(),
          timeoutMs: RUN_TIMEOUT_MS,
        },
      );
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(backend.runs).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects a malformed -m address as a usage error',
    async () => {
      const result = await runCli(['run', '-m', 'ftp://host:21', JOB_FILE], {
        cwd: cwd(),
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(result.code).toBe(2);
      expect(nonBlankLines(result.stderr)).toEqual([
        "freshet: error: -m 'ftp://host:21' is not a JobManager address (scheme 'ftp' is not http or https); " +
          'expected host:port or http://host:port',
      ]);
    },
    TEST_TIMEOUT_MS,
  );
});
