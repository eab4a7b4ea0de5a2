import { describe, expect, it } from 'vitest';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { CheckpointBarrierTracker } from './checkpoint-barrier-tracker.js';
import { createCheckpointBarrierHandler } from './create-checkpoint-barrier-handler.js';
import { SingleCheckpointBarrierHandler } from './single-checkpoint-barrier-handler.js';
import { TestingBarrierHandlerActions, testingBarrier } from './testing-barrier-handler-actions.js';

const base = { numberOfChannels: 2, clock: () => 0 };

describe('createCheckpointBarrierHandler', () => {
  it('tracks barriers without blocking for at-least-once', () => {
    const actions = new TestingBarrierHandlerActions();
    const handler = createCheckpointBarrierHandler({
      ...base,
      mode: 'AT_LEAST_ONCE',
      unalignedEnabled: false,
      actions,
    });
    expect(handler).toBeInstanceOf(CheckpointBarrierTracker);
    handler.processBarrier(testingBarrier(1, 'at-least-once'), 0);
    expect(actions.calls).toEqual([]);
  });

  it('aligns for exactly-once', () => {
    const actions = new TestingBarrierHandlerActions();
    const handler = createCheckpointBarrierHandler({
      ...base,
      mode: 'EXACTLY_ONCE',
      unalignedEnabled: false,
      actions,
    });
    expect(handler).toBeInstanceOf(SingleCheckpointBarrierHandler);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    expect(actions.calls).toEqual(['block 0']);
  });

  it('takes unaligned barriers unaligned when enabled', () => {
    const actions = new TestingBarrierHandlerActions();
    const handler = createCheckpointBarrierHandler({
      ...base,
      mode: 'EXACTLY_ONCE',
      unalignedEnabled: true,
      actions,
    });
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    expect(actions.calls).toEqual(['trigger 1', 'finish-channel-state 1 0']);
    expect(handler.onBuffer(1)).toBe(true);
  });

  it('rejects unaligned checkpoints with at-least-once', () => {
    const actions = new TestingBarrierHandlerActions();
    expect(() =>
      createCheckpointBarrierHandler({ ...base, mode: 'AT_LEAST_ONCE', unalignedEnabled: true, actions }),
    ).toThrow(IllegalConfigurationError);
  });
});
