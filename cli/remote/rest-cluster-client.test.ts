import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config/configuration.js';
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import {
  T0,
  testingExceptionHistory,
  testingJobDetails,
} from '../../jobmanager/rest/testing/testing-job-fixtures.js';
import { TestingRestBackend } from '../../jobmanager/rest/testing/testing-rest-backend.js';
import {
  RUNNING_JOB_ID,
  TEST_NOW,
  startServerWithJobs,
  startTestingRestServer,
  stopTestingRestServers,
  type TestingRestServer,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import { makeTempDir } from '../../test/support/cli.js';
import { RestClientException } from './rest-client-exception.js';
import { RestClusterClient, parseSavepointStatus } from './rest-cluster-client.js';

const BUNDLE_CODE = '/* freshet job bundle v1 */\nmodule.exports.default = async function main() {};\n';
const UNKNOWN_JOB = JobId.parse('ffffffffffffffffffffffffffffffff');

let dir: ReturnType<typeof makeTempDir>;
let bundlePath: string;

beforeAll(() => {
  dir = makeTempDir('freshet-rest-client-');
  bundlePath = join(dir.path, 'my-job.bundle.cjs');
  writeFileSync(bundlePath, BUNDLE_CODE);
});

afterAll(() => dir.remove());
afterEach(stopTestingRestServers);

function clientOf(rest: TestingRestServer, authToken?: string): RestClusterClient {
  return new RestClusterClient({
    address: rest.url(''),
    ...(authToken === undefined ? {} : { authToken }),
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A loopback port nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('RestClusterClient', () => {
  it('uploads a bundle as multipart field jarfile under its base name and returns the jar ID', async () => {
    const rest = await startTestingRestServer();
    const jarId = await clientOf(rest).uploadJar(bundlePath);
    expect(jarId).toMatch(/_my-job\.bundle\.cjs$/);
    const stored = rest.backend.jars.get(jarId);
    expect(stored?.file.name).toBe('my-job.bundle.cjs');
    expect(stored?.bytes.toString('utf8')).toBe(BUNDLE_CODE);
  });

  it('runs an uploaded jar with the request fields and returns the job ID', async () => {
    const rest = await startTestingRestServer();
    const client = clientOf(rest);
    const jarId = await client.uploadJar(bundlePath);
    const jobId = await client.runJar(jarId, {
      programArgsList: ['--input', 'a b'],
      parallelism: 3,
      savepointPath: '/tmp/sp-1',
      allowNonRestoredState: true,
    });
    expect(jobId).toBe(rest.backend.nextJobId);
    expect(rest.backend.runs).toEqual([
      {
        jarId,
        request: {
          programArgsList: ['--input', 'a b'],
          parallelism: 3,
          savepointPath: '/tmp/sp-1',
          allowNonRestoredState: true,
        },
      },
    ]);
    await client.deleteJar(jarId);
    expect(rest.backend.deletedJars).toEqual([jarId]);
  });

  it('reads the jobs overview, job details and exceptions in Flink field names', async () => {
    const rest = await startServerWithJobs();
    const client = clientOf(rest);
    const jobs = await client.listJobsOverview();
    expect(jobs).toHaveLength(2);
    expect(jobs.find((job) => job.jobId === RUNNING_JOB_ID)).toEqual({
      jobId: RUNNING_JOB_ID,
      name: 'word-count',
      status: 'RUNNING',
      startTime: T0,
      endTime: undefined,
      duration: TEST_NOW - T0,
    });
    const finished = jobs.find((job) => job.status === 'FINISHED');
    expect(finished?.endTime).toBe(T0 + 9000);
    expect(finished?.duration).toBe(9000);

    const details = await client.jobDetails(RUNNING_JOB_ID);
    expect(details).toMatchObject({ jobId: RUNNING_JOB_ID, status: 'RUNNING', isStoppable: false });

    const exceptions = await client.jobExceptions(RUNNING_JOB_ID);
    expect(exceptions.rootException).toBe(testingExceptionHistory().entries[0]!.stacktrace);
    expect(exceptions.entries.map((e) => e.exceptionName)).toEqual(['FreshetError', 'Error']);
    expect(exceptions.entries[0]?.taskName).toBe('Map (1/2)');
  });

  it('cancels a job with PATCH ?mode=cancel', async () => {
    const rest = await startServerWithJobs();
    await clientOf(rest).cancelJob(RUNNING_JOB_ID);
    expect(rest.backend.cancelled).toEqual([RUNNING_JOB_ID]);
  });

  it("turns a 404 into a user-domain RestClientException with the server's message", async () => {
    const rest = await startServerWithJobs();
    for (const call of [
      clientOf(rest).jobDetails(UNKNOWN_JOB),
      clientOf(rest).cancelJob(UNKNOWN_JOB),
      clientOf(rest).runJar('no-such.jar', { programArgsList: [] }),
    ]) {
      const error = await rejection(call);
      expect(error).toBeInstanceOf(RestClientException);
      const rce = error as RestClientException;
      expect(rce.httpStatus).toBe(404);
      expect(rce.domain).toBe(ErrorDomain.user);
      expect(rce.message).toMatch(/not found/);
    }
  });

  it('turns a 409 and a 500 into errors with the status and the message', async () => {
    const rest = await startServerWithJobs();
    const finished = (await clientOf(rest).listJobsOverview()).find((job) => job.status === 'FINISHED')!;
    const conflict = (await rejection(clientOf(rest).cancelJob(finished.jobId))) as RestClientException;
    expect(conflict.httpStatus).toBe(409);
    expect(conflict.message).toContain('already ended FINISHED');

    rest.backend.failWith('jobsOverview', new Error('database on fire'));
    const internal = (await rejection(clientOf(rest).listJobsOverview())) as RestClientException;
    expect(internal.httpStatus).toBe(500);
    expect(internal.domain).toBe(ErrorDomain.external);
    expect(internal.retryable).toBe(true);
    expect(internal.message).toContain('database on fire');
  });

  it('sends the bearer token when configured (and is refused without it)', async () => {
    const backend = new TestingRestBackend();
    backend.addJob(testingJobDetails({ jobId: RUNNING_JOB_ID }));
    const rest = await startTestingRestServer({ authToken: 'sekrit' }, backend);

    const refused = (await rejection(clientOf(rest).cancelJob(RUNNING_JOB_ID))) as RestClientException;
    expect(refused.httpStatus).toBe(401);
    expect(refused.message).toContain('rest.auth.token');

    const wrong = (await rejection(clientOf(rest, 'guess').uploadJar(bundlePath))) as RestClientException;
    expect(wrong.httpStatus).toBe(401);

    await clientOf(rest, 'sekrit').cancelJob(RUNNING_JOB_ID);
    const jarId = await clientOf(rest, 'sekrit').uploadJar(bundlePath);
    expect(rest.backend.cancelled).toEqual([RUNNING_JOB_ID]);
    expect(rest.backend.jars.has(jarId)).toBe(true);
  });

  it('names the address when nothing listens there', async () => {
    const port = await closedPort();
    const client = new RestClusterClient({ address: `http://127.0.0.1:${port}` });
    const error = await rejection(client.listJobsOverview());
    expect(error).toBeInstanceOf(FreshetError);
    expect((error as FreshetError).code).toBe('JOBMANAGER_UNREACHABLE');
    expect((error as FreshetError).domain).toBe(ErrorDomain.external);
    expect((error as Error).message).toBe(
      `could not reach the JobManager at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}; ` +
        'is it running? (rest.address/rest.port or -m)',
    );
  });

  it.each([
    [401, 'REST_401', /needs a token; pass the token with -D rest\.auth\.token=<token>$/],
    [
      400,
      'UPLOAD_REJECTED',
      /closed the connection during the upload of the bundle \(\d+ bytes\).*max-content-length/,
    ],
  ])(
    'explains an upload the server drops mid-request (body-less probe answers %i)',
    async (probeStatus, code, message) => {
      // Resets every request with a body (as a server refusing before reading it may); answers others.
      const server = createHttpServer((request, response) => {
        if (request.headers['content-type'] !== undefined) {
          request.socket.resetAndDestroy();
          return;
        }
        const errors = [probeStatus === 401 ? 'needs a token' : 'no Content-Type'];
        response
          .writeHead(probeStatus, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as { port: number };
        const client = new RestClusterClient({ address: `http://127.0.0.1:${port}` });
        const error = (await rejection(client.uploadJar(bundlePath))) as FreshetError;
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  );

  it('explains a port fetch refuses to use', async () => {
    const error = (await rejection(
      new RestClusterClient({ address: 'http://127.0.0.1:6000' }).listJobsOverview(),
    )) as FreshetError;
    expect(error.code).toBe('JOBMANAGER_UNREACHABLE');
    expect(error.message).toContain(
      "at http://127.0.0.1:6000: fetch refuses this port (it is on the Fetch standard's",
    );
  });

  it('fails clearly when something other than the REST API answers', async () => {
    const other = createHttpServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = other.address() as { port: number };
      const client = new RestClusterClient({ address: `http://127.0.0.1:${port}` });
      const error = (await rejection(client.listJobsOverview())) as FreshetError;
      expect(error.code).toBe('UNEXPECTED_REST_RESPONSE');
      expect(error.message).toContain('unexpected answer to GET /jobs/overview: the body is not JSON');
    } finally {
      other.closeAllConnections();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('reads configuration: -m wins, else rest.address/rest.port, with rest.auth.token', async () => {
    const backend = new TestingRestBackend();
    backend.addJob(testingJobDetails({ jobId: RUNNING_JOB_ID }));
    const rest = await startTestingRestServer({ authToken: 'tok' }, backend);
    const configuration = Configuration.fromMap({
      'rest.address': '127.0.0.1',
      'rest.port': String(rest.server.port),
      'rest.auth.token': 'tok',
    });
    const client = RestClusterClient.fromConfiguration(configuration);
    expect(client.address).toBe(`http://127.0.0.1:${rest.server.port}`);
    await client.cancelJob(RUNNING_JOB_ID);
    expect(backend.cancelled).toEqual([RUNNING_JOB_ID]);
    expect(RestClusterClient.fromConfiguration(configuration, 'elsewhere:1').address).toBe(
      'http://elsewhere:1',
    );
  });
});

describe('RestClusterClient savepoints', () => {
  it('triggers a savepoint with Flink field names and waits, polling, until it completed', async () => {
    const rest = await startServerWithJobs();
    const client = clientOf(rest);
    const triggerId = await client.triggerSavepoint(RUNNING_JOB_ID, {
      targetDirectory: '/savepoints',
      cancelJob: true,
    });
    expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(rest.backend.savepoints.map((s) => s.request)).toEqual([
      { targetDirectory: '/savepoints', cancelJob: true },
    ]);
    expect(await client.savepointStatus(RUNNING_JOB_ID, triggerId)).toEqual({ status: 'IN_PROGRESS' });

    const progress: number[] = [];
    const sleeps: number[] = [];
    const path = await client.awaitSavepoint(RUNNING_JOB_ID, triggerId, {
      pollIntervalMs: 250,
      onInProgress: (polls) => progress.push(polls),
      // The savepoint completes while the client waits for its second poll.
      sleep: (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 2) rest.backend.savepoints[0]!.complete('/savepoints/savepoint-0123ab-1');
        return Promise.resolve();
      },
    });
    expect(path).toBe('/savepoints/savepoint-0123ab-1');
    expect(progress).toEqual([1, 2]);
    expect(sleeps).toEqual([250, 250]);
  });

  it('sends no target directory by default and cancel-job false', async () => {
    const rest = await startServerWithJobs();
    await clientOf(rest).triggerSavepoint(RUNNING_JOB_ID);
    expect(rest.backend.savepoints.map((s) => s.request)).toEqual([{ cancelJob: false }]);
  });

  it('rejects with SAVEPOINT_FAILED caused by the server-side error, rebuilt as its class', async () => {
    const rest = await startServerWithJobs();
    const client = clientOf(rest);
    const triggerId = await client.triggerSavepoint(RUNNING_JOB_ID);
    rest.backend.savepoints[0]!.fail(
      new FreshetError('IO_EXCEPTION', 'no state.savepoints.dir configured and no target directory given', {
        domain: ErrorDomain.external,
      }),
    );
    const error = await rejection(client.awaitSavepoint(RUNNING_JOB_ID, triggerId, { pollIntervalMs: 1 }));
    expect(error).toBeInstanceOf(FreshetError);
    expect(error).toMatchObject({
      code: 'SAVEPOINT_FAILED',
      domain: ErrorDomain.external,
      message: `the savepoint of job ${RUNNING_JOB_ID} failed: no state.savepoints.dir configured and no target directory given`,
    });
    expect((error as Error).cause).toBeInstanceOf(FreshetError);
    expect((error as Error).cause).toMatchObject({ code: 'IO_EXCEPTION' });
  });

  it("turns a refused trigger (unknown job, job not running) into a RestClientException with the server's message", async () => {
    const rest = await startServerWithJobs();
    const client = clientOf(rest);
    const unknown = await rejection(client.triggerSavepoint(UNKNOWN_JOB));
    expect(unknown).toBeInstanceOf(RestClientException);
    expect((unknown as RestClientException).httpStatus).toBe(404);
    const finished = [...rest.backend.jobsById.values()].find((job) => job.status === 'FINISHED')!;
    const notRunning = await rejection(client.triggerSavepoint(finished.jobId));
    expect((notRunning as RestClientException).httpStatus).toBe(409);
    expect((notRunning as Error).message).toContain('not RUNNING');
  });

  it('reads a failure-cause that is not Freshet-serialized from its class and stack trace', () => {
    const status = parseSavepointStatus(
      {
        status: { id: 'COMPLETED' },
        operation: {
          'failure-cause': {
            class: 'org.apache.flink.runtime.checkpoint.CheckpointException',
            'stack-trace':
              'org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired\n\tat x.y(Z.java:1)',
            'serialized-throwable': 'rO0ABXNy',
          },
        },
      },
      'GET /x',
    );
    expect(status.status).toBe('FAILED');
    const failure = (status as { failure: Error }).failure;
    expect(failure.name).toBe('org.apache.flink.runtime.checkpoint.CheckpointException');
    expect(failure.message).toBe('Checkpoint expired');
    expect(() => parseSavepointStatus({ status: { id: 'DONE' } }, 'GET /x')).toThrow(/status\.id/);
  });
});
