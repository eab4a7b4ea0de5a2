import { describe, expect, it } from 'vitest';
import { CheckpointAbortReason } from './barrier-handler-actions.js';
import { CheckpointBarrierTracker, MAX_CHECKPOINTS_TO_TRACK } from './checkpoint-barrier-tracker.js';
import {
  TestingBarrierHandlerActions,
  TestingClock,
  testingBarrier,
} from './testing-barrier-handler-actions.js';

const SUBSUMED = `: ${CheckpointAbortReason.SUBSUMED}`;
const CANCELLED = `: ${CheckpointAbortReason.CANCELLATION_BARRIER}`;

function tracker(numberOfChannels = 3) {
  const actions = new TestingBarrierHandlerActions();
  const time = new TestingClock(1_000);
  const handler = new CheckpointBarrierTracker({ numberOfChannels, actions, clock: time.clock });
  return { actions, time, handler };
}

const barrier = (id: number) => testingBarrier(id, 'at-least-once');

describe('CheckpointBarrierTracker', () => {
  it.each([
    [0, 1, 2],
    [2, 0, 1],
    [1, 2, 0],
  ])('never blocks and triggers once the barrier was seen on %i, %i and %i', (a, b, c) => {
    const { actions, handler } = tracker();
    handler.processBarrier(barrier(1), a);
    handler.processBarrier(barrier(1), b);
    expect(actions.take()).toEqual([]);
    expect(handler.getPendingCheckpointId()).toBe(1);
    expect(handler.onBuffer(a)).toBe(false);
    handler.processBarrier(barrier(1), c);
    expect(actions.take()).toEqual(['trigger 1']);
    expect(handler.getPendingCheckpointId()).toBeUndefined();
  });

  it('triggers at once on a single channel', () => {
    const { actions, handler } = tracker(1);
    handler.processBarrier(barrier(1), 0);
    handler.processBarrier(barrier(2), 0);
    expect(actions.take()).toEqual(['trigger 1', 'trigger 2']);
  });

  it('counts several checkpoints at once', () => {
    const { actions, handler } = tracker();
    handler.processBarrier(barrier(1), 0);
    handler.processBarrier(barrier(2), 0);
    handler.processBarrier(barrier(3), 0);
    handler.processBarrier(barrier(1), 1);
    handler.processBarrier(barrier(2), 1);
    expect(handler.getPendingCheckpointIds()).toEqual([1, 2, 3]);
    handler.processBarrier(barrier(1), 2);
    expect(actions.take()).toEqual(['trigger 1']);
    handler.processBarrier(barrier(2), 2);
    expect(actions.take()).toEqual(['trigger 2']);
    expect(handler.getPendingCheckpointIds()).toEqual([3]);
  });

  it('counts a repeated barrier on a channel once', () => {
    const { actions, handler } = tracker();
    handler.processBarrier(barrier(1), 0);
    handler.processBarrier(barrier(1), 0);
    handler.processBarrier(barrier(1), 1);
    expect(actions.take()).toEqual([]);
    handler.processBarrier(barrier(1), 2);
    expect(actions.take()).toEqual(['trigger 1']);
  });

  it('drops older incomplete checkpoints when a newer one completes, and ignores their late barriers', () => {
    const { actions, handler } = tracker();
    handler.processBarrier(barrier(1), 0);
    handler.processBarrier(barrier(1), 1);
    handler.processBarrier(barrier(2), 0);
    handler.processBarrier(barrier(2), 1);
    handler.processBarrier(barrier(2), 2);
    expect(actions.take()).toEqual([`abort 1${SUBSUMED}`, 'trigger 2']);
    handler.processBarrier(barrier(1), 2);
    expect(actions.take()).toEqual([]);
    expect(handler.getPendingCheckpointIds()).toEqual([]);
  });

  it('ignores barriers of checkpoints already triggered', () => {
    const { actions, handler } = tracker(2);
    handler.processBarrier(barrier(2), 0);
    handler.processBarrier(barrier(2), 1);
    handler.processBarrier(barrier(1), 0);
    handler.processBarrier(barrier(2), 0);
    expect(actions.take()).toEqual(['trigger 2']);
    expect(handler.getPendingCheckpointIds()).toEqual([]);
  });

  it(`tracks at most ${MAX_CHECKPOINTS_TO_TRACK} checkpoints, dropping the oldest`, () => {
    const { actions, handler } = tracker();
    for (let id = 1; id <= MAX_CHECKPOINTS_TO_TRACK + 1; id++) handler.processBarrier(barrier(id), 0);
    expect(actions.take()).toEqual([`abort 1${SUBSUMED}`]);
    expect(handler.getPendingCheckpointIds()).toHaveLength(MAX_CHECKPOINTS_TO_TRACK);
    expect(handler.getPendingCheckpointIds()[0]).toBe(2);
  });

  describe('cancellation barrier', () => {
    it('aborts the checkpoint once and ignores its remaining barriers', () => {
      const { actions, handler } = tracker();
      handler.processBarrier(barrier(1), 0);
      handler.processCancellationBarrier(1, 1);
      expect(actions.take()).toEqual([`abort 1${CANCELLED}`]);
      handler.processBarrier(barrier(1), 2);
      handler.processCancellationBarrier(1, 2);
      expect(actions.take()).toEqual([]);
      expect(handler.getPendingCheckpointIds()).toEqual([]);
    });

    it('of a checkpoint not seen yet aborts it and keeps its barriers from being counted', () => {
      const { actions, handler } = tracker();
      handler.processCancellationBarrier(5, 0);
      handler.processBarrier(barrier(5), 1);
      handler.processBarrier(barrier(5), 2);
      expect(actions.take()).toEqual([`abort 5${CANCELLED}`]);
      expect(handler.getPendingCheckpointIds()).toEqual([]);
    });

    it('drops the older checkpoints but keeps the newer ones', () => {
      const { actions, handler } = tracker();
      for (const id of [1, 2, 3, 4]) handler.processBarrier(barrier(id), 0);
      handler.processCancellationBarrier(3, 1);
      expect(actions.take()).toEqual([`abort 1${SUBSUMED}`, `abort 2${SUBSUMED}`, `abort 3${CANCELLED}`]);
      expect(handler.getPendingCheckpointIds()).toEqual([4]);
      handler.processBarrier(barrier(4), 1);
      handler.processBarrier(barrier(4), 2);
      expect(actions.take()).toEqual(['trigger 4']);
    });

    it('of a checkpoint never seen but older than a pending one only drops the older ones (as Flink)', () => {
      const { actions, handler } = tracker();
      handler.processBarrier(barrier(1), 0);
      handler.processBarrier(barrier(2), 0);
      handler.processBarrier(barrier(4), 0);
      handler.processCancellationBarrier(3, 1);
      expect(actions.take()).toEqual([`abort 1${SUBSUMED}`, `abort 2${SUBSUMED}`]);
      expect(handler.getPendingCheckpointIds()).toEqual([4]);
      handler.processBarrier(barrier(4), 1);
      handler.processBarrier(barrier(4), 2);
      expect(actions.take()).toEqual(['trigger 4']);
    });
  });

  describe('end of partition', () => {
    it('completes the checkpoints that waited only for the ended channel, in order', () => {
      const { actions, handler } = tracker();
      for (const id of [1, 2, 3]) handler.processBarrier(barrier(id), 0);
      handler.processBarrier(barrier(1), 1);
      handler.processBarrier(barrier(2), 1);
      handler.processEndOfPartition(2);
      expect(actions.take()).toEqual(['trigger 1', 'trigger 2']);
      expect(handler.getPendingCheckpointIds()).toEqual([3]);
      handler.processBarrier(barrier(3), 1);
      expect(actions.take()).toEqual(['trigger 3']);
    });

    it('is not waited for by later checkpoints', () => {
      const { actions, handler } = tracker();
      handler.processEndOfPartition(0);
      handler.processBarrier(barrier(1), 1);
      handler.processBarrier(barrier(1), 2);
      expect(actions.take()).toEqual(['trigger 1']);
      expect(() => handler.processBarrier(barrier(2), 0)).toThrow(
        expect.objectContaining({ code: 'INVALID_CHANNEL_EVENT' }),
      );
    });
  });

  it('measures each concurrent alignment separately', () => {
    const { time, handler } = tracker(2);
    handler.processBarrier(barrier(1), 0);
    time.advance(2);
    handler.processBarrier(barrier(2), 0);
    time.advance(3);
    expect(handler.metrics.getCurrentAlignmentDurationMs()).toBe(5);
    handler.processBarrier(barrier(1), 1);
    time.advance(10);
    handler.processBarrier(barrier(2), 1);
    expect(handler.metrics.getAlignments().map((r) => [r.checkpointId, r.durationMs, r.alignment])).toEqual([
      [1, 5, 'at-least-once'],
      [2, 13, 'at-least-once'],
    ]);
  });
});
