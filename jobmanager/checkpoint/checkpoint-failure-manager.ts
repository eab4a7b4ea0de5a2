/**
 * Counts consecutive checkpoint failures and says when the job must fail over (Flink's
 * CheckpointFailureManager). Only counted reasons (see CheckpointFailureReason) of checkpoints —
 * not savepoints — count, each checkpoint at most once, and only if it is newer than the last
 * successful checkpoint (an old attempt failing after a newer one succeeded says nothing about the
 * job's health). A success resets the count. When the count exceeds
 * `execution.checkpointing.tolerable-failed-checkpoints`, the verdict is 'fail-job' with the error
 * the job fails with, and the count starts over.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { CheckpointException } from './checkpoint-exception.js';
import type { CheckpointId } from './checkpoint-id.js';
import { CheckpointFailureReasons } from './checkpoint-failure-reason.js';
import { CheckpointProperties } from './checkpoint-properties.js';

export const CHECKPOINT_FAILURE_THRESHOLD_EXCEEDED = 'CHECKPOINT_FAILURE_THRESHOLD_EXCEEDED';

export type CheckpointFailureVerdict =
  /** The failure does not count (a savepoint, a pre-flight or uncounted reason, an old checkpoint). */
  | { readonly type: 'ignored' }
  /** Counted, still within the tolerable number. */
  | { readonly type: 'tolerated'; readonly consecutiveFailures: number }
  /** Too many consecutive failures: fail the job with `error`. */
  | { readonly type: 'fail-job'; readonly error: FreshetError };

export class CheckpointFailureManager {
  private consecutiveFailures = 0;
  private readonly countedCheckpointIds = new Set<CheckpointId>();
  private lastSucceededCheckpointId = 0;

  constructor(readonly tolerableCheckpointFailureNumber: number) {
    if (!Number.isSafeInteger(tolerableCheckpointFailureNumber) || tolerableCheckpointFailureNumber < 0) {
      throw new FreshetError(
        'ILLEGAL_ARGUMENT',
        `the tolerable checkpoint failure number must be >= 0, got ${tolerableCheckpointFailureNumber}`,
      );
    }
  }

  get continuousFailureCount(): number {
    return this.consecutiveFailures;
  }

  /**
   * Reports a failed checkpoint or request. `checkpointId` is undefined when the request failed
   * before it got an ID.
   */
  handleCheckpointFailure(
    checkpointId: CheckpointId | undefined,
    properties: CheckpointProperties,
    exception: CheckpointException,
  ): CheckpointFailureVerdict {
    if (
      CheckpointProperties.isSavepoint(properties) ||
      !CheckpointFailureReasons.isCounted(exception.reason)
    ) {
      return { type: 'ignored' };
    }
    if (checkpointId !== undefined) {
      if (checkpointId <= this.lastSucceededCheckpointId || this.countedCheckpointIds.has(checkpointId)) {
        return { type: 'ignored' };
      }
      this.countedCheckpointIds.add(checkpointId);
    }
    this.consecutiveFailures++;
    if (this.consecutiveFailures <= this.tolerableCheckpointFailureNumber) {
      return { type: 'tolerated', consecutiveFailures: this.consecutiveFailures };
    }
    const failures = this.consecutiveFailures;
    this.clearCount();
    return {
      type: 'fail-job',
      error: new FreshetError(
        CHECKPOINT_FAILURE_THRESHOLD_EXCEEDED,
        `exceeded checkpoint tolerable failure threshold: ${failures} consecutive failures; last: ${exception.message}` +
          ` (raise 'execution.checkpointing.tolerable-failed-checkpoints' to tolerate more)`,
        { domain: exception.domain, retryable: true, cause: exception },
      ),
    };
  }

  /** A checkpoint completed: the count starts over. */
  handleCheckpointSuccess(checkpointId: CheckpointId): void {
    this.lastSucceededCheckpointId = Math.max(this.lastSucceededCheckpointId, checkpointId);
    this.clearCount();
  }

  private clearCount(): void {
    this.consecutiveFailures = 0;
    this.countedCheckpointIds.clear();
  }
}
