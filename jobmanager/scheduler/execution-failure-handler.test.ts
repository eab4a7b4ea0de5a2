import { describe, expect, it } from 'vitest';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { ExecutionFailureHandler, isUnrecoverableError } from './execution-failure-handler.js';
import { FixedDelayRestartBackoffTimeStrategy } from './restart/fixed-delay-restart-backoff-time-strategy.js';

describe('ExecutionFailureHandler', () => {
  it('restarts while the strategy allows, counting restarts, then fails', () => {
    const handler = new ExecutionFailureHandler(new FixedDelayRestartBackoffTimeStrategy(1, 250));
    expect(handler.handleFailure(new Error('1'), 0)).toEqual({ kind: 'restart' });
    expect(handler.backoffTime()).toBe(250);
    expect(handler.numberOfRestarts).toBe(1);
    expect(handler.handleFailure(new Error('2'), 1)).toEqual({ kind: 'fail', reason: 'restarts-exhausted' });
    expect(handler.numberOfRestarts).toBe(1);
  });

  it('never restarts on an unrecoverable error, and does not spend an attempt on it', () => {
    const handler = new ExecutionFailureHandler(new FixedDelayRestartBackoffTimeStrategy(1, 0));
    const mismatch = new FreshetError('NON_DETERMINISTIC_GRAPH', 'graph differs');
    expect(handler.handleFailure(mismatch, 0)).toEqual({ kind: 'fail', reason: 'unrecoverable' });
    expect(handler.handleFailure(new Error('ordinary'), 1)).toEqual({ kind: 'restart' });
  });

  it('finds an unrecoverable code anywhere in the cause chain', () => {
    const inner = new FreshetError('NON_DETERMINISTIC_GRAPH', 'graph differs');
    expect(isUnrecoverableError(new Error('wrapped', { cause: inner }))).toBe(true);
    expect(isUnrecoverableError(new FreshetError('TASK_FAILED', 'x', { cause: new Error('y') }))).toBe(false);
  });
});
