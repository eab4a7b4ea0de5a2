import { describe, expect, it } from 'vitest';
import { CheckpointAbortReason } from './barrier-handler-actions.js';
import { SingleCheckpointBarrierHandler } from './single-checkpoint-barrier-handler.js';
import {
  TestingBarrierHandlerActions,
  TestingClock,
  testingBarrier,
} from './testing-barrier-handler-actions.js';

function unaligned(numberOfChannels = 3) {
  const actions = new TestingBarrierHandlerActions();
  const time = new TestingClock(1_000);
  const handler = SingleCheckpointBarrierHandler.unaligned({ numberOfChannels, actions, clock: time.clock });
  return { actions, time, handler };
}

const captures = (handler: SingleCheckpointBarrierHandler): boolean[] =>
  [0, 1, 2].map((channel) => handler.onBuffer(channel));

describe('SingleCheckpointBarrierHandler (unaligned)', () => {
  it('triggers on the first barrier and captures each channel until its barrier arrives', () => {
    const { actions, handler } = unaligned();
    expect(captures(handler)).toEqual([false, false, false]);

    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    expect(actions.take()).toEqual(['trigger 1', 'finish-channel-state 1 1']);
    expect(handler.getStateName()).toBe('CollectingBarriersUnaligned');
    expect(captures(handler)).toEqual([true, false, true]);

    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    expect(actions.take()).toEqual(['finish-channel-state 1 0']);
    expect(captures(handler)).toEqual([false, false, true]);

    handler.processBarrier(testingBarrier(1, 'unaligned'), 2);
    expect(actions.take()).toEqual(['finish-channel-state 1 2', 'channel-state-complete 1']);
    expect(captures(handler)).toEqual([false, false, false]);
    expect(handler.getStateName()).toBe('WaitingForFirstBarrier');
  });

  it('never blocks a channel', () => {
    const { actions, handler } = unaligned();
    for (const channel of [2, 0, 1]) handler.processBarrier(testingBarrier(1, 'unaligned'), channel);
    expect(actions.calls.filter((call) => call.startsWith('block') || call === 'resume')).toEqual([]);
    expect([0, 1, 2].some((channel) => handler.isBlocked(channel))).toBe(false);
  });

  it('completes at once on a single channel', () => {
    const { actions, handler } = unaligned(1);
    handler.processBarrier(testingBarrier(3, 'unaligned'), 0);
    expect(actions.take()).toEqual(['trigger 3', 'finish-channel-state 3 0', 'channel-state-complete 3']);
    expect(handler.onBuffer(0)).toBe(false);
  });

  it('ignores a repeated barrier of the pending checkpoint', () => {
    const { actions, handler } = unaligned();
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    actions.take();
    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    expect(actions.take()).toEqual([]);
    expect(captures(handler)).toEqual([false, false, true]);
  });

  it('aborts the pending checkpoint as subsumed when a newer barrier arrives and captures for the new one', () => {
    const { actions, handler } = unaligned();
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    actions.take();

    handler.processBarrier(testingBarrier(2, 'unaligned'), 1);
    expect(actions.take()).toEqual([
      `abort 1: ${CheckpointAbortReason.SUBSUMED}`,
      'trigger 2',
      'finish-channel-state 2 1',
    ]);
    expect(captures(handler)).toEqual([true, false, true]);

    handler.processBarrier(testingBarrier(1, 'unaligned'), 2);
    expect(actions.take()).toEqual([]);
    expect(captures(handler)).toEqual([true, false, true]);
  });

  it('stops capturing when a cancellation barrier aborts the checkpoint', () => {
    const { actions, handler } = unaligned();
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    actions.take();
    handler.processCancellationBarrier(1, 2);
    expect(actions.take()).toEqual([`abort 1: ${CheckpointAbortReason.CANCELLATION_BARRIER}`]);
    expect(captures(handler)).toEqual([false, false, false]);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    expect(actions.take()).toEqual([]);
  });

  it('counts an ended channel as finished', () => {
    const { actions, handler } = unaligned();
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    actions.take();
    handler.processEndOfPartition(2);
    expect(actions.take()).toEqual(['finish-channel-state 1 2', 'channel-state-complete 1']);

    handler.processBarrier(testingBarrier(2, 'unaligned'), 0);
    expect(captures(handler).slice(0, 2)).toEqual([false, true]);
    handler.processBarrier(testingBarrier(2, 'unaligned'), 1);
    expect(actions.take()).toEqual([
      'trigger 2',
      'finish-channel-state 2 0',
      'finish-channel-state 2 1',
      'channel-state-complete 2',
    ]);
  });

  it('aligns barriers whose options ask for alignment (savepoints)', () => {
    const { actions, handler } = unaligned();
    handler.processBarrier(testingBarrier(1, 'aligned', { checkpointType: 'savepoint' }), 0);
    handler.processBarrier(testingBarrier(1, 'aligned', { checkpointType: 'savepoint' }), 1);
    expect(actions.take()).toEqual(['block 0', 'block 1']);
    expect(handler.getStateName()).toBe('CollectingBarriers');
    expect(handler.onBuffer(2)).toBe(false);

    // A newer unaligned checkpoint subsumes the savepoint's alignment.
    handler.processBarrier(testingBarrier(2, 'unaligned'), 2);
    expect(actions.take()).toEqual([
      'resume',
      `abort 1: ${CheckpointAbortReason.SUBSUMED}`,
      'trigger 2',
      'finish-channel-state 2 2',
    ]);
    expect(captures(handler)).toEqual([true, true, false]);
  });

  it('measures the alignment until the barrier arrived on every channel', () => {
    const { time, handler } = unaligned();
    handler.processBarrier(testingBarrier(1, 'unaligned', { timestamp: 1_000 }), 2);
    time.advance(3);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    time.advance(4);
    handler.processBarrier(testingBarrier(1, 'unaligned'), 1);
    expect(handler.metrics.getLastAlignment()).toMatchObject({
      checkpointId: 1,
      alignment: 'unaligned',
      durationMs: 7,
      startDelayMs: 0,
    });
  });
});
