import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config/configuration.js';
import { IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import { ExponentialDelayRestartBackoffTimeStrategy } from './exponential-delay-restart-backoff-time-strategy.js';
import { FailureRateRestartBackoffTimeStrategy } from './failure-rate-restart-backoff-time-strategy.js';
import { FixedDelayRestartBackoffTimeStrategy } from './fixed-delay-restart-backoff-time-strategy.js';
import { NoRestartBackoffTimeStrategy } from './no-restart-backoff-time-strategy.js';
import { createRestartBackoffTimeStrategy } from './restart-backoff-time-strategy-factory.js';

const services = { clock: () => 0, random: () => 0.5 };

function create(map: Record<string, string>) {
  return createRestartBackoffTimeStrategy(Configuration.fromMap(map, 'job configuration'), services);
}

describe('createRestartBackoffTimeStrategy', () => {
  it('defaults to none without checkpointing (every failure is final)', () => {
    const strategy = create({});
    expect(strategy).toBeInstanceOf(NoRestartBackoffTimeStrategy);
    strategy.notifyFailure(new Error('x'), 0);
    expect(strategy.canRestart()).toBe(false);
  });

  it('defaults to exponential-delay when checkpointing is enabled', () => {
    expect(create({ 'execution.checkpointing.interval': '10 s' })).toBeInstanceOf(
      ExponentialDelayRestartBackoffTimeStrategy,
    );
  });

  it('an explicit type wins over the checkpointing default', () => {
    expect(
      create({ 'execution.checkpointing.interval': '10 s', 'restart-strategy.type': 'none' }),
    ).toBeInstanceOf(NoRestartBackoffTimeStrategy);
  });

  it('fixed-delay reads attempts and delay', () => {
    const strategy = create({
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '3',
      'restart-strategy.fixed-delay.delay': '2 s',
    }) as FixedDelayRestartBackoffTimeStrategy;
    expect(strategy).toBeInstanceOf(FixedDelayRestartBackoffTimeStrategy);
    expect(strategy.maxNumberRestartAttempts).toBe(3);
    expect(strategy.getBackoffTime()).toBe(2_000);
  });

  it("accepts Flink's older key and aliases ('restart-strategy: fixeddelay')", () => {
    expect(create({ 'restart-strategy': 'fixeddelay' })).toBeInstanceOf(FixedDelayRestartBackoffTimeStrategy);
  });

  it('failure-rate reads its three settings', () => {
    const strategy = create({
      'restart-strategy.type': 'failure-rate',
      'restart-strategy.failure-rate.max-failures-per-interval': '4',
      'restart-strategy.failure-rate.failure-rate-interval': '5 min',
      'restart-strategy.failure-rate.delay': '3 s',
    }) as FailureRateRestartBackoffTimeStrategy;
    expect(strategy).toBeInstanceOf(FailureRateRestartBackoffTimeStrategy);
    expect(strategy.maxFailuresPerInterval).toBe(4);
    expect(strategy.failuresIntervalMs).toBe(300_000);
    expect(strategy.getBackoffTime()).toBe(3_000);
  });

  it('exponential-delay reads all six settings', () => {
    const strategy = create({
      'restart-strategy.type': 'exponential-delay',
      'restart-strategy.exponential-delay.initial-backoff': '2 s',
      'restart-strategy.exponential-delay.max-backoff': '30 s',
      'restart-strategy.exponential-delay.backoff-multiplier': '3',
      'restart-strategy.exponential-delay.reset-backoff-threshold': '10 min',
      'restart-strategy.exponential-delay.jitter-factor': '0.2',
      'restart-strategy.exponential-delay.attempts-before-reset-backoff': '7',
    }) as ExponentialDelayRestartBackoffTimeStrategy;
    expect(strategy.settings).toEqual({
      initialBackoffMs: 2_000,
      maxBackoffMs: 30_000,
      backoffMultiplier: 3,
      resetBackoffThresholdMs: 600_000,
      jitterFactor: 0.2,
      attemptsBeforeResetBackoff: 7,
    });
  });

  it('a bad value fails with the config layer message naming key and source', () => {
    expect(() => create({ 'restart-strategy.type': 'sometimes' })).toThrow(IllegalConfigurationError);
    expect(() => create({ 'restart-strategy.fixed-delay.attempts': '-1' })).toThrow(
      /'restart-strategy.fixed-delay.attempts' \(from job configuration\)/,
    );
  });

  it('rejects an initial backoff above the max backoff', () => {
    expect(() =>
      create({
        'restart-strategy.type': 'exponential-delay',
        'restart-strategy.exponential-delay.initial-backoff': '2 min',
        'restart-strategy.exponential-delay.max-backoff': '1 min',
      }),
    ).toThrow(/initial-backoff.*must not exceed.*max-backoff/);
  });
});
