/** Starts a RestServer on a free loopback port around a TestingRestBackend, and stops it again. */
import { JobId } from '../../../common/ids.js';
import { RestServer, type RestServerOptions } from '../rest-server.js';
import { multipartBody } from './testing-multipart.js';
import { T0, testingExceptionHistory, testingJobDetails } from './testing-job-fixtures.js';
import { TestingRestBackend } from './testing-rest-backend.js';

export const TEST_NOW = 1_700_000_100_000;
/** The running job of `startServerWithJobs` (it also has a finished one, and one TaskManager). */
export const RUNNING_JOB_ID = JobId.parse('0123456789abcdef0123456789abcdef');

export interface TestingRestServer {
  readonly server: RestServer;
  readonly backend: TestingRestBackend;
  readonly internalErrors: unknown[];
  url(path: string): string;
  /** `fetch` with the JSON body parsed (`undefined` when there is none). */
  call(method: string, path: string, init?: RequestInit): Promise<TestingReply>;
}

export interface TestingReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

const running: RestServer[] = [];

export async function startTestingRestServer(
  options: Partial<RestServerOptions> = {},
  backend = new TestingRestBackend(),
): Promise<TestingRestServer> {
  const internalErrors: unknown[] = [];
  const server = await RestServer.start({
    host: '127.0.0.1',
    port: 0,
    backend,
    maxContentLength: 1024 * 1024,
    clock: () => TEST_NOW,
    onInternalError: (error) => internalErrors.push(error),
    ...options,
  });
  running.push(server);
  const url = (path: string): string => `http://127.0.0.1:${server.port}${path}`;
  return {
    server,
    backend,
    internalErrors,
    url,
    async call(method, path, init = {}) {
      const response = await fetch(url(path), { ...init, method });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text === '' ? undefined : JSON.parse(text),
      };
    },
  };
}

export function startServerWithJobs(): Promise<TestingRestServer> {
  const backend = new TestingRestBackend();
  backend.addJob(testingJobDetails({ jobId: RUNNING_JOB_ID }), testingExceptionHistory());
  backend.addJob(
    testingJobDetails({
      name: 'finished-job',
      status: 'FINISHED',
      endTime: T0 + 9000,
      statusTimestamps: { CREATED: T0, RUNNING: T0 + 1, FINISHED: T0 + 9000 },
    }),
  );
  backend.taskManagerList = [
    {
      id: 'tm-1',
      path: 'ws://127.0.0.1:6123/tm-1',
      dataPort: 41000,
      slotsNumber: 2,
      freeSlots: 1,
      lastHeartbeat: TEST_NOW - 500,
      hardware: { cpuCores: 8, physicalMemory: 16e9 },
      memoryConfiguration: { taskHeap: 512 * 1024 * 1024 },
    },
  ];
  return startTestingRestServer({}, backend);
}

/** For `afterEach`: closes every server started since the last call. */
export async function stopTestingRestServers(): Promise<void> {
  await Promise.all(running.splice(0).map((server) => server.close()));
}

export const TEST_BOUNDARY = '----freshet-test-boundary-7MA4YWxkTrZu0gW';
export const TEST_MULTIPART = `multipart/form-data; boundary=${TEST_BOUNDARY}`;
export const TEST_BUNDLE = Buffer.from(
  '"use strict";\nmodule.exports.default = async function main(args) {};\n',
);

/** `POST /jars/upload` with a ready multipart body (boundary `TEST_BOUNDARY`). */
export function uploadBody(
  rest: TestingRestServer,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<TestingReply> {
  return rest.call('POST', '/jars/upload', { body, headers: { 'content-type': TEST_MULTIPART, ...headers } });
}

/** Uploads `data` as `job.js` and returns the jar ID (the last segment of Flink's `filename`). */
export async function uploadBundle(rest: TestingRestServer, data: Buffer = TEST_BUNDLE): Promise<string> {
  const reply = await uploadBody(
    rest,
    multipartBody(TEST_BOUNDARY, [{ name: 'jarfile', filename: 'job.js', data }]),
  );
  if (reply.status !== 200) throw new Error(`upload failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  const { filename } = reply.body as { filename: string };
  return filename.slice(filename.lastIndexOf('/') + 1);
}
