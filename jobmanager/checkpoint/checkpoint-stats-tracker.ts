/**
 * Checkpoint statistics for REST's `/jobs/:jobid/checkpoints` (Flink's CheckpointStatsTracker):
 * counts, a bounded history of the newest checkpoints (in progress ones reflect their live
 * progress), the latest completed, savepoint, failed and restored ones, and a summary of completed
 * sizes and durations. Pure; the coordinator reports to it.
 */
import type { CheckpointException } from './checkpoint-exception.js';
import type { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties, type CheckpointType } from './checkpoint-properties.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import { PendingCheckpoint, type VertexCheckpointStats } from './pending-checkpoint.js';

export const CheckpointStatsStatus = {
  IN_PROGRESS: 'IN_PROGRESS',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
} as const;
export type CheckpointStatsStatus = (typeof CheckpointStatsStatus)[keyof typeof CheckpointStatsStatus];

export interface CheckpointStatsEntry {
  readonly checkpointId: CheckpointId;
  readonly status: CheckpointStatsStatus;
  readonly checkpointType: CheckpointType;
  readonly isSavepoint: boolean;
  readonly triggerTimestamp: number;
  readonly latestAckTimestamp: number | undefined;
  /** Completed: completion − trigger; failed: failure − trigger; in progress: latest ack − trigger. */
  readonly endToEndDuration: number;
  readonly stateSize: number;
  readonly numSubtasks: number;
  readonly numAcknowledgedSubtasks: number;
  readonly tasks: readonly VertexCheckpointStats[];
  /** Completed only. */
  readonly externalPath?: string;
  /** Completed only: whether it was subsumed and deleted since. */
  readonly discarded?: boolean;
  /** Failed only. */
  readonly failureTimestamp?: number;
  readonly failureMessage?: string;
}

export interface RestoredCheckpointStats {
  readonly checkpointId: CheckpointId;
  readonly restoreTimestamp: number;
  readonly isSavepoint: boolean;
  readonly externalPath: string;
}

export interface MinMaxAvg {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
}

export interface CheckpointStatsSnapshot {
  readonly counts: {
    readonly restored: number;
    readonly total: number;
    readonly inProgress: number;
    readonly completed: number;
    readonly failed: number;
  };
  /** Newest first. */
  readonly history: readonly CheckpointStatsEntry[];
  readonly latest: {
    readonly completed: CheckpointStatsEntry | undefined;
    readonly savepoint: CheckpointStatsEntry | undefined;
    readonly failed: CheckpointStatsEntry | undefined;
    readonly restored: RestoredCheckpointStats | undefined;
  };
  /** Over all completed checkpoints; undefined before the first. */
  readonly summary: { readonly stateSize: MinMaxAvg; readonly endToEndDuration: MinMaxAvg } | undefined;
}

/** Flink's `web.checkpoints.history` default. */
export const DEFAULT_CHECKPOINT_HISTORY_SIZE = 10;

class Summary {
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    this.count++;
    this.sum += value;
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  snapshot(): MinMaxAvg {
    return { min: this.min, max: this.max, avg: this.count === 0 ? 0 : this.sum / this.count };
  }
}

type HistoryItem = PendingCheckpoint | CheckpointStatsEntry;

export class CheckpointStatsTracker {
  /** Newest first; pending checkpoints are read live. */
  private history: HistoryItem[] = [];
  private readonly inProgress = new Map<CheckpointId, PendingCheckpoint>();
  private numCompleted = 0;
  private numFailed = 0;
  private numRestored = 0;
  private latestCompleted: CheckpointStatsEntry | undefined;
  private latestSavepoint: CheckpointStatsEntry | undefined;
  private latestFailed: CheckpointStatsEntry | undefined;
  private latestRestored: RestoredCheckpointStats | undefined;
  private readonly stateSizes = new Summary();
  private readonly durations = new Summary();

  constructor(private readonly historySize = DEFAULT_CHECKPOINT_HISTORY_SIZE) {}

  reportPending(pending: PendingCheckpoint): void {
    this.inProgress.set(pending.checkpointId, pending);
    this.history.unshift(pending);
    this.history.length = Math.min(this.history.length, this.historySize);
  }

  reportCompleted(pending: PendingCheckpoint, completed: CompletedCheckpoint): void {
    const entry: CheckpointStatsEntry = {
      ...entryOf(pending, CheckpointStatsStatus.COMPLETED),
      endToEndDuration: completed.completionTimestamp - completed.timestamp,
      externalPath: completed.externalPointer,
      discarded: false,
    };
    this.numCompleted++;
    this.stateSizes.add(entry.stateSize);
    this.durations.add(entry.endToEndDuration);
    if (entry.isSavepoint) this.latestSavepoint = entry;
    else this.latestCompleted = entry;
    this.replace(pending, entry);
  }

  reportFailed(pending: PendingCheckpoint, failureTimestamp: number, cause: CheckpointException): void {
    const entry: CheckpointStatsEntry = {
      ...entryOf(pending, CheckpointStatsStatus.FAILED),
      endToEndDuration: failureTimestamp - pending.triggerTimestamp,
      failureTimestamp,
      failureMessage: cause.message,
    };
    this.numFailed++;
    this.latestFailed = entry;
    this.replace(pending, entry);
  }

  /** A request failed before its checkpoint started (no history entry, as in Flink). */
  reportFailedWithoutInProgress(): void {
    this.numFailed++;
  }

  reportRestored(checkpoint: CompletedCheckpoint, restoreTimestamp: number): void {
    this.numRestored++;
    this.latestRestored = {
      checkpointId: checkpoint.checkpointId,
      restoreTimestamp,
      isSavepoint: CheckpointProperties.isSavepoint(checkpoint.properties),
      externalPath: checkpoint.externalPointer,
    };
  }

  /** A completed checkpoint was subsumed and deleted. */
  reportDiscarded(checkpointId: CheckpointId): void {
    const mark = (entry: CheckpointStatsEntry | undefined): CheckpointStatsEntry | undefined =>
      entry?.checkpointId === checkpointId && entry.status === 'COMPLETED'
        ? { ...entry, discarded: true }
        : entry;
    this.history = this.history.map((item) => (isPending(item) ? item : mark(item)!));
    this.latestCompleted = mark(this.latestCompleted);
  }

  createSnapshot(): CheckpointStatsSnapshot {
    const inProgress = this.inProgress.size;
    return {
      counts: {
        restored: this.numRestored,
        total: inProgress + this.numCompleted + this.numFailed,
        inProgress,
        completed: this.numCompleted,
        failed: this.numFailed,
      },
      history: this.history.map((item) =>
        isPending(item) ? entryOf(item, CheckpointStatsStatus.IN_PROGRESS) : item,
      ),
      latest: {
        completed: this.latestCompleted,
        savepoint: this.latestSavepoint,
        failed: this.latestFailed,
        restored: this.latestRestored,
      },
      summary:
        this.numCompleted === 0
          ? undefined
          : { stateSize: this.stateSizes.snapshot(), endToEndDuration: this.durations.snapshot() },
    };
  }

  private replace(pending: PendingCheckpoint, entry: CheckpointStatsEntry): void {
    this.inProgress.delete(pending.checkpointId);
    this.history = this.history.map((item) => (item === pending ? entry : item));
  }
}

function isPending(item: HistoryItem): item is PendingCheckpoint {
  return item instanceof PendingCheckpoint;
}

function entryOf(pending: PendingCheckpoint, status: CheckpointStatsStatus): CheckpointStatsEntry {
  const latestAck = pending.latestAckTimestamp;
  return {
    checkpointId: pending.checkpointId,
    status,
    checkpointType: pending.properties.checkpointType,
    isSavepoint: pending.isSavepoint,
    triggerTimestamp: pending.triggerTimestamp,
    latestAckTimestamp: latestAck,
    endToEndDuration: latestAck === undefined ? 0 : latestAck - pending.triggerTimestamp,
    stateSize: pending.stateSize,
    numSubtasks: pending.numberOfTasks,
    numAcknowledgedSubtasks: pending.numberOfAcknowledgedTasks,
    tasks: pending.vertexCheckpointStats(),
  };
}
