/**
 * Builds the job's restart strategy from its configuration (Flink's
 * RestartBackoffTimeStrategyFactoryLoader). Without `restart-strategy.type` the job gets
 * `exponential-delay` when checkpointing is enabled (`execution.checkpointing.interval` set),
 * else `none`, as in Flink.
 */
import { CheckpointingOptions, RestartStrategyOptions } from '../../../common/config/config-options.js';
import type { Configuration } from '../../../common/config/configuration.js';
import { assertNever, IllegalConfigurationError } from '../../../common/errors/freshet-error.js';
import { ExponentialDelayRestartBackoffTimeStrategy } from './exponential-delay-restart-backoff-time-strategy.js';
import { FailureRateRestartBackoffTimeStrategy } from './failure-rate-restart-backoff-time-strategy.js';
import { FixedDelayRestartBackoffTimeStrategy } from './fixed-delay-restart-backoff-time-strategy.js';
import { NoRestartBackoffTimeStrategy } from './no-restart-backoff-time-strategy.js';
import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

export interface RestartStrategyServices {
  readonly clock: () => number;
  /** Uniform in [0, 1) (Math.random by default); drives exponential-delay's jitter. */
  readonly random?: () => number;
}

const O = RestartStrategyOptions;

/** Throws an IllegalConfigurationError naming the key when a value is out of range. */
export function createRestartBackoffTimeStrategy(
  configuration: Configuration,
  services: RestartStrategyServices,
): RestartBackoffTimeStrategy {
  const checkpointing = configuration.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL) !== undefined;
  const type =
    configuration.getOptional(O.RESTART_STRATEGY) ?? (checkpointing ? 'exponential-delay' : 'none');
  switch (type) {
    case 'none':
      return new NoRestartBackoffTimeStrategy();
    case 'fixed-delay':
      return new FixedDelayRestartBackoffTimeStrategy(
        configuration.get(O.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS),
        configuration.get(O.RESTART_STRATEGY_FIXED_DELAY_DELAY),
      );
    case 'failure-rate':
      return new FailureRateRestartBackoffTimeStrategy(
        configuration.get(O.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL),
        configuration.get(O.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL),
        configuration.get(O.RESTART_STRATEGY_FAILURE_RATE_DELAY),
        services.clock,
      );
    case 'exponential-delay':
      return exponentialDelay(configuration, services);
    default:
      return assertNever(type, 'restart strategy type');
  }
}

function exponentialDelay(
  configuration: Configuration,
  services: RestartStrategyServices,
): ExponentialDelayRestartBackoffTimeStrategy {
  const settings = {
    initialBackoffMs: configuration.get(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF),
    maxBackoffMs: configuration.get(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF),
    backoffMultiplier: configuration.get(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER),
    resetBackoffThresholdMs: configuration.get(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD),
    jitterFactor: configuration.get(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR),
    attemptsBeforeResetBackoff: configuration.get(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS),
  };
  requireAtLeastOneMs(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF.key, settings.initialBackoffMs);
  requireAtLeastOneMs(O.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF.key, settings.maxBackoffMs);
  requireAtLeastOneMs(
    O.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD.key,
    settings.resetBackoffThresholdMs,
  );
  if (settings.initialBackoffMs > settings.maxBackoffMs) {
    throw new IllegalConfigurationError(
      `'${O.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF.key}' (${settings.initialBackoffMs} ms) must not ` +
        `exceed '${O.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF.key}' (${settings.maxBackoffMs} ms)`,
    );
  }
  return new ExponentialDelayRestartBackoffTimeStrategy(settings, services.clock, services.random);
}

function requireAtLeastOneMs(key: string, ms: number): void {
  if (ms < 1) throw new IllegalConfigurationError(`'${key}' must be at least 1 ms, was ${ms} ms`);
}
