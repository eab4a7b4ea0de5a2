import { describe, expect, it } from 'vitest';
import { InputStatus } from '../../api/connector/source.js';
import { TestingReaderOutput } from '../testing/testing-reader-output.js';
import { TestingSourceReaderContext } from '../testing/testing-source-reader-context.js';
import { DataGeneratorSource } from './data-generator-source.js';
import { RateLimiterStrategy, TokenBucketRateLimiter } from './rate-limiter-strategy.js';

describe('TokenBucketRateLimiter', () => {
  it('grants permits at the configured rate, bursting at most one second', () => {
    const limiter = new TokenBucketRateLimiter(100);
    expect(limiter.acquire(1000, 0)).toBe(1);
    expect(limiter.acquire(1000, 0)).toBe(0);
    expect(limiter.delayMillis(0)).toBe(10);
    expect(limiter.acquire(1000, 50)).toBe(5);
    expect(limiter.acquire(1000, 10_000)).toBe(100);
  });

  it('waits for a few milliseconds worth of permits when the rate is high', () => {
    const limiter = new TokenBucketRateLimiter(1_000_000);
    expect(limiter.acquire(1, 0)).toBe(1);
    expect(limiter.delayMillis(0)).toBe(2); // until 1024 permits (one poll) are there
    expect(limiter.acquire(5000, 3)).toBe(3000);
  });
});

describe('RateLimiterStrategy', () => {
  it('rejects a non-positive rate', () => {
    expect(() => RateLimiterStrategy.perSecond(0)).toThrow(/positive, finite rate/);
  });

  it('limits a DataGeneratorSource reader to its share of the rate (injected clock)', async () => {
    const parallelism = 4;
    const source = new DataGeneratorSource(
      (index) => index,
      Number.POSITIVE_INFINITY,
      RateLimiterStrategy.perSecond(400),
    );
    const context = new TestingSourceReaderContext(0, parallelism, { nowMillis: 1000 });
    const reader = source.createReader(context);
    reader.addSplits([source.createSplits(parallelism)[0]!]);
    const output = new TestingReaderOutput<number>();

    expect(reader.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    expect(output.records).toEqual([0]);
    expect(reader.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);

    // 100 records per second for this reader: after 2 s of clock time, 200 more.
    for (let step = 0; step < 200; step++) {
      context.advance(10);
      reader.pollNext(output);
    }
    expect(output.records).toHaveLength(201);
    expect(output.records.slice(0, 4)).toEqual([0, 4, 8, 12]);

    context.advance(60_000);
    while (reader.pollNext(output) === InputStatus.MORE_AVAILABLE);
    expect(output.records).toHaveLength(301); // a stall earns at most one second of burst

    const start = Date.now();
    await reader.isAvailable(); // resolves by a real timer, ~10 ms for this rate
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
