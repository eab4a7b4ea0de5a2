import { describe, expect, it } from 'vitest';
import {
  benchRecordValue,
  latencyRecordValue,
  recordsDue,
  RECORD_BYTES,
  sentAtOf,
} from './kafka-bench-records.js';
import { percentile, summarizeLatencies } from './latency-percentiles.js';

describe('Kafka benchmark records', () => {
  it('makes values of exactly RECORD_BYTES bytes', () => {
    expect(Buffer.byteLength(benchRecordValue(0))).toBe(RECORD_BYTES);
    expect(Buffer.byteLength(benchRecordValue(499_999))).toBe(RECORD_BYTES);
    expect(benchRecordValue(42).startsWith('record-42-')).toBe(true);
    expect(Buffer.byteLength(latencyRecordValue(1_700_000_000_123.456))).toBe(RECORD_BYTES);
  });

  it('round-trips the send time of a latency record', () => {
    expect(sentAtOf(latencyRecordValue(1_700_000_000_123.456))).toBeCloseTo(1_700_000_000_123.456, 3);
    expect(sentAtOf(benchRecordValue(3))).toBeUndefined();
    expect(sentAtOf('|abc')).toBeUndefined();
  });

  it('paces a rate-limited producer by elapsed time', () => {
    expect(recordsDue(1000, 0, 0, 0)).toBe(0);
    expect(recordsDue(1000, 0, 10, 0)).toBe(10);
    expect(recordsDue(1000, 0, 10, 10)).toBe(0);
    expect(recordsDue(50_000, 100, 1100, 20_000)).toBe(30_000);
    expect(recordsDue(1000, 0, 10, 15)).toBe(0);
  });
});

describe('latency percentiles', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(values, 0)).toThrow(RangeError);
  });

  it('summarizes an unsorted sample numerically, not lexicographically', () => {
    const summary = summarizeLatencies([10, 2, 300, 4, 1, 9, 8, 7, 6, 5]);
    expect(summary).toEqual({ count: 10, p50: 6, p99: 300, max: 300 });
  });
});
