import type { RestartBackoffTimeStrategy } from './restart-backoff-time-strategy.js';

/** `restart-strategy.type: none`: every failure fails the job (Flink's NoRestartBackoffTimeStrategy). */
export class NoRestartBackoffTimeStrategy implements RestartBackoffTimeStrategy {
  notifyFailure(_cause: Error, _timestamp: number): boolean {
    return true;
  }

  canRestart(): boolean {
    return false;
  }

  getBackoffTime(): number {
    return 0;
  }

  toString(): string {
    return 'NoRestartBackoffTimeStrategy';
  }
}
