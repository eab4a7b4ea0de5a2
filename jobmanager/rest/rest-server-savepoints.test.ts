import { afterEach, describe, expect, it } from 'vitest';
import { deserializeError, type SerializedError } from '../../common/errors/serialized-error.js';
import { FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
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

const TRIGGER_PATH = '/jobs/{jobid}/savepoints';
const STATUS_PATH = '/jobs/{jobid}/savepoints/{triggerid}';

function post(rest: TestingRestServer, jobId: string, body?: unknown) {
  return rest.call('POST', `/jobs/${jobId}/savepoints`, {
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
  });
}

async function trigger(rest: TestingRestServer, body?: unknown): Promise<string> {
  const reply = await post(rest, JOB_ID, body);
  expect(reply.status).toBe(202);
  expect(flinkSpecViolations(TRIGGER_PATH, 'POST', reply.status, reply.body)).toEqual([]);
  return (reply.body as { 'request-id': string })['request-id'];
}

async function status(rest: TestingRestServer, triggerId: string) {
  const reply = await rest.call('GET', `/jobs/${JOB_ID}/savepoints/${triggerId}`);
  expect(reply.status).toBe(200);
  expect(flinkSpecViolations(STATUS_PATH, 'GET', reply.status, reply.body)).toEqual([]);
  return reply.body as AsynchronousOperationResultJson<SavepointInfoJson>;
}

describe('RestServer savepoint endpoints', () => {
  it('triggers a savepoint (202 + request-id), reports it IN_PROGRESS, then COMPLETED with its location', async () => {
    const rest = await startServerWithJobs();
    const triggerId = await trigger(rest, { 'target-directory': '/savepoints', 'cancel-job': true });
    expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(rest.backend.savepoints.map((s) => [s.jobId, s.request])).toEqual([
      [JOB_ID, { targetDirectory: '/savepoints', cancelJob: true }],
    ]);
    expect(await status(rest, triggerId)).toEqual({ status: { id: 'IN_PROGRESS' }, operation: null });

    rest.backend.savepoints[0]!.complete('file:///savepoints/savepoint-0123ab-0a1b2c3d4e5f');
    expect(await status(rest, triggerId)).toEqual({
      status: { id: 'COMPLETED' },
      operation: { location: 'file:///savepoints/savepoint-0123ab-0a1b2c3d4e5f' },
    });
    // Asking again gives the same answer (the result is kept, not consumed).
    expect((await status(rest, triggerId)).operation).toEqual({
      location: 'file:///savepoints/savepoint-0123ab-0a1b2c3d4e5f',
    });
  });

  it('an empty body means the default directory and no cancellation', async () => {
    const rest = await startServerWithJobs();
    await trigger(rest);
    await trigger(rest, { 'target-directory': null, 'cancel-job': null, formatType: 'CANONICAL' });
    expect(rest.backend.savepoints.map((s) => s.request)).toEqual([
      { cancelJob: false },
      { cancelJob: false },
    ]);
  });

  it('reports a failed savepoint as COMPLETED with a failure-cause that deserializes to the error', async () => {
    const rest = await startServerWithJobs();
    const triggerId = await trigger(rest);
    const error = new CheckpointException('IO_EXCEPTION', 'no state.savepoints.dir and no target directory');
    rest.backend.savepoints[0]!.fail(error);
    const body = await status(rest, triggerId);
    expect(body.status.id).toBe('COMPLETED');
    const cause = (body.operation as { 'failure-cause': SerializedThrowableJson })['failure-cause'];
    expect(Object.keys(cause).sort()).toEqual(['class', 'serialized-throwable', 'stack-trace']);
    expect(cause['class']).toBe('CheckpointException');
    expect(cause['stack-trace']).toContain('no state.savepoints.dir and no target directory');
    const serialized = JSON.parse(
      Buffer.from(cause['serialized-throwable'], 'base64').toString('utf8'),
    ) as SerializedError;
    const restored = deserializeError(serialized);
    expect(restored).toBeInstanceOf(FreshetError);
    expect(restored.message).toBe(error.message);
    expect((restored as FreshetError).code).toBe('IO_EXCEPTION');
  });

  it('answers 404 for an unknown job, 409 for a job that is not running, 400 for a refusal', async () => {
    const rest = await startServerWithJobs();
    const unknown = await post(rest, 'ffffffffffffffffffffffffffffffff');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: [expect.stringContaining('not found')] });

    const finished = [...rest.backend.jobsById.values()].find((job) => job.status === 'FINISHED')!;
    const notRunning = await post(rest, finished.jobId);
    expect(notRunning.status).toBe(409);
    expect(notRunning.body).toEqual({ errors: [expect.stringContaining('not RUNNING')] });

    rest.backend.failWith(
      'triggerSavepoint',
      new UserError(
        'SAVEPOINT_DIRECTORY_MISSING',
        "state.savepoints.dir is not set: give 'target-directory'",
      ),
    );
    const refused = await post(rest, JOB_ID);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ errors: ["state.savepoints.dir is not set: give 'target-directory'"] });
    expect(rest.backend.savepoints).toEqual([]);
  });

  it('rejects malformed trigger bodies with 400 and starts nothing', async () => {
    const rest = await startServerWithJobs();
    for (const [body, message] of [
      [{ 'cancel-job': 'yes' }, 'cancel-job must be true or false'],
      [{ 'target-directory': 7 }, 'target-directory must be a non-empty string'],
      [{ formatType: 'NATIVE' }, 'formatType "NATIVE" is not supported'],
      [{ targetDirectory: '/x' }, "unknown field 'targetDirectory'"],
      [{ triggerId: 'abc' }, "'abc' is not a valid trigger ID"],
      [[1], 'must be a JSON object'],
    ] as const) {
      const reply = await post(rest, JOB_ID, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect((reply.body as { errors: string[] }).errors[0]).toContain(message);
    }
    expect(rest.backend.savepoints).toEqual([]);
  });

  it('a request naming its triggerId is idempotent: the same ID again starts no second savepoint', async () => {
    const rest = await startServerWithJobs();
    const triggerId = 'abcdefabcdefabcdefabcdefabcdef01';
    expect(await trigger(rest, { triggerId })).toBe(triggerId);
    expect(await trigger(rest, { triggerId })).toBe(triggerId);
    expect(rest.backend.savepoints).toHaveLength(1);
  });

  it('answers 404 for a trigger ID it does not know, also one of another job, and 400 for a malformed one', async () => {
    const rest = await startServerWithJobs();
    const triggerId = await trigger(rest);
    const other = JobId.generate();
    const unknown = await rest.call('GET', `/jobs/${JOB_ID}/savepoints/${'0'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: [expect.stringContaining('no savepoint with trigger ID')] });
    expect((await rest.call('GET', `/jobs/${other}/savepoints/${triggerId}`)).status).toBe(404);
    expect((await rest.call('GET', `/jobs/${JOB_ID}/savepoints/nope`)).status).toBe(400);
  });
});
