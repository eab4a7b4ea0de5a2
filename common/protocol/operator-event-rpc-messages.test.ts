import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { FreshetError } from '../errors/freshet-error.js';
import { ExecutionAttemptId, JobId } from '../ids.js';
import {
  RPC_HEADER_BYTES,
  RPC_MESSAGE_TYPE_IDS,
  decodeRpcMessage,
  encodeRpcMessage,
} from './rpc-messages.js';
import { describeOperatorEvent } from './operator-events.js';

const jobId = JobId.parse('0123456789abcdef0123456789abcdef');
const attempt = ExecutionAttemptId.generate();
const control = new Packr({ useRecords: false, mapsAsObjects: true });
const payload = new Packr({ useRecords: true, moreTypes: true });

/** A frame of `type` carrying `fields`, with `event` packed as given. */
function frame(
  type: 'operator-event-to-task' | 'operator-event-to-coordinator',
  fields: Record<string, unknown>,
) {
  const body = control.pack(fields);
  const header = Buffer.alloc(RPC_HEADER_BYTES);
  header.writeUInt16BE(0x4652, 0);
  header.writeUInt8(1, 2);
  header.writeUInt8(RPC_MESSAGE_TYPE_IDS[type], 3);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function decodeError(bytes: Uint8Array): FreshetError {
  try {
    decodeRpcMessage(bytes);
  } catch (error) {
    return error as FreshetError;
  }
  throw new Error('expected decoding to fail');
}

describe('operator event RPC messages', () => {
  it('keep the connector values of splits (packed like records)', () => {
    const split = { topic: 'orders', partition: 2, offset: 2n ** 62n, at: new Date(5) };
    const decoded = decodeRpcMessage(
      encodeRpcMessage({
        type: 'operator-event-to-task',
        requestId: 3,
        executionAttemptId: attempt,
        operatorId: 'ab'.repeat(16),
        event: { type: 'add-splits', splits: [split] },
      }),
    );
    expect(decoded).toEqual({
      type: 'operator-event-to-task',
      requestId: 3,
      executionAttemptId: attempt,
      operatorId: 'ab'.repeat(16),
      event: { type: 'add-splits', splits: [split] },
    });
  });

  it('reject an event of the wrong direction or shape', () => {
    const wrongDirection = frame('operator-event-to-coordinator', {
      jobId,
      executionAttemptId: attempt,
      operatorId: 'x',
      event: payload.pack({ type: 'add-splits', splits: [] }),
    });
    expect(decodeError(wrongDirection).message).toContain('is not a source reader event');
    const noSubtask = frame('operator-event-to-coordinator', {
      jobId,
      executionAttemptId: attempt,
      operatorId: 'x',
      event: payload.pack({ type: 'request-split' }),
    });
    expect(decodeError(noSubtask).message).toContain('operator-event-to-coordinator.event.subtaskId');
    const notBytes = frame('operator-event-to-task', {
      requestId: 1,
      executionAttemptId: attempt,
      operatorId: 'x',
      event: { type: 'no-more-splits' },
    });
    expect(decodeError(notBytes).code).toBe('MALFORMED_RPC_MESSAGE');
    expect(decodeError(notBytes).message).toContain('operator-event-to-task.event must be bytes');
  });

  it('describe events without their values', () => {
    expect(describeOperatorEvent({ type: 'add-splits', splits: [{ secret: 1 }, {}] })).toBe('add-splits (2)');
    expect(describeOperatorEvent({ type: 'request-split', subtaskId: 4 })).toBe('request-split of subtask 4');
  });
});
