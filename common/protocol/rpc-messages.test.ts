import { describe, expect, it } from 'vitest';
import { FreshetError, UserError } from '../errors/freshet-error.js';
import { serializeError } from '../errors/serialized-error.js';
import { ExecutionAttemptId, JobId, ResourceId } from '../ids.js';
import { testingTaskDeploymentDescriptor } from '../../test/support/testing-gateways.js';
import {
  RPC_HEADER_BYTES,
  RPC_MESSAGE_TYPE_IDS,
  decodeRpcMessage,
  encodeRpcMessage,
  type RpcMessage,
  type RpcMessageType,
} from './rpc-messages.js';

const jobId = JobId.parse('0123456789abcdef0123456789abcdef');
const attempt = ExecutionAttemptId.generate();
const failureCause = new UserError('USER_FUNCTION_FAILED', 'map threw', { cause: new Error('boom') });

/** At least one message per type; some types more than once to cover optional fields. */
const MESSAGES: readonly RpcMessage[] = [
  {
    type: 'register-task-manager',
    requestId: 1,
    resourceId: ResourceId.of('tm-1'),
    host: '10.0.0.7',
    dataPort: 40123,
    numberOfSlots: 4,
  },
  { type: 'registration-ack', requestId: 1 },
  { type: 'registration-rejected', requestId: 1, reason: "resource ID 'tm-1' is already registered" },
  { type: 'heartbeat-request', requestId: 17 },
  { type: 'heartbeat-response', requestId: 17 },
  {
    type: 'heartbeat-response',
    requestId: 18,
    slotReport: {
      slots: [
        { slotIndex: 0, jobId },
        { slotIndex: 1, jobId: null },
      ],
    },
  },
  {
    type: 'heartbeat-response',
    requestId: 19,
    taskMetrics: [
      { jobId, executionAttemptId: attempt, recordsIn: 10, recordsOut: 20, bytesIn: 300, bytesOut: 4000 },
    ],
  },
  { type: 'submit-task', requestId: 2, tdd: testingTaskDeploymentDescriptor() },
  {
    type: 'submit-task',
    requestId: 3,
    tdd: testingTaskDeploymentDescriptor({
      job: { ...testingTaskDeploymentDescriptor().job, code: { kind: 'in-process' } },
      inputGates: [],
    }),
  },
  { type: 'cancel-task', requestId: 4, executionAttemptId: attempt },
  { type: 'release-job', requestId: 5, jobId },
  { type: 'ack', requestId: 2 },
  { type: 'failure', requestId: 3, error: serializeError(failureCause) },
  { type: 'task-state' as const, update: { jobId, executionAttemptId: attempt, state: 'RUNNING' } },
  {
    type: 'task-state',
    update: { jobId, executionAttemptId: attempt, state: 'FAILED', error: serializeError(failureCause) },
  },
  {
    type: 'task-state',
    update: {
      jobId,
      executionAttemptId: attempt,
      state: 'FINISHED',
      ioMetrics: { recordsIn: 5, recordsOut: 0, bytesIn: 120, bytesOut: 0 },
    },
  },
  { type: 'fetch-bundle', requestId: 6, bundleId: '3f2a_word-count.bundle.js' },
  { type: 'bundle-bytes', requestId: 6, bytes: new Uint8Array(Buffer.from('module.exports = {};\n')) },
  { type: 'client-data', jobId, operatorId: 'collect-1', payload: [['hello', 3], { word: 'x', n: 1.5 }] },
  {
    type: 'client-data',
    jobId,
    operatorId: 'collect-2',
    payload: { at: new Date(1_700_000_000_000), counts: new Map([['a', 1]]), big: 2n ** 70n, none: null },
  },
  {
    type: 'trigger-checkpoint',
    requestId: 7,
    executionAttemptId: attempt,
    checkpointId: 3,
    timestamp: 1_700_000_000_500,
    options: { checkpointType: 'checkpoint', alignment: 'aligned', targetLocation: 's3://b/ckpt/j/chk-3' },
  },
  {
    type: 'notify-checkpoint-complete',
    requestId: 8,
    executionAttemptId: attempt,
    checkpointId: 3,
    timestamp: 1_700_000_000_500,
  },
  {
    type: 'notify-checkpoint-complete',
    requestId: 9,
    executionAttemptId: attempt,
    checkpointId: 4,
    timestamp: 1_700_000_001_000,
    final: true,
  },
  {
    type: 'notify-checkpoint-aborted',
    requestId: 10,
    executionAttemptId: attempt,
    checkpointId: 5,
    timestamp: 1_700_000_001_500,
  },
  { type: 'acknowledge-checkpoint', jobId, executionAttemptId: attempt, checkpointId: 3 },
  {
    type: 'acknowledge-checkpoint',
    jobId,
    executionAttemptId: attempt,
    checkpointId: 4,
    state: {
      subtaskStateByOperatorId: {
        ['ab'.repeat(16)]: {
          keyGroupRange: [0, 63],
          keyedState: [
            {
              path: 'file:///ckpt/j/chk-4/op-keyed',
              size: 120,
              keyGroupRange: [0, 63],
              keyGroupOffsets: { 3: [0, 60], 9: [60, 60] },
            },
          ],
          operatorState: {
            listStates: {
              'source-splits': {
                mode: 'split',
                handles: [{ path: 'file:///ckpt/j/chk-4/op-list0', size: 9 }],
              },
            },
          },
        },
      },
      endOfData: true,
    },
  },
  {
    type: 'decline-checkpoint',
    jobId,
    executionAttemptId: attempt,
    checkpointId: 5,
    reason: 'CHECKPOINT_ASYNC_EXCEPTION',
    error: serializeError(failureCause),
  },
  {
    type: 'operator-event-to-task',
    requestId: 11,
    executionAttemptId: attempt,
    operatorId: 'cd'.repeat(16),
    event: { type: 'add-splits', splits: [{ topic: 't', partition: 3, offset: 2n ** 40n }] },
  },
  {
    type: 'operator-event-to-task',
    requestId: 12,
    executionAttemptId: attempt,
    operatorId: 'cd'.repeat(16),
    event: { type: 'no-more-splits' },
  },
  {
    type: 'operator-event-to-coordinator',
    jobId,
    executionAttemptId: attempt,
    operatorId: 'cd'.repeat(16),
    event: { type: 'reader-registration', subtaskId: 1, location: 'tm-1/0' },
  },
  {
    type: 'operator-event-to-coordinator',
    jobId,
    executionAttemptId: attempt,
    operatorId: 'cd'.repeat(16),
    event: { type: 'request-split', subtaskId: 0 },
  },
  {
    type: 'operator-event-to-coordinator',
    jobId,
    executionAttemptId: attempt,
    operatorId: 'cd'.repeat(16),
    event: { type: 'source-event', event: { lag: new Map([['t-0', 12]]) } },
  },
];

function frameWithHeader(
  typeId: number,
  body: Buffer,
  overrides: { magic?: number; version?: number } = {},
): Buffer {
  const header = Buffer.alloc(RPC_HEADER_BYTES);
  header.writeUInt16BE(overrides.magic ?? 0x4652, 0);
  header.writeUInt8(overrides.version ?? 1, 2);
  header.writeUInt8(typeId, 3);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A frame of `type` whose body holds the fields of `body` (encoded as its own `type`). */
function reframe(
  type: RpcMessageType,
  body: { readonly type: RpcMessageType } & Record<string, unknown>,
): Buffer {
  const carrier = encodeRpcMessage(body as unknown as RpcMessage);
  return frameWithHeader(RPC_MESSAGE_TYPE_IDS[type], carrier.subarray(RPC_HEADER_BYTES));
}

function decodeError(frame: Uint8Array): FreshetError {
  try {
    decodeRpcMessage(frame);
  } catch (error) {
    expect(error).toBeInstanceOf(FreshetError);
    return error as FreshetError;
  }
  throw new Error('expected decoding to fail');
}

describe('control-plane RPC messages', () => {
  it('covers every message type in the round-trip fixtures', () => {
    const covered = new Set(MESSAGES.map((m) => m.type));
    expect([...covered].sort()).toEqual(Object.keys(RPC_MESSAGE_TYPE_IDS).sort());
  });

  it('maps every type to its own byte ID', () => {
    const ids = Object.values(RPC_MESSAGE_TYPE_IDS);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toBeGreaterThan(0);
    for (const id of ids) expect(id).toBeLessThan(256);
  });

  it.each(MESSAGES.map((m, i) => [`${m.type} #${i}`, m] as const))('round-trips %s', (_name, message) => {
    const frame = encodeRpcMessage(message);
    expect(frame.readUInt16BE(0)).toBe(0x4652);
    expect(frame.readUInt8(3)).toBe(RPC_MESSAGE_TYPE_IDS[message.type]);
    expect(frame.readUInt32BE(4)).toBe(frame.length - RPC_HEADER_BYTES);
    expect(decodeRpcMessage(frame)).toEqual(message);
  });

  it('decodes ws RawData shapes: ArrayBuffer and fragment arrays', () => {
    const message: RpcMessage = { type: 'release-job', requestId: 9, jobId };
    const frame = encodeRpcMessage(message);
    const arrayBuffer = new Uint8Array(frame).buffer;
    expect(decodeRpcMessage(arrayBuffer)).toEqual(message);
    expect(decodeRpcMessage([frame.subarray(0, 5), frame.subarray(5)])).toEqual(message);
  });

  describe('golden bytes', () => {
    it('heartbeat-request', () => {
      const frame = encodeRpcMessage({ type: 'heartbeat-request', requestId: 7 });
      expect(frame.toString('hex')).toBe(
        [
          '4652', // magic 'FR'
          '01', // version
          '04', // heartbeat-request
          '0000000e', // body length 14
          'de0001', // map of 1
          'a9' + Buffer.from('requestId').toString('hex'),
          '07',
        ].join(''),
      );
    });

    it('registration-rejected', () => {
      const frame = encodeRpcMessage({ type: 'registration-rejected', requestId: 3, reason: 'dup' });
      expect(frame.toString('hex')).toBe(
        [
          '4652',
          '01',
          '03', // registration-rejected
          '00000019', // body length 25
          'de0002', // map of 2
          'a9' + Buffer.from('requestId').toString('hex'),
          '03',
          'a6' + Buffer.from('reason').toString('hex'),
          'a3' + Buffer.from('dup').toString('hex'),
        ].join(''),
      );
    });
  });

  describe('rejects malformed frames with a clear FreshetError', () => {
    const valid = encodeRpcMessage({ type: 'ack', requestId: 1 });
    const body = valid.subarray(RPC_HEADER_BYTES);

    it('a frame shorter than the header', () => {
      const error = decodeError(Buffer.from([0x46, 0x52, 1]));
      expect(error.code).toBe('MALFORMED_RPC_MESSAGE');
      expect(error.message).toMatch(/frame of 3 bytes is shorter than the 8-byte header/);
    });

    it('bad magic', () => {
      expect(decodeError(frameWithHeader(9, body, { magic: 0x1234 })).message).toMatch(/bad magic 0x1234/);
    });

    it('an unsupported protocol version', () => {
      expect(decodeError(frameWithHeader(9, body, { version: 2 })).message).toMatch(
        /protocol version 2 is not supported/,
      );
    });

    it('an unknown type ID', () => {
      const error = decodeError(frameWithHeader(200, body));
      expect(error.code).toBe('MALFORMED_RPC_MESSAGE');
      expect(error.message).toMatch(/unknown message type id 200/);
      expect(error.message).toMatch(/same version/);
    });

    it('a length that does not match the frame', () => {
      const truncated = valid.subarray(0, valid.length - 1);
      expect(decodeError(truncated).message).toMatch(/header says 14 body bytes but the frame has 13/);
    });

    it('a body that is not msgpack', () => {
      const error = decodeError(frameWithHeader(9, Buffer.from([0x82, 0xa1])));
      expect(error.message).toMatch(/ack body is not valid msgpack/);
      expect(error.cause).toBeInstanceOf(Error);
    });

    it('a body that is not a map', () => {
      expect(decodeError(frameWithHeader(9, Buffer.from([0x07]))).message).toMatch(/ack must be a map/);
    });

    it('a missing or mistyped field', () => {
      expect(decodeError(reframe('cancel-task', { type: 'ack', requestId: 4 } as const)).message).toMatch(
        /cancel-task\.executionAttemptId must be a string/,
      );
      const negative = reframe('ack', { type: 'heartbeat-request', requestId: -1 } as const);
      expect(decodeError(negative).message).toMatch(/ack\.requestId must be a non-negative integer/);
    });

    it('an unknown execution state', () => {
      const bad = {
        type: 'task-state' as const,
        update: { jobId, executionAttemptId: attempt, state: 'EXPLODED' },
      };
      expect(decodeError(reframe('task-state', bad)).message).toMatch(
        /task-state\.update\.state must be an ExecutionState/,
      );
    });

    it('a deployment descriptor without its job', () => {
      const { job: _job, ...withoutJob } = testingTaskDeploymentDescriptor();
      const bad = { type: 'submit-task' as const, requestId: 1, tdd: withoutJob };
      expect(decodeError(reframe('submit-task', bad)).message).toMatch(/submit-task\.tdd\.job must be a map/);
    });

    it('a serialized error with an unknown domain', () => {
      const bad = {
        type: 'failure' as const,
        requestId: 1,
        error: { ...serializeError(failureCause), domain: 'cosmic' },
      };
      expect(decodeError(reframe('failure', bad)).message).toMatch(/failure\.error\.domain must be/);
    });

    it('a slot report whose job ID is not a string', () => {
      const bad = {
        type: 'heartbeat-response' as const,
        requestId: 1,
        slotReport: { slots: [{ slotIndex: 0, jobId: 5 }] },
      };
      expect(decodeError(reframe('heartbeat-response', bad)).message).toMatch(
        /slotReport\.slots\[0\]\.jobId must be a string or nil/,
      );
    });
  });
});

describe('checkpoint RPC messages', () => {
  it('rejects an acknowledgement whose state handle has no path', () => {
    const frame = reframe('acknowledge-checkpoint', {
      type: 'acknowledge-checkpoint',
      jobId,
      executionAttemptId: attempt,
      checkpointId: 1,
      state: { subtaskStateByOperatorId: { x: { keyedState: [{ size: 3 }] } } },
    });
    expect(decodeError(frame).message).toContain('keyedState[0].path');
  });

  it('rejects a trigger with an unknown alignment', () => {
    const frame = reframe('trigger-checkpoint', {
      type: 'trigger-checkpoint',
      requestId: 1,
      executionAttemptId: attempt,
      checkpointId: 1,
      timestamp: 1,
      options: { checkpointType: 'checkpoint', alignment: 'sideways', targetLocation: 'file:///c' },
    });
    expect(decodeError(frame).message).toContain('alignment');
  });
});
