import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './network-latency-histogram.js';

/** A percentile is the upper edge of the bucket holding the value: at most one bucket above it. */
function expectInBucketOf(actual: number, value: number, width: number): void {
  expect(actual).toBeGreaterThanOrEqual(value);
  expect(actual).toBeLessThanOrEqual(value + width + 1e-9);
}

describe('LatencyHistogram', () => {
  it('reports percentiles to 10 µs below 100 ms', () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 100; i++) histogram.record(i * 0.1); // 0.1 … 10 ms
    expect(histogram.count).toBe(100);
    expectInBucketOf(histogram.percentile(0.5), 5.0, 0.01);
    expectInBucketOf(histogram.percentile(0.99), 9.9, 0.01);
    expect(histogram.max).toBeCloseTo(10, 6);
  });

  it('reports percentiles to 1 ms above 100 ms and clamps at the maximum seen', () => {
    const histogram = new LatencyHistogram();
    for (let i = 0; i < 98; i++) histogram.record(1);
    histogram.record(250.5);
    histogram.record(1_000_000); // beyond the last bucket
    expectInBucketOf(histogram.percentile(0.5), 1, 0.01);
    expectInBucketOf(histogram.percentile(0.99), 250.5, 1);
    expect(histogram.percentile(1)).toBe(1_000_000);
  });

  it('counts negative latencies (clock skew) as zero and is NaN when empty', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(0.5)).toBeNaN();
    histogram.record(-3);
    expect(histogram.percentile(0.5)).toBe(0);
  });
});
