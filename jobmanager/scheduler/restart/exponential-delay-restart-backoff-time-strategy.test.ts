import { describe, expect, it } from 'vitest';
import {
  ExponentialDelayRestartBackoffTimeStrategy,
  type ExponentialDelaySettings,
} from './exponential-delay-restart-backoff-time-strategy.js';

const failure = new Error('boom');

const base: ExponentialDelaySettings = {
  initialBackoffMs: 1_000,
  maxBackoffMs: 10_000,
  backoffMultiplier: 2,
  resetBackoffThresholdMs: 60_000,
  jitterFactor: 0,
  attemptsBeforeResetBackoff: 1_000,
};

function strategyWith(overrides: Partial<ExponentialDelaySettings> = {}, random = () => 0.5) {
  const time = { now: 100_000 };
  const strategy = new ExponentialDelayRestartBackoffTimeStrategy(
    { ...base, ...overrides },
    () => time.now,
    random,
  );
  /** Fails now, returns the backoff; then moves time just past the restart. */
  const failAndRestart = (): number => {
    strategy.notifyFailure(failure, time.now);
    const backoff = strategy.getBackoffTime();
    time.now += backoff + 1;
    return backoff;
  };
  return { time, strategy, failAndRestart };
}

describe('ExponentialDelayRestartBackoffTimeStrategy', () => {
  it('doubles the backoff after each quick failure, up to max-backoff', () => {
    const { failAndRestart } = strategyWith();
    const backoffs = Array.from({ length: 7 }, failAndRestart);
    expect(backoffs).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
  });

  it('resets to the initial backoff after running reset-backoff-threshold without failure', () => {
    const { time, failAndRestart } = strategyWith();
    expect([failAndRestart(), failAndRestart(), failAndRestart()]).toEqual([1_000, 2_000, 4_000]);
    time.now += 59_998; // 59 999 ms after the restart: not yet
    expect(failAndRestart()).toBe(8_000);
    time.now += 59_999; // 60 000 ms after the restart
    expect(failAndRestart()).toBe(1_000);
    expect(failAndRestart()).toBe(2_000);
  });

  it('merges failures before the pending restart into it', () => {
    const { time, strategy } = strategyWith();
    expect(strategy.notifyFailure(failure, time.now)).toBe(true);
    time.now += 400;
    expect(strategy.notifyFailure(failure, time.now)).toBe(false);
    expect(strategy.getBackoffTime()).toBe(600); // the same restart, measured from now
  });

  it('fails after attempts-before-reset-backoff restarts without a reset', () => {
    const { strategy, failAndRestart } = strategyWith({ attemptsBeforeResetBackoff: 2 });
    failAndRestart();
    expect(strategy.canRestart()).toBe(true);
    failAndRestart();
    expect(strategy.canRestart()).toBe(true);
    failAndRestart();
    expect(strategy.canRestart()).toBe(false);
  });

  it('jitter moves the backoff by up to ± jitter-factor × backoff', () => {
    const low = strategyWith({ jitterFactor: 0.1 }, () => 0);
    const high = strategyWith({ jitterFactor: 0.1 }, () => 0.999_999);
    low.failAndRestart();
    high.failAndRestart();
    expect(low.failAndRestart()).toBe(1_800); // 2000 - 200
    expect(high.failAndRestart()).toBe(2_200); // 2000 + 200
  });

  it('jitter never goes below the initial backoff nor above the max', () => {
    const low = strategyWith({ jitterFactor: 1 }, () => 0);
    expect(low.failAndRestart()).toBe(1_000);
    const high = strategyWith({ jitterFactor: 1, maxBackoffMs: 1_500 }, () => 0.999_999);
    expect(high.failAndRestart()).toBe(1_500);
  });

  it('no backoff is owed before the first failure', () => {
    expect(strategyWith().strategy.getBackoffTime()).toBe(0);
  });
});
