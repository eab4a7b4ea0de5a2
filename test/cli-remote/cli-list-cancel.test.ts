/**
 * End to end: `freshet list` and `freshet cancel` on the built CLI against a real RestServer
 * around a fake JobManager backend, and the error for a JobManager that is not there.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import { testingJobDetails } from '../../jobmanager/rest/testing/testing-job-fixtures.js';
import { TestingRestBackend } from '../../jobmanager/rest/testing/testing-rest-backend.js';
import {
  startTestingRestServer,
  type TestingRestServer,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import { nonBlankLines, runCli, type CliResult } from '../support/cli.js';
import { useCliRemoteTestSetUp } from './cli-remote-hooks.js';

const RUN_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 60_000;
const DASHES = '--------------------------------------------------------------';
/** 21.11.2026 10:00:00 UTC; the CLI runs with TZ=UTC so the printed times are fixed. */
const START = Date.UTC(2026, 10, 21, 10, 0, 0);

const id = (digit: string): JobId => JobId.parse(digit.repeat(32));

const cwd = useCliRemoteTestSetUp();

function cli(args: readonly string[]): Promise<CliResult> {
  return runCli(args, { cwd: cwd(), timeoutMs: RUN_TIMEOUT_MS, env: { TZ: 'UTC' } });
}

async function clusterWith(
  jobs: readonly [JobId, string, JobStatus, number][],
  authToken?: string,
): Promise<TestingRestServer> {
  const backend = new TestingRestBackend();
  for (const [jobId, name, status, startOffsetS] of jobs) {
    backend.addJob(testingJobDetails({ jobId, name, status, startTime: START + startOffsetS * 1000 }));
  }
  return startTestingRestServer(authToken === undefined ? {} : { authToken }, backend);
}

const address = (rest: TestingRestServer): string => `127.0.0.1:${rest.server.port}`;

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const JOBS: [JobId, string, JobStatus, number][] = [
  [id('1'), 'Word Count', 'RUNNING', 60],
  [id('2'), 'Sessions', 'RESTARTING', 0],
  [id('3'), 'Queued', 'CREATED', 120],
  [id('4'), 'Done', 'FINISHED', -3600],
  [id('5'), 'Stopped', 'CANCELED', -7200],
];

describe('freshet list', () => {
  it(
    'prints running and scheduled jobs by default, as flink list',
    async () => {
      const rest = await clusterWith(JOBS);
      const result = await cli(['list', '-m', address(rest)]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('Waiting for response...\n');
      expect(result.stdout).toBe(
        [
          '------------------ Running/Restarting Jobs -------------------',
          `21.11.2026 10:00:00 : ${id('2')} : Sessions (RESTARTING)`,
          `21.11.2026 10:01:00 : ${id('1')} : Word Count (RUNNING)`,
          DASHES,
          '----------------------- Scheduled Jobs -----------------------',
          `21.11.2026 10:02:00 : ${id('3')} : Queued (CREATED)`,
          DASHES,
          '',
        ].join('\n'),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'adds terminated jobs with -a and shows only running ones with -r',
    async () => {
      const rest = await clusterWith(JOBS);
      const all = await cli(['list', '-a', '-m', address(rest)]);
      expect(all.code, all.stderr).toBe(0);
      expect(nonBlankLines(all.stdout).slice(-4)).toEqual([
        '---------------------- Terminated Jobs -----------------------',
        `21.11.2026 08:00:00 : ${id('5')} : Stopped (CANCELED)`,
        `21.11.2026 09:00:00 : ${id('4')} : Done (FINISHED)`,
        DASHES,
      ]);
      expect(all.stdout).toContain('Scheduled Jobs');

      const running = await cli(['list', '-r', '-m', address(rest)]);
      expect(nonBlankLines(running.stdout)).toHaveLength(4);
      expect(running.stdout).not.toContain('Scheduled');
      expect(running.stdout).not.toContain('Terminated');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'says "No running jobs." and "No scheduled jobs." on an idle cluster reached via rest.address/rest.port',
    async () => {
      const rest = await clusterWith([[id('4'), 'Done', 'FINISHED', 0]]);
      const result = await cli([
        'list',
        '-D',
        'rest.address=127.0.0.1',
        '-D',
        `rest.port=${rest.server.port}`,
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('No running jobs.\nNo scheduled jobs.\n');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'names the address and the settings when nothing listens there',
    async () => {
      const port = await closedPort();
      const result = await cli(['list', '-m', `127.0.0.1:${port}`]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(
        `could not reach the JobManager at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}; ` +
          'is it running? (rest.address/rest.port or -m)',
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe('freshet cancel', () => {
  it(
    'cancels a running job and prints Flink status lines',
    async () => {
      const rest = await clusterWith(JOBS);
      const result = await cli(['cancel', '-m', address(rest), id('1').toUpperCase()]);
      expect(result.code, result.stderr).toBe(0);
      expect(nonBlankLines(result.stderr)).toEqual([
        `Cancelling job ${id('1')}.`,
        `Cancelled job ${id('1')}.`,
      ]);
      expect(rest.backend.cancelled).toEqual([id('1')]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "exits 1 with the server's not-found message for an unknown job",
    async () => {
      const rest = await clusterWith(JOBS);
      const result = await cli(['cancel', '-m', address(rest), id('9')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Could not cancel job ${id('9')}.`);
      expect(result.stderr).toContain(`job ${id('9')} not found`);
      expect(result.stderr).not.toContain('Cancelled job');
      expect(rest.backend.cancelled).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects a malformed job ID as a usage error without contacting the cluster',
    async () => {
      const port = await closedPort();
      const result = await cli(['cancel', '-m', `127.0.0.1:${port}`, 'not-a-job']);
      expect(result.code).toBe(2);
      expect(nonBlankLines(result.stderr)).toEqual([
        "freshet: error: 'not-a-job' is not a valid job ID: expected 32 hexadecimal digits",
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'sends rest.auth.token from the environment configuration to a guarded cluster',
    async () => {
      const rest = await clusterWith(JOBS, 'tok-123');
      const refused = await cli(['cancel', '-m', address(rest), id('1')]);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain('rest.auth.token');
      const accepted = await runCli(['cancel', '-m', address(rest), id('1')], {
        cwd: cwd(),
        timeoutMs: RUN_TIMEOUT_MS,
        env: { FRESHET_PROPERTIES: 'rest.auth.token: tok-123' },
      });
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(rest.backend.cancelled).toEqual([id('1')]);
    },
    TEST_TIMEOUT_MS,
  );
});
