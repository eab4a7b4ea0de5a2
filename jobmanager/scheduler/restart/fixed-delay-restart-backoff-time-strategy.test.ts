import { describe, expect, it } from 'vitest';
import { FixedDelayRestartBackoffTimeStrategy } from './fixed-delay-restart-backoff-time-strategy.js';

const failure = new Error('boom');

describe('FixedDelayRestartBackoffTimeStrategy', () => {
  it('attempts=2 allows exactly two restarts; the third failure fails the job', () => {
    const strategy = new FixedDelayRestartBackoffTimeStrategy(2, 500);
    expect(strategy.notifyFailure(failure, 0)).toBe(true);
    expect(strategy.canRestart()).toBe(true);
    strategy.notifyFailure(failure, 1);
    expect(strategy.canRestart()).toBe(true);
    strategy.notifyFailure(failure, 2);
    expect(strategy.canRestart()).toBe(false);
  });

  it('attempts=0 fails on the first failure', () => {
    const strategy = new FixedDelayRestartBackoffTimeStrategy(0, 500);
    strategy.notifyFailure(failure, 0);
    expect(strategy.canRestart()).toBe(false);
  });

  it('always waits the configured delay, however far apart the failures', () => {
    const strategy = new FixedDelayRestartBackoffTimeStrategy(5, 1_234);
    strategy.notifyFailure(failure, 0);
    expect(strategy.getBackoffTime()).toBe(1_234);
    strategy.notifyFailure(failure, 10_000_000);
    expect(strategy.getBackoffTime()).toBe(1_234);
    expect(strategy.toString()).toContain('maxNumberRestartAttempts=5');
  });
});
