/**
 * Records how each checkpoint ended, in one place: statistics for REST, the log line, and the
 * failure count — and calls the failure listener when the CheckpointFailureManager says the job
 * must fail over (Flink's CheckpointFailureManager#handleCheckpointException does the same trio).
 */
import type { FreshetError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { Logger } from '../../common/logging/logger.js';
import type { CheckpointException } from './checkpoint-exception.js';
import type { CheckpointFailureManager } from './checkpoint-failure-manager.js';
import type { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointStatsTracker } from './checkpoint-stats-tracker.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import type { PendingCheckpoint } from './pending-checkpoint.js';

export class CheckpointOutcomeRecorder {
  constructor(
    private readonly jobId: JobId,
    private readonly failureManager: CheckpointFailureManager,
    private readonly stats: CheckpointStatsTracker,
    private readonly logger: Logger,
    private readonly onFailureThresholdExceeded: ((error: FreshetError) => void) | undefined,
  ) {}

  completed(pending: PendingCheckpoint, completed: CompletedCheckpoint): void {
    this.failureManager.handleCheckpointSuccess(completed.checkpointId);
    this.stats.reportCompleted(pending, completed);
    const kind = CheckpointProperties.isSavepoint(completed.properties) ? 'savepoint' : 'checkpoint';
    this.logger.info(
      { checkpointId: completed.checkpointId, stateSize: completed.stateSize },
      `completed ${kind} ${completed.checkpointId} for job ${this.jobId} (${completed.stateSize} bytes)`,
    );
  }

  aborted(pending: PendingCheckpoint, exception: CheckpointException, timestamp: number): void {
    this.stats.reportFailed(pending, timestamp, exception);
    this.logger.info(
      { checkpointId: pending.checkpointId, reason: exception.reason },
      `checkpoint ${pending.checkpointId} of job ${this.jobId} aborted: ${exception.message}`,
    );
    this.countFailure(pending.checkpointId, pending.properties, exception);
  }

  /** The request failed after the decider let it through but before its checkpoint was pending. */
  notStarted(
    checkpointId: CheckpointId | undefined,
    properties: CheckpointProperties,
    exception: CheckpointException,
  ): void {
    this.stats.reportFailedWithoutInProgress();
    // A job still deploying refuses a checkpoint every interval: that is routine, not news.
    const level = exception.reason === 'NOT_ALL_REQUIRED_TASKS_RUNNING' ? 'debug' : 'info';
    this.logger[level](
      { reason: exception.reason },
      `checkpoint of job ${this.jobId} not started: ${exception.message}`,
    );
    this.countFailure(checkpointId, properties, exception);
  }

  private countFailure(
    checkpointId: CheckpointId | undefined,
    properties: CheckpointProperties,
    exception: CheckpointException,
  ): void {
    const verdict = this.failureManager.handleCheckpointFailure(checkpointId, properties, exception);
    if (verdict.type !== 'fail-job') return;
    this.logger.error({ err: verdict.error }, verdict.error.message);
    this.onFailureThresholdExceeded?.(verdict.error);
  }
}
