import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { testingJobDetails } from '../../jobmanager/rest/testing/testing-job-fixtures.js';
import { TestingRestBackend } from '../../jobmanager/rest/testing/testing-rest-backend.js';
import {
  RUNNING_JOB_ID,
  startServerWithJobs,
  startTestingRestServer,
  stopTestingRestServers,
  type TestingRestServer,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import { EXIT_JOB_FAILED, EXIT_USAGE, describeFailure, exitCodeFor } from '../cli-output.js';
import { RestClusterClient } from '../remote/rest-cluster-client.js';
import { stopCommand, stopWithSavepoint } from './stop-command.js';
import { restStopClient, type StopClient } from './stop-command-client.js';

afterEach(stopTestingRestServers);

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    output: {
      stdout: { write: (text: string) => stdout.push(text) > 0 },
      stderr: { write: (text: string) => stderr.push(text) > 0 },
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function clientOf(rest: TestingRestServer, authToken?: string): StopClient {
  return restStopClient(
    new RestClusterClient({ address: rest.url(''), ...(authToken === undefined ? {} : { authToken }) }),
    authToken === undefined ? {} : { authToken },
  );
}

describe('freshet stop', () => {
  it('drains and stops the job, showing progress on stderr and the path on stdout', async () => {
    const rest = await startServerWithJobs();
    const { stdout, stderr, output } = capture();
    let polls = 0;
    const path = await stopWithSavepoint(
      clientOf(rest),
      RUNNING_JOB_ID,
      { targetDirectory: '/savepoints', drain: true },
      output,
      {
        sleep: () => {
          // Still in progress for ten polls: one progress line.
          if (++polls === 10) rest.backend.stops[0]!.complete('file:///savepoints/savepoint-012345-abcdef');
          return Promise.resolve();
        },
      },
    );
    expect(path).toBe('file:///savepoints/savepoint-012345-abcdef');
    expect(rest.backend.stops.map((s) => [s.jobId, s.request])).toEqual([
      [RUNNING_JOB_ID, { targetDirectory: '/savepoints', drain: true }],
    ]);
    expect(rest.backend.savepoints).toEqual([]);
    expect(stdout.join('')).toBe('Savepoint completed. Path: file:///savepoints/savepoint-012345-abcdef\n');
    expect(stderr).toEqual([
      `Draining job "${RUNNING_JOB_ID}" with a savepoint.\n`,
      'Waiting for response...\n',
      expect.stringMatching(/^Stopping job [0-9a-f]{32}: savepoint [0-9a-f]{32} still in progress\.\.\.\n$/),
      'You can resume your program from this savepoint with the run command.\n',
    ]);
  });

  it('without -d suspends the job, into the default savepoint directory when -p is not given', async () => {
    const rest = await startServerWithJobs();
    const { stderr, output } = capture();
    const stopped = stopWithSavepoint(clientOf(rest), RUNNING_JOB_ID, { drain: false }, output, {
      sleep: () => {
        rest.backend.stops[0]!.complete('/sp/savepoint-1');
        return Promise.resolve();
      },
    });
    await expect(stopped).resolves.toBe('/sp/savepoint-1');
    expect(rest.backend.stops[0]!.request).toEqual({ drain: false });
    expect(stderr[0]).toBe(`Suspending job "${RUNNING_JOB_ID}" with a savepoint.\n`);
  });

  it('a stop whose savepoint fails exits 1 with the reason, and prints no path', async () => {
    const rest = await startServerWithJobs();
    const { stdout, output } = capture();
    const waiting = stopWithSavepoint(clientOf(rest), RUNNING_JOB_ID, { drain: false }, output, {
      sleep: () => {
        rest.backend.stops[0]!.fail(new UserError('CHECKPOINT_DECLINED', 'a task declined the savepoint'));
        return Promise.resolve();
      },
    });
    const error = await rejection(waiting);
    expect(error).toMatchObject({ code: 'SAVEPOINT_FAILED' });
    expect(exitCodeFor(error)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(error)).toContain('a task declined the savepoint');
    expect(stdout).toEqual([]);
  });

  it('an unknown job, one not running, or no savepoint directory exits 1 with the server message', async () => {
    const rest = await startServerWithJobs();
    const client = clientOf(rest);
    const unknown = await rejection(
      stopWithSavepoint(client, JobId.generate(), { drain: true }, capture().output),
    );
    expect(unknown).toMatchObject({ code: 'STOP_FAILED' });
    expect((unknown as Error).message).toMatch(/^Could not stop job [0-9a-f]{32} with a savepoint\.$/);
    expect(exitCodeFor(unknown)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(unknown)).toMatch(/Caused by: RestClientException: job .* not found/);

    const finished = [...rest.backend.jobsById.values()].find((job) => job.status === 'FINISHED')!;
    const notRunning = await rejection(
      stopWithSavepoint(client, finished.jobId, { drain: false }, capture().output),
    );
    expect(exitCodeFor(notRunning)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(notRunning)).toContain('not RUNNING');

    rest.backend.failWith(
      'stopWithSavepoint',
      new UserError('SAVEPOINT_DIRECTORY_MISSING', "state.savepoints.dir is not set: give 'targetDirectory'"),
    );
    const nowhere = await rejection(
      stopWithSavepoint(client, RUNNING_JOB_ID, { drain: false }, capture().output),
    );
    expect(describeFailure(nowhere)).toContain("state.savepoints.dir is not set: give 'targetDirectory'");
    expect(rest.backend.stops).toEqual([]);
  });

  it('sends rest.auth.token as a bearer token', async () => {
    const backend = new TestingRestBackend();
    backend.addJob(testingJobDetails({ jobId: RUNNING_JOB_ID }));
    const rest = await startTestingRestServer({ authToken: 'sesame' }, backend);
    const refused = await rejection(
      stopWithSavepoint(clientOf(rest), RUNNING_JOB_ID, { drain: true }, capture().output),
    );
    expect(describeFailure(refused)).toContain('rest.auth.token');
    const triggerId = await clientOf(rest, 'sesame').triggerStop(RUNNING_JOB_ID, { drain: true });
    expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(backend.stops).toHaveLength(1);
  });

  it('a malformed job ID is a usage error (exit 2); an unreachable JobManager exits 1 naming it', async () => {
    const malformed = await rejection(stopCommand('not-a-job', { jobmanager: '127.0.0.1:1' }));
    expect(exitCodeFor(malformed)).toBe(EXIT_USAGE);
    const unreachable = await rejection(
      stopCommand(RUNNING_JOB_ID, { jobmanager: '127.0.0.1:1', drain: true }),
    );
    expect(unreachable).toMatchObject({ code: 'JOBMANAGER_UNREACHABLE' });
    expect(exitCodeFor(unreachable)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(unreachable)).toContain('could not reach the JobManager at http://127.0.0.1:1');
  });
});
