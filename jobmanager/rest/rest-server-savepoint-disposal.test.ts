import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointMetadataNotFoundError } from '../../common/checkpoint/checkpoint-storage-errors.js';
import { deserializeError, type SerializedError } from '../../common/errors/serialized-error.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import type {
  AsynchronousOperationInfoJson,
  AsynchronousOperationResultJson,
  SerializedThrowableJson,
} from './flink-savepoint-json.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import {
  startTestingRestServer,
  stopTestingRestServers,
  type TestingRestServer,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

const TRIGGER_PATH = '/savepoint-disposal';
const STATUS_PATH = '/savepoint-disposal/{triggerid}';
const SAVEPOINT = 'file:///savepoints/savepoint-0123ab-0a1b2c3d4e5f';

function post(rest: TestingRestServer, body?: unknown) {
  return rest.call('POST', '/savepoint-disposal', {
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
  });
}

async function trigger(rest: TestingRestServer, path = SAVEPOINT): Promise<string> {
  const reply = await post(rest, { 'savepoint-path': path });
  expect(reply.status).toBe(200);
  expect(flinkSpecViolations(TRIGGER_PATH, 'POST', reply.status, reply.body)).toEqual([]);
  return (reply.body as { 'request-id': string })['request-id'];
}

async function status(rest: TestingRestServer, triggerId: string) {
  const reply = await rest.call('GET', `/savepoint-disposal/${triggerId}`);
  expect(reply.status).toBe(200);
  expect(flinkSpecViolations(STATUS_PATH, 'GET', reply.status, reply.body)).toEqual([]);
  return reply.body as AsynchronousOperationResultJson<AsynchronousOperationInfoJson>;
}

describe('RestServer savepoint disposal endpoints', () => {
  it('starts a disposal (request-id), reports it IN_PROGRESS, then COMPLETED with no failure-cause', async () => {
    const rest = await startTestingRestServer();
    const triggerId = await trigger(rest);
    expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(rest.backend.disposals.map((d) => d.path)).toEqual([SAVEPOINT]);
    expect(await status(rest, triggerId)).toEqual({ status: { id: 'IN_PROGRESS' }, operation: null });

    rest.backend.disposals[0]!.complete();
    expect(await status(rest, triggerId)).toEqual({
      status: { id: 'COMPLETED' },
      operation: { 'failure-cause': null },
    });
    // Asking again gives the same answer (the result is kept, not consumed).
    expect((await status(rest, triggerId)).status.id).toBe('COMPLETED');
  });

  it('each request is its own operation with its own trigger ID', async () => {
    const rest = await startTestingRestServer();
    const first = await trigger(rest, '/sp/a');
    const second = await trigger(rest, '/sp/b');
    expect(first).not.toBe(second);
    rest.backend.disposals[1]!.complete();
    expect((await status(rest, first)).status.id).toBe('IN_PROGRESS');
    expect((await status(rest, second)).status.id).toBe('COMPLETED');
  });

  it('reports a failed disposal as COMPLETED with a failure-cause that deserializes to the error', async () => {
    const rest = await startTestingRestServer();
    const triggerId = await trigger(rest, '/tmp/not-a-savepoint');
    const error = new CheckpointMetadataNotFoundError('file:///tmp/not-a-savepoint/_metadata');
    rest.backend.disposals[0]!.fail(error);
    const body = await status(rest, triggerId);
    expect(body.status.id).toBe('COMPLETED');
    const cause = body.operation!['failure-cause'] as SerializedThrowableJson;
    expect(cause.class).toBe('CheckpointMetadataNotFoundError');
    expect(cause['stack-trace']).toContain('cannot find checkpoint metadata file');
    const restored = deserializeError(
      JSON.parse(Buffer.from(cause['serialized-throwable'], 'base64').toString('utf8')) as SerializedError,
    );
    expect(restored.message).toBe(error.message);
    expect(restored).toMatchObject({ code: 'CHECKPOINT_METADATA_NOT_FOUND' });
  });

  it('rejects malformed bodies with 400 and starts nothing', async () => {
    const rest = await startTestingRestServer();
    for (const [body, message] of [
      [undefined, 'must be a JSON object'],
      [{}, 'savepoint-path must be a non-empty string'],
      [{ 'savepoint-path': ' ' }, 'savepoint-path must be a non-empty string'],
      [{ 'savepoint-path': 7 }, 'savepoint-path must be a non-empty string'],
      [{ savepointPath: '/sp' }, "unknown field 'savepointPath'"],
      [['/sp'], 'must be a JSON object'],
    ] as const) {
      const reply = await post(rest, body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect((reply.body as { errors: string[] }).errors[0]).toContain(message);
    }
    expect(rest.backend.disposals).toEqual([]);
  });

  it("answers the backend's refusal (a path it cannot handle) as 400, with no operation kept", async () => {
    const rest = await startTestingRestServer();
    rest.backend.failWith(
      'disposeSavepoint',
      new IllegalConfigurationError("'ftp://x' is not a checkpoint path"),
    );
    const reply = await post(rest, { 'savepoint-path': 'ftp://x' });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ errors: ["'ftp://x' is not a checkpoint path"] });
  });

  it('answers 404 for a trigger ID it does not know, 400 for a malformed one, 405 for GET without one', async () => {
    const rest = await startTestingRestServer();
    const unknown = await rest.call('GET', `/savepoint-disposal/${'0'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      errors: [expect.stringContaining('no savepoint disposal with trigger ID')],
    });
    expect((await rest.call('GET', '/savepoint-disposal/nope')).status).toBe(400);
    expect((await rest.call('GET', '/savepoint-disposal')).status).toBe(405);
  });
});
