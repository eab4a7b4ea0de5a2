import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { joblessRestBackend } from '../../jobmanager/rest/testing/jobless-rest-backend.js';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import { FileSystemCheckpointStorage } from '../../common/checkpoint/file-system-checkpoint-storage.js';
import {
  TESTING_JOB_ID,
  testingCheckpointMetadata,
} from '../../common/checkpoint/testing-checkpoint-metadata.js';
import { ErrorDomain, FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import {
  RUNNING_JOB_ID,
  startServerWithJobs,
  startTestingRestServer,
  stopTestingRestServers,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import { EXIT_JOB_FAILED, EXIT_USAGE, describeFailure, exitCodeFor } from '../cli-output.js';
import { RestClusterClient } from '../remote/rest-cluster-client.js';
import { disposeSavepoint, savepointCommand, takeSavepoint } from './savepoint-command.js';

const dirs: string[] = [];
afterEach(async () => {
  await stopTestingRestServers();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

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

/** A REST server over a real DispatcherRestBackend (no jobs), which disposes on the local file system. */
async function startRealServer() {
  const backend = joblessRestBackend();
  const rest = await startTestingRestServer({ backend });
  return new RestClusterClient({ address: rest.url('') });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-cli-dispose-'));
  dirs.push(dir);
  return dir;
}

describe('freshet savepoint --dispose', () => {
  it("deletes a savepoint directory and prints Flink's \"Savepoint '<path>' disposed.\"", async () => {
    const storage = new FileSystemCheckpointStorage();
    const location = await storage.initializeSavepointLocation(tempDir(), TESTING_JOB_ID);
    await storage.writeStateFile(location, 'keyed-0', new Uint8Array(30));
    await writeCheckpointMetadata(storage, location, testingCheckpointMetadata(location.directory));
    const directory = fileURLToPath(location.directory);
    const client = await startRealServer();
    const { stdout, stderr, output } = capture();
    await disposeSavepoint(client, directory, output, { pollIntervalMs: 1 });
    expect(existsSync(directory)).toBe(false);
    expect(stdout.join('')).toBe(`Savepoint '${directory}' disposed.\n`);
    expect(stderr.join('')).toBe(`Disposing savepoint '${directory}'.\nWaiting for response...\n`);
  });

  it('refuses a directory without _metadata: exits 1 with the reason, deletes and prints nothing', async () => {
    const directory = join(tempDir(), 'not-a-savepoint');
    mkdirSync(directory);
    writeFileSync(join(directory, 'data.txt'), 'keep');
    const client = await startRealServer();
    const { stdout, output } = capture();
    const error = await rejection(disposeSavepoint(client, directory, output, { pollIntervalMs: 1 }));
    expect(error).toMatchObject({ code: 'SAVEPOINT_DISPOSAL_FAILED' });
    expect(exitCodeFor(error)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(error)).toContain(
      'Caused by: CheckpointMetadataNotFoundError: cannot find checkpoint metadata file',
    );
    expect(readdirSync(directory)).toEqual(['data.txt']);
    expect(stdout).toEqual([]);
  });

  it('a path the server refuses (400) exits 1 with the server message', async () => {
    const client = await startRealServer();
    const error = await rejection(disposeSavepoint(client, 'ftp://host/sp', capture().output));
    expect(error).toMatchObject({
      code: 'SAVEPOINT_DISPOSAL_FAILED',
      message: "Disposing the savepoint 'ftp://host/sp' failed.",
    });
    expect(exitCodeFor(error)).toBe(EXIT_JOB_FAILED);
    expect(describeFailure(error)).toContain('Caused by: RestClientException: ');
  });

  it('is a usage error (exit 2) with a job ID too, and so is neither a job ID nor --dispose', async () => {
    const both = await rejection(
      savepointCommand(RUNNING_JOB_ID, undefined, { dispose: '/sp', jobmanager: 'localhost:1' }),
    );
    expect(exitCodeFor(both)).toBe(EXIT_USAGE);
    expect(describeFailure(both)).toContain('--dispose takes the savepoint path only');
    const neither = await rejection(savepointCommand(undefined, undefined, { jobmanager: 'localhost:1' }));
    expect(exitCodeFor(neither)).toBe(EXIT_USAGE);
    expect(describeFailure(neither)).toContain('missing the job ID');
  });
});
