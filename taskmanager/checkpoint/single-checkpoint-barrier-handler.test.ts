import { describe, expect, it } from 'vitest';
import { CheckpointAbortReason } from './barrier-handler-actions.js';
import { SingleCheckpointBarrierHandler } from './single-checkpoint-barrier-handler.js';
import {
  TestingBarrierHandlerActions,
  TestingClock,
  testingBarrier,
} from './testing-barrier-handler-actions.js';

const SUBSUMED = `: ${CheckpointAbortReason.SUBSUMED}`;
const CANCELLED = `: ${CheckpointAbortReason.CANCELLATION_BARRIER}`;

function aligned(numberOfChannels = 3) {
  const actions = new TestingBarrierHandlerActions();
  const time = new TestingClock(1_000);
  const handler = SingleCheckpointBarrierHandler.aligned({ numberOfChannels, actions, clock: time.clock });
  return { actions, time, handler };
}

const PERMUTATIONS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
] as const;

describe('SingleCheckpointBarrierHandler (aligned)', () => {
  it.each(PERMUTATIONS)(
    'blocks channels %i, %i until the barrier arrived on %i, then triggers and resumes',
    (a, b, c) => {
      const { actions, handler } = aligned();
      handler.processBarrier(testingBarrier(1), a);
      expect(actions.take()).toEqual([`block ${a}`]);
      expect(handler.getStateName()).toBe('CollectingBarriers');
      expect(handler.getPendingCheckpointId()).toBe(1);
      expect(handler.isBlocked(a)).toBe(true);

      handler.processBarrier(testingBarrier(1), b);
      expect(actions.take()).toEqual([`block ${b}`]);
      expect([a, b, c].map((i) => handler.isBlocked(i))).toEqual([true, true, false]);

      handler.processBarrier(testingBarrier(1), c);
      expect(actions.take()).toEqual(['trigger 1', 'resume']);
      expect(handler.getStateName()).toBe('WaitingForFirstBarrier');
      expect(handler.getPendingCheckpointId()).toBeUndefined();
      expect([0, 1, 2].some((i) => handler.isBlocked(i))).toBe(false);
    },
  );

  it('aligns one checkpoint after another', () => {
    const { actions, handler } = aligned();
    for (const channel of [0, 1, 2]) handler.processBarrier(testingBarrier(1), channel);
    for (const channel of [2, 1, 0]) handler.processBarrier(testingBarrier(2), channel);
    expect(actions.take()).toEqual([
      'block 0',
      'block 1',
      'trigger 1',
      'resume',
      'block 2',
      'block 1',
      'trigger 2',
      'resume',
    ]);
    expect(actions.triggered.map((b) => b.checkpointId)).toEqual([1, 2]);
  });

  it('triggers at once on a single-channel task, without blocking', () => {
    const { actions, handler } = aligned(1);
    handler.processBarrier(testingBarrier(7), 0);
    expect(actions.take()).toEqual(['trigger 7']);
    expect(handler.getStateName()).toBe('WaitingForFirstBarrier');
  });

  it('aborts the pending checkpoint as subsumed when a newer barrier arrives mid-alignment', () => {
    const { actions, handler } = aligned();
    handler.processBarrier(testingBarrier(1), 0);
    handler.processBarrier(testingBarrier(1), 1);
    actions.take();

    handler.processBarrier(testingBarrier(2), 2);
    expect(actions.take()).toEqual(['resume', `abort 1${SUBSUMED}`, 'block 2']);
    expect(handler.getPendingCheckpointId()).toBe(2);
    expect(handler.isBlocked(0)).toBe(false);

    handler.processBarrier(testingBarrier(2), 0);
    handler.processBarrier(testingBarrier(2), 1);
    expect(actions.take()).toEqual(['block 0', 'trigger 2', 'resume']);
  });

  it('ignores barriers older than the current checkpoint', () => {
    const { actions, handler } = aligned();
    handler.processBarrier(testingBarrier(2), 0);
    actions.take();
    handler.processBarrier(testingBarrier(1), 1);
    expect(actions.take()).toEqual([]);
    expect(handler.isBlocked(1)).toBe(false);
    expect(handler.getPendingCheckpointId()).toBe(2);

    handler.processBarrier(testingBarrier(2), 1);
    handler.processBarrier(testingBarrier(2), 2);
    handler.processBarrier(testingBarrier(1), 0);
    expect(actions.take()).toEqual(['block 1', 'trigger 2', 'resume']);
  });

  it('ignores trailing barriers of a subsumed checkpoint', () => {
    const { actions, handler } = aligned();
    handler.processBarrier(testingBarrier(1), 0);
    handler.processBarrier(testingBarrier(2), 1);
    actions.take();
    handler.processBarrier(testingBarrier(1), 2);
    expect(actions.take()).toEqual([]);
    expect(handler.isBlocked(2)).toBe(false);
  });

  it('ignores a repeated barrier on a blocked channel', () => {
    const { actions, handler } = aligned();
    handler.processBarrier(testingBarrier(1), 0);
    handler.processBarrier(testingBarrier(1), 0);
    handler.processBarrier(testingBarrier(1), 1);
    expect(actions.take()).toEqual(['block 0', 'block 1']);
    expect(handler.getPendingCheckpointId()).toBe(1);
    handler.processBarrier(testingBarrier(1), 2);
    expect(actions.take()).toEqual(['trigger 1', 'resume']);
  });

  it('rejects a buffer from a blocked channel and captures none', () => {
    const { handler } = aligned();
    handler.processBarrier(testingBarrier(1), 0);
    expect(handler.onBuffer(1)).toBe(false);
    expect(() => handler.onBuffer(0)).toThrow(
      expect.objectContaining({ code: 'BUFFER_FROM_BLOCKED_CHANNEL' }),
    );
  });

  describe('cancellation barrier', () => {
    it('aborts the current alignment and resumes the blocked channels', () => {
      const { actions, handler } = aligned();
      handler.processBarrier(testingBarrier(1), 0);
      actions.take();
      handler.processCancellationBarrier(1, 1);
      expect(actions.take()).toEqual(['resume', `abort 1${CANCELLED}`]);
      expect(handler.getStateName()).toBe('WaitingForFirstBarrier');

      // The rest of checkpoint 1 changes nothing.
      handler.processBarrier(testingBarrier(1), 2);
      handler.processCancellationBarrier(1, 2);
      handler.processBarrier(testingBarrier(1), 1);
      expect(actions.take()).toEqual([]);
      expect(handler.getStateName()).toBe('WaitingForFirstBarrier');

      handler.processBarrier(testingBarrier(2), 0);
      expect(actions.take()).toEqual(['block 0']);
    });

    it('of a newer checkpoint aborts the current one as subsumed', () => {
      const { actions, handler } = aligned();
      handler.processBarrier(testingBarrier(1), 0);
      actions.take();
      handler.processCancellationBarrier(2, 1);
      expect(actions.take()).toEqual(['resume', `abort 1${SUBSUMED}`, `abort 2${CANCELLED}`]);
      handler.processBarrier(testingBarrier(2), 2);
      expect(actions.take()).toEqual([]);
    });

    it('while idle aborts that checkpoint once and keeps its barriers from starting an alignment', () => {
      const { actions, handler } = aligned();
      handler.processCancellationBarrier(4, 2);
      handler.processCancellationBarrier(4, 0);
      handler.processBarrier(testingBarrier(4), 1);
      expect(actions.take()).toEqual([`abort 4${CANCELLED}`]);
    });

    it('of an older or completed checkpoint is ignored', () => {
      const { actions, handler } = aligned();
      for (const channel of [0, 1, 2]) handler.processBarrier(testingBarrier(1), channel);
      handler.processBarrier(testingBarrier(2), 0);
      actions.take();
      handler.processCancellationBarrier(1, 1);
      expect(actions.take()).toEqual([]);
      expect(handler.getPendingCheckpointId()).toBe(2);
    });
  });

  describe('end of partition', () => {
    it('of the last channel still awaited completes the alignment', () => {
      const { actions, handler } = aligned();
      handler.processBarrier(testingBarrier(1), 0);
      handler.processBarrier(testingBarrier(1), 1);
      actions.take();
      handler.processEndOfPartition(2);
      expect(actions.take()).toEqual(['trigger 1', 'resume']);
    });

    it('of an awaited channel mid-alignment leaves fewer channels to wait for', () => {
      const { actions, handler } = aligned();
      handler.processBarrier(testingBarrier(1), 0);
      handler.processEndOfPartition(1);
      expect(actions.take()).toEqual(['block 0']);
      handler.processBarrier(testingBarrier(1), 2);
      expect(actions.take()).toEqual(['trigger 1', 'resume']);
    });

    it('before a checkpoint: the ended channels are not waited for', () => {
      const { actions, handler } = aligned();
      handler.processEndOfPartition(0);
      handler.processBarrier(testingBarrier(1), 2);
      handler.processBarrier(testingBarrier(1), 1);
      expect(actions.take()).toEqual(['block 2', 'trigger 1', 'resume']);
      handler.processEndOfPartition(1);
      handler.processBarrier(testingBarrier(2), 2);
      expect(actions.take()).toEqual(['trigger 2']);
    });

    it('rejects events after the end of partition and on unknown channels', () => {
      const { handler } = aligned();
      handler.processEndOfPartition(1);
      expect(() => handler.processBarrier(testingBarrier(1), 1)).toThrow(
        expect.objectContaining({ code: 'INVALID_CHANNEL_EVENT' }),
      );
      expect(() => handler.processEndOfPartition(1)).toThrow(/already delivered its end of partition/);
      expect(() => handler.processCancellationBarrier(1, 3)).toThrow(/does not exist/);
      expect(() => handler.processBarrier(testingBarrier(1), -1)).toThrow(
        expect.objectContaining({ code: 'INVALID_CHANNEL_EVENT' }),
      );
    });
  });

  it('rejects a task without input channels', () => {
    expect(() => aligned(0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('aligns unaligned barriers when unaligned checkpoints are not enabled', () => {
    const { actions, handler } = aligned();
    handler.processBarrier(testingBarrier(1, 'unaligned'), 0);
    expect(actions.take()).toEqual(['block 0']);
    expect(handler.onBuffer(1)).toBe(false);
  });

  describe('metrics', () => {
    it('records alignment start, end and duration from the injected clock', () => {
      const { time, handler } = aligned();
      handler.processBarrier(testingBarrier(1, 'aligned', { timestamp: 990 }), 1);
      time.advance(5);
      expect(handler.metrics.getCurrentAlignmentDurationMs()).toBe(5);
      handler.processBarrier(testingBarrier(1), 0);
      time.advance(7);
      handler.processBarrier(testingBarrier(1), 2);
      expect(handler.metrics.getCurrentAlignmentDurationMs()).toBe(0);
      expect(handler.metrics.getLastAlignment()).toEqual({
        checkpointId: 1,
        alignment: 'aligned',
        startTime: 1_000,
        endTime: 1_012,
        durationMs: 12,
        startDelayMs: 10,
      });
    });

    it('does not record aborted alignments', () => {
      const { time, handler } = aligned();
      handler.processBarrier(testingBarrier(1), 0);
      time.advance(50);
      handler.processBarrier(testingBarrier(2), 0);
      time.advance(3);
      handler.processCancellationBarrier(2, 1);
      handler.processBarrier(testingBarrier(3), 0);
      time.advance(4);
      handler.processBarrier(testingBarrier(3), 1);
      handler.processBarrier(testingBarrier(3), 2);
      expect(handler.metrics.getAlignments().map((r) => [r.checkpointId, r.durationMs])).toEqual([[3, 4]]);
    });

    it('records a zero alignment for a single channel', () => {
      const { handler } = aligned(1);
      handler.processBarrier(testingBarrier(1), 0);
      expect(handler.metrics.getLastAlignment()?.durationMs).toBe(0);
    });
  });
});
