import { describe, expect, it } from 'vitest';
import { BarrierAlignmentMetrics } from './barrier-alignment-metrics.js';
import { TestingClock, testingBarrier } from './testing-barrier-handler-actions.js';

/** Records alignments 1..n with durations given, one after another. */
function recordAll(durations: readonly number[], capacity?: number) {
  const time = new TestingClock(0);
  const metrics = new BarrierAlignmentMetrics(time.clock, capacity);
  durations.forEach((duration, i) => {
    metrics.markAlignmentStart(testingBarrier(i + 1, 'aligned', { timestamp: time.now }));
    time.advance(duration);
    metrics.markAlignmentEnd(i + 1);
  });
  return { metrics, time };
}

describe('BarrierAlignmentMetrics', () => {
  it('computes nearest-rank percentiles of the alignment durations', () => {
    const { metrics } = recordAll(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(metrics.durationPercentile(50)).toBe(50);
    expect(metrics.durationPercentile(99)).toBe(99);
    expect(metrics.durationPercentile(100)).toBe(100);
    expect(metrics.durationPercentile(1)).toBe(1);
  });

  it('has no percentile before any alignment and rejects out-of-range percentiles', () => {
    const { metrics } = recordAll([]);
    expect(metrics.durationPercentile(50)).toBeUndefined();
    expect(metrics.getLastAlignment()).toBeUndefined();
    expect(() => metrics.durationPercentile(0)).toThrow(/percentile/);
    expect(() => metrics.durationPercentile(101)).toThrow(/percentile/);
  });

  it('keeps only the most recent alignments, oldest first', () => {
    const { metrics } = recordAll([1, 2, 3, 4, 5], 3);
    expect(metrics.getAlignments().map((r) => r.checkpointId)).toEqual([3, 4, 5]);
    expect(metrics.getLastAlignment()?.checkpointId).toBe(5);
    expect(metrics.durationPercentile(100)).toBe(5);
    expect(metrics.durationPercentile(1)).toBe(3);
  });

  it('ignores the end of an alignment that was aborted or never started', () => {
    const time = new TestingClock(10);
    const metrics = new BarrierAlignmentMetrics(time.clock);
    metrics.markAlignmentStart(testingBarrier(1));
    metrics.markAlignmentAborted(1);
    expect(metrics.markAlignmentEnd(1)).toBeUndefined();
    expect(metrics.markAlignmentEnd(2)).toBeUndefined();
    expect(metrics.getAlignments()).toEqual([]);
    expect(metrics.getCurrentAlignmentDurationMs()).toBe(0);
  });

  it('measures the start delay from the barrier timestamp', () => {
    const time = new TestingClock(500);
    const metrics = new BarrierAlignmentMetrics(time.clock);
    metrics.markAlignmentStart(testingBarrier(1, 'aligned', { timestamp: 420 }));
    expect(metrics.markAlignmentEnd(1)?.startDelayMs).toBe(80);
  });

  it('rejects a capacity below one', () => {
    expect(() => new BarrierAlignmentMetrics(() => 0, 0)).toThrow(/capacity/);
  });
});
