import { afterEach, describe, expect, it } from 'vitest';
import { deserializeError, type SerializedError } from '../../common/errors/serialized-error.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { CheckpointException } from '../checkpoint/checkpoint-exception.js';
import type {
  AsynchronousOperationResultJson,
  SavepointInfoJson,
  SerializedThrowableJson,
} from './flink-savepoint-json.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import {
  RUNNING_JOB_ID as JOB_ID,
  startServerWithJobs,
  stopTestingRestServers,
  type TestingRestServer,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

const STOP_PATH = '/jobs/{jobid}/stop';
const STATUS_PATH = '/jobs/{jobid}/savepoints/{triggerid}';

function post(rest: TestingRestServer, jobId: string, body?: unknown) {
  return rest.call('POST', `/jobs/${jobId}/stop`, {
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
  });
}

async function stop(rest: TestingRestServer, body?: unknown): Promise<string> {
  const reply = await post(rest, JOB_ID, body);
  expect(reply.status).toBe(202);
  expect(flinkSpecViolations(STOP_PATH, 'POST', reply.status, reply.body)).toEqual([]);
  return (reply.body as { 'request-id': string })['request-id'];
}

async function status(rest: TestingRestServer, triggerId: string) {
  const reply = await rest.call('GET', `/jobs/${JOB_ID}/savepoints/${triggerId}`);
  expect(reply.status).toBe(200);
  expect(flinkSpecViolations(STATUS_PATH, 'GET', reply.status, reply.body)).toEqual([]);
  return reply.body as AsynchronousOperationResultJson<SavepointInfoJson>;
}

describe('RestServer POST /jobs/:jobid/stop', () => {
  it('stops with a savepoint (202 + request-id); the status is served under /savepoints/:triggerid', async () => {
    const rest = await startServerWithJobs();
    const triggerId = await stop(rest, {
      targetDirectory: '/savepoints',
      drain: true,
      formatType: 'CANONICAL',
    });
    expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(rest.backend.stops.map((s) => [s.jobId, s.request])).toEqual([
      [JOB_ID, { targetDirectory: '/savepoints', drain: true }],
    ]);
    expect(rest.backend.savepoints).toEqual([]);
    expect(await status(rest, triggerId)).toEqual({ status: { id: 'IN_PROGRESS' }, operation: null });

    rest.backend.stops[0]!.complete('file:///savepoints/savepoint-0123ab-0a1b2c3d4e5f');
    expect(await status(rest, triggerId)).toEqual({
      status: { id: 'COMPLETED' },
      operation: { location: 'file:///savepoints/savepoint-0123ab-0a1b2c3d4e5f' },
    });
  });

  it('an empty body (or nulls) means the default directory and no drain', async () => {
    const rest = await startServerWithJobs();
    await stop(rest);
    await stop(rest, { targetDirectory: null, drain: null, formatType: null });
    expect(rest.backend.stops.map((s) => s.request)).toEqual([{ drain: false }, { drain: false }]);
  });

  it('reports a failed stop as COMPLETED with a failure-cause that deserializes to the error', async () => {
    const rest = await startServerWithJobs();
    const triggerId = await stop(rest, { drain: false });
    const error = new CheckpointException('CHECKPOINT_DECLINED', 'a task declined the savepoint');
    rest.backend.stops[0]!.fail(error);
    const body = await status(rest, triggerId);
    expect(body.status.id).toBe('COMPLETED');
    const cause = (body.operation as { 'failure-cause': SerializedThrowableJson })['failure-cause'];
    expect(cause['class']).toBe('CheckpointException');
    const serialized = JSON.parse(
      Buffer.from(cause['serialized-throwable'], 'base64').toString('utf8'),
    ) as SerializedError;
    const restored = deserializeError(serialized);
    expect(restored).toBeInstanceOf(FreshetError);
    expect((restored as FreshetError).code).toBe('CHECKPOINT_DECLINED');
  });

  it("answers 404 for an unknown job, 409 for a job that is not running, 400 for a refusal, with 'errors'", async () => {
    const rest = await startServerWithJobs();
    const unknown = await post(rest, 'ffffffffffffffffffffffffffffffff', { drain: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: [expect.stringContaining('not found')] });

    const finished = [...rest.backend.jobsById.values()].find((job) => job.status === 'FINISHED')!;
    const notRunning = await post(rest, finished.jobId);
    expect(notRunning.status).toBe(409);
    expect(notRunning.body).toEqual({ errors: [expect.stringContaining('not RUNNING')] });

    rest.backend.failWith(
      'stopWithSavepoint',
      new UserError('SAVEPOINT_DIRECTORY_MISSING', "state.savepoints.dir is not set: give 'targetDirectory'"),
    );
    const refused = await post(rest, JOB_ID);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ errors: ["state.savepoints.dir is not set: give 'targetDirectory'"] });
    expect(rest.backend.stops).toEqual([]);
  });

  it("rejects malformed bodies with 400 and starts nothing (Flink's camelCase field names)", async () => {
    const rest = await startServerWithJobs();
    for (const [body, message] of [
      [{ drain: 'yes' }, 'drain must be true or false'],
      [{ targetDirectory: 7 }, 'targetDirectory must be a non-empty string'],
      [{ targetDirectory: ' ' }, 'targetDirectory must be a non-empty string'],
      [{ formatType: 'NATIVE' }, 'formatType "NATIVE" is not supported'],
      [{ 'target-directory': '/x' }, "unknown field 'target-directory'"],
      [{ 'cancel-job': true }, "unknown field 'cancel-job'"],
      [{ triggerId: 'abc' }, "'abc' is not a valid trigger ID"],
      [[1], 'must be a JSON object'],
    ] as const) {
      const reply = await post(rest, JOB_ID, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect((reply.body as { errors: string[] }).errors[0]).toContain(message);
    }
    expect(rest.backend.stops).toEqual([]);
  });

  it('a request naming its triggerId is idempotent, also across savepoint and stop requests', async () => {
    const rest = await startServerWithJobs();
    const triggerId = 'abcdefabcdefabcdefabcdefabcdef02';
    expect(await stop(rest, { triggerId, drain: true })).toBe(triggerId);
    expect(await stop(rest, { triggerId, drain: true })).toBe(triggerId);
    const again = await rest.call('POST', `/jobs/${JOB_ID}/savepoints`, {
      body: JSON.stringify({ triggerId }),
      headers: { 'content-type': 'application/json' },
    });
    expect(again.status).toBe(202);
    expect(rest.backend.stops).toHaveLength(1);
    expect(rest.backend.savepoints).toHaveLength(0);
  });
});
