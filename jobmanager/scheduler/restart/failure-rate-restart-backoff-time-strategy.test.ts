import { describe, expect, it } from 'vitest';
import { FailureRateRestartBackoffTimeStrategy } from './failure-rate-restart-backoff-time-strategy.js';

const failure = new Error('boom');

function strategyAt(max: number, intervalMs: number, backoffMs = 0) {
  const time = { now: 0 };
  const strategy = new FailureRateRestartBackoffTimeStrategy(max, intervalMs, backoffMs, () => time.now);
  const fail = (): boolean => {
    strategy.notifyFailure(failure, time.now);
    return strategy.canRestart();
  };
  return { time, strategy, fail };
}

describe('FailureRateRestartBackoffTimeStrategy', () => {
  it('tolerates max failures within the interval and fails on one more', () => {
    const { time, fail } = strategyAt(3, 10_000);
    expect(fail()).toBe(true);
    time.now = 1_000;
    expect(fail()).toBe(true);
    time.now = 2_000;
    expect(fail()).toBe(true);
    time.now = 3_000;
    expect(fail()).toBe(false);
  });

  it('counts only the failures inside the sliding interval', () => {
    const { time, fail } = strategyAt(2, 10_000);
    expect(fail()).toBe(true); // t=0
    time.now = 6_000;
    expect(fail()).toBe(true); // t=6000
    time.now = 10_001; // the failure at 0 slid out of [1, 10001]
    expect(fail()).toBe(true);
    time.now = 12_000; // 6000, 10001, 12000 are all within 10 s
    expect(fail()).toBe(false);
  });

  it('a failure exactly one interval after the oldest still counts (inclusive bounds, as in Flink)', () => {
    const { time, fail } = strategyAt(1, 1_000);
    expect(fail()).toBe(true);
    time.now = 1_000;
    expect(fail()).toBe(false);
  });

  it('max=1 with failures spaced wider than the interval restarts forever', () => {
    const { time, fail } = strategyAt(1, 1);
    for (let i = 0; i < 5; i++) {
      expect(fail()).toBe(true);
      time.now += 2;
    }
  });

  it('waits the configured delay', () => {
    const { strategy } = strategyAt(1, 1_000, 7_000);
    expect(strategy.getBackoffTime()).toBe(7_000);
  });
});
