/**
 * Decides what a failure means for the job (Flink's ExecutionFailureHandler): restart (after the
 * strategy's backoff) or fail for good. A failure is recoverable unless its FreshetError code (or
 * one in its cause chain) says no attempt can ever succeed — a TaskManager that rebuilds a
 * different job graph will rebuild it again — or the restart strategy is exhausted.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { RestartBackoffTimeStrategy } from './restart/restart-backoff-time-strategy.js';

/** Error codes no restart can cure. */
export const UNRECOVERABLE_ERROR_CODES: ReadonlySet<string> = new Set(['NON_DETERMINISTIC_GRAPH']);

export type FailureHandlingResult =
  | { readonly kind: 'restart' }
  | { readonly kind: 'fail'; readonly reason: 'unrecoverable' | 'restarts-exhausted' };

export class ExecutionFailureHandler {
  private restarts = 0;

  constructor(readonly strategy: RestartBackoffTimeStrategy) {}

  /** Restarts decided so far (Flink's numRestarts). */
  get numberOfRestarts(): number {
    return this.restarts;
  }

  /** For the failure that starts a failover (concurrent failures are not reported here). */
  handleFailure(cause: Error, timestamp: number): FailureHandlingResult {
    if (isUnrecoverableError(cause)) return { kind: 'fail', reason: 'unrecoverable' };
    this.strategy.notifyFailure(cause, timestamp);
    if (!this.strategy.canRestart()) return { kind: 'fail', reason: 'restarts-exhausted' };
    this.restarts++;
    return { kind: 'restart' };
  }

  /** How long to wait, from now, before the restart decided last. */
  backoffTime(): number {
    return this.strategy.getBackoffTime();
  }
}

export function isUnrecoverableError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 16; e = e.cause, depth++) {
    if (e instanceof FreshetError && UNRECOVERABLE_ERROR_CODES.has(e.code)) return true;
  }
  return false;
}
