import { describe, expect, it } from 'vitest';
import { FreshetError } from '../errors/freshet-error.js';
import { ExecutionAttemptId } from '../ids.js';
import { StopMode, stopModeOf, type TriggerCheckpoint } from './checkpoint-rpc-messages.js';
import { decodeRpcMessage, encodeRpcMessage, type RpcMessage } from './rpc-messages.js';

const attempt = ExecutionAttemptId.generate();

function trigger(options: Record<string, unknown>): TriggerCheckpoint {
  return {
    type: 'trigger-checkpoint',
    requestId: 3,
    executionAttemptId: attempt,
    checkpointId: 7,
    timestamp: 1_700_000_000_000,
    options: { alignment: 'aligned', targetLocation: 'file:///sp/savepoint-1', ...options },
  } as TriggerCheckpoint;
}

function decodeError(message: RpcMessage): FreshetError {
  try {
    decodeRpcMessage(encodeRpcMessage(message));
  } catch (error) {
    expect(error).toBeInstanceOf(FreshetError);
    return error as FreshetError;
  }
  throw new Error('expected decoding to fail');
}

describe('trigger-checkpoint stop modes (stop-with-savepoint)', () => {
  it.each([StopMode.DRAIN, StopMode.NO_DRAIN])('round-trips a savepoint trigger with stopMode %s', (mode) => {
    const message = trigger({ checkpointType: 'savepoint', stopMode: mode });
    const decoded = decodeRpcMessage(encodeRpcMessage(message)) as TriggerCheckpoint;
    expect(decoded).toEqual(message);
    expect(stopModeOf(decoded.options)).toBe(mode);
  });

  it('leaves it out for a checkpoint or a savepoint the job survives', () => {
    for (const checkpointType of ['checkpoint', 'savepoint'] as const) {
      const decoded = decodeRpcMessage(encodeRpcMessage(trigger({ checkpointType }))) as TriggerCheckpoint;
      expect(stopModeOf(decoded.options)).toBeUndefined();
      expect('stopMode' in decoded.options).toBe(false);
    }
  });

  it('rejects an unknown stop mode, and one on a checkpoint', () => {
    expect(decodeError(trigger({ checkpointType: 'savepoint', stopMode: 'halt' })).message).toContain(
      'stopMode must be drain or no-drain',
    );
    expect(decodeError(trigger({ checkpointType: 'checkpoint', stopMode: 'drain' })).message).toContain(
      'stopMode is only allowed for a savepoint',
    );
  });
});
