import { afterEach, describe, expect, it } from 'vitest';
import { ErrorDomain, FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import {
  RUNNING_JOB_ID,
  startServerWithJobs,
  stopTestingRestServers,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import { EXIT_JOB_FAILED, describeFailure, exitCodeFor } from '../cli-output.js';
import { RestClusterClient } from '../remote/rest-cluster-client.js';
import { takeSavepoint } from './savepoint-command.js';

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

describe('freshet savepoint', () => {
  it('prints the path on stdout once the savepoint completed, the progress on stderr', async () => {
    const rest = await startServerWithJobs();
    const client = new RestClusterClient({ address: rest.url('') });
    const { stdout, stderr, output } = capture();
    const path = await takeSavepoint(client, RUNNING_JOB_ID, '/savepoints', output, {
      sleep: () => {
        rest.backend.savepoints[0]!.complete('/savepoints/savepoint-012345-abcdef');
        return Promise.resolve();
      },
    });
    expect(path).toBe('/savepoints/savepoint-012345-abcdef');
    expect(rest.backend.savepoints[0]!.request).toEqual({ targetDirectory: '/savepoints', cancelJob: false });
    expect(stdout.join('')).toBe('Savepoint completed. Path: /savepoints/savepoint-012345-abcdef\n');
    expect(stderr.join('')).toBe(
      `Triggering savepoint for job ${RUNNING_JOB_ID}.\nWaiting for response...\n` +
        'You can resume your program from this savepoint with the run command.\n',
    );
  });

  it('a failed savepoint exits 1 with its reason, and prints no path', async () => {
    const rest = await startServerWithJobs();
    const client = new RestClusterClient({ address: rest.url('') });
    const { stdout, output } = capture();
    const waiting = takeSavepoint(client, RUNNING_JOB_ID, undefined, output, {
      sleep: () => {
        rest.backend.savepoints[0]!.fail(
          new UserError('ILLEGAL_CONFIGURATION', 'no savepoint directory: set state.savepoints.dir'),
        );
        return Promise.resolve();
      },
    });
    const error = await rejection(waiting);
    expect(exitCodeFor(error)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(error)).toContain('no savepoint directory: set state.savepoints.dir');
    expect(stdout).toEqual([]);
  });

  it('a job the cluster does not know, or one not running, exits 1 with the server message', async () => {
    const rest = await startServerWithJobs();
    const client = new RestClusterClient({ address: rest.url('') });
    const unknown = await rejection(takeSavepoint(client, JobId.generate(), undefined, capture().output));
    expect(unknown).toBeInstanceOf(FreshetError);
    expect(unknown).toMatchObject({ code: 'SAVEPOINT_FAILED', domain: ErrorDomain.external });
    expect(exitCodeFor(unknown)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(unknown)).toMatch(/Caused by: RestClientException: job .* not found/);
    const finished = [...rest.backend.jobsById.values()].find((job) => job.status === 'FINISHED')!;
    const notRunning = await rejection(takeSavepoint(client, finished.jobId, undefined, capture().output));
    expect(exitCodeFor(notRunning)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(notRunning)).toContain('not RUNNING');
  });
});
