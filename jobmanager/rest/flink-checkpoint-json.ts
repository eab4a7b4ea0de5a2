/**
 * Flink's REST response bodies for the checkpoint endpoints (field names exactly as in
 * `rest_v1_dispatcher.yml`), built from a CheckpointStatsSnapshot and the job's checkpointing
 * settings. What Freshet does not measure is shown as Flink shows it when nothing happened: 0 for
 * alignment and unaligned data (`alignment_buffered`, `processed_data`, `persisted_data`), -1 for a
 * time not known yet. Nothing is incremental, so `checkpointed_size` equals `state_size`.
 */
import { StateBackendType } from '../../common/config/config-options.js';
import type {
  CheckpointStatsEntry,
  CheckpointStatsSnapshot,
  CheckpointStatsStatus,
  RestoredCheckpointStats,
} from '../checkpoint/checkpoint-stats-tracker.js';
import type { CheckpointId } from '../checkpoint/checkpoint-id.js';
import type { CheckpointType } from '../checkpoint/checkpoint-properties.js';
import type { VertexCheckpointStats } from '../checkpoint/pending-checkpoint.js';
import type { JobCheckpointingConfig } from './rest-backend.js';

/** Flink's RestAPICheckpointType. */
export type RestApiCheckpointType = 'CHECKPOINT' | 'UNALIGNED_CHECKPOINT' | 'SAVEPOINT' | 'SYNC_SAVEPOINT';

/** StatsSummaryDto: min/max/avg are integers (Flink's longs), percentiles doubles. */
export interface StatsSummaryJson {
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
}

/** The fields every checkpoint and task statistics object shares. */
interface SizesJson {
  readonly latest_ack_timestamp: number;
  readonly checkpointed_size: number;
  readonly state_size: number;
  readonly end_to_end_duration: number;
  readonly alignment_buffered: number;
  readonly processed_data: number;
  readonly persisted_data: number;
  readonly num_subtasks: number;
  readonly num_acknowledged_subtasks: number;
}

/** TaskCheckpointStatistics (one job vertex). */
export interface TaskCheckpointStatisticsJson extends SizesJson {
  readonly id: number;
  readonly status: CheckpointStatsStatus;
}

/** CheckpointStatistics; `className` says which of Flink's subtypes it is. */
export interface CheckpointStatisticsJson extends SizesJson {
  readonly className: 'completed' | 'failed' | 'in_progress';
  readonly id: number;
  readonly status: CheckpointStatsStatus;
  readonly is_savepoint: boolean;
  /** `CANONICAL` for savepoints (one format for every state backend), null for checkpoints. */
  readonly savepointFormat: 'CANONICAL' | null;
  readonly trigger_timestamp: number;
  readonly checkpoint_type: RestApiCheckpointType;
  readonly tasks: Readonly<Record<string, TaskCheckpointStatisticsJson>>;
  /** CompletedCheckpointStatistics only. */
  readonly external_path?: string;
  readonly discarded?: boolean;
  /** FailedCheckpointStatistics only. */
  readonly failure_timestamp?: number;
  readonly failure_message?: string;
}

export interface RestoredCheckpointStatisticsJson {
  readonly id: number;
  readonly restore_timestamp: number;
  readonly is_savepoint: boolean;
  readonly external_path: string;
}

/** CheckpointingStatistics (`GET /jobs/:jobid/checkpoints`). */
export interface CheckpointingStatisticsJson {
  readonly counts: {
    readonly restored: number;
    readonly total: number;
    readonly in_progress: number;
    readonly completed: number;
    readonly failed: number;
  };
  readonly summary: {
    readonly checkpointed_size: StatsSummaryJson;
    readonly state_size: StatsSummaryJson;
    readonly end_to_end_duration: StatsSummaryJson;
    readonly alignment_buffered: StatsSummaryJson;
    readonly processed_data: StatsSummaryJson;
    readonly persisted_data: StatsSummaryJson;
  };
  readonly latest: {
    readonly completed: CheckpointStatisticsJson | null;
    readonly savepoint: CheckpointStatisticsJson | null;
    readonly failed: CheckpointStatisticsJson | null;
    readonly restored: RestoredCheckpointStatisticsJson | null;
  };
  readonly history: readonly CheckpointStatisticsJson[];
}

/** CheckpointConfigInfo (`GET /jobs/:jobid/checkpoints/config`). */
export interface CheckpointConfigInfoJson {
  /** Flink writes its ProcessingMode lower-case (its spec lists the enum names). */
  readonly mode: 'exactly_once' | 'at_least_once';
  /** -1 when the job takes no periodic checkpoints (only savepoints). */
  readonly interval: number;
  readonly timeout: number;
  readonly min_pause: number;
  readonly max_concurrent: number;
  readonly externalization: { readonly enabled: boolean; readonly delete_on_cancellation: boolean };
  readonly state_backend: string;
  readonly checkpoint_storage: string;
  readonly unaligned_checkpoints: boolean;
  readonly tolerable_failed_checkpoints: number;
  readonly aligned_checkpoint_timeout: number;
  readonly checkpoints_after_tasks_finish: boolean;
  readonly state_changelog_enabled: boolean;
  readonly changelog_periodic_materialization_interval: number;
  readonly changelog_storage: string | null;
}

/** The names Flink's REST API gives the state backends (their class names). */
const STATE_BACKEND_NAMES: Readonly<Record<StateBackendType, string>> = {
  [StateBackendType.hashmap]: 'HashMapStateBackend',
  [StateBackendType.rocksdb]: 'EmbeddedRocksDBStateBackend',
};

/** `file://` and `s3://` are both file systems to Flink. */
const CHECKPOINT_STORAGE_NAME = 'FileSystemCheckpointStorage';

const CLASS_NAMES = { COMPLETED: 'completed', FAILED: 'failed', IN_PROGRESS: 'in_progress' } as const;

/**
 * The history and latest entries carry no per-task statistics (as Flink's, to keep the answer
 * small); `/checkpoints/details/:checkpointid` has them.
 */
export function checkpointingStatisticsJson(
  stats: CheckpointStatsSnapshot,
  config: Pick<JobCheckpointingConfig, 'unalignedCheckpointsEnabled'>,
): CheckpointingStatisticsJson {
  const entry = (e: CheckpointStatsEntry | undefined): CheckpointStatisticsJson | null =>
    e === undefined ? null : checkpointStatisticsJson(e, config, false);
  const completed = stats.history.filter((e) => e.status === 'COMPLETED');
  const sizes = summaryJson(
    stats.summary?.stateSize,
    completed.map((e) => e.stateSize),
  );
  const zeros = summaryJson(undefined, []);
  return {
    counts: {
      restored: stats.counts.restored,
      total: stats.counts.total,
      in_progress: stats.counts.inProgress,
      completed: stats.counts.completed,
      failed: stats.counts.failed,
    },
    summary: {
      checkpointed_size: sizes,
      state_size: sizes,
      end_to_end_duration: summaryJson(
        stats.summary?.endToEndDuration,
        completed.map((e) => e.endToEndDuration),
      ),
      alignment_buffered: zeros,
      processed_data: zeros,
      persisted_data: zeros,
    },
    latest: {
      completed: entry(stats.latest.completed),
      savepoint: entry(stats.latest.savepoint),
      failed: entry(stats.latest.failed),
      restored: restoredJson(stats.latest.restored),
    },
    history: stats.history.map((e) => checkpointStatisticsJson(e, config, false)),
  };
}

/**
 * The statistics of one checkpoint still in the history or latest of its kind; undefined when the
 * snapshot has forgotten it.
 */
export function findCheckpointStats(
  stats: CheckpointStatsSnapshot,
  checkpointId: CheckpointId,
): CheckpointStatsEntry | undefined {
  const { completed, savepoint, failed } = stats.latest;
  return [...stats.history, completed, savepoint, failed].find((e) => e?.checkpointId === checkpointId);
}

/** CheckpointStatistics; `withTasks` adds the per-vertex statistics (the details endpoint). */
export function checkpointStatisticsJson(
  entry: CheckpointStatsEntry,
  config: Pick<JobCheckpointingConfig, 'unalignedCheckpointsEnabled'>,
  withTasks: boolean,
): CheckpointStatisticsJson {
  const tasks: Record<string, TaskCheckpointStatisticsJson> = {};
  if (withTasks) {
    for (const vertex of entry.tasks) tasks[vertex.vertexId] = taskJson(entry, vertex);
  }
  const base: CheckpointStatisticsJson = {
    className: CLASS_NAMES[entry.status],
    id: entry.checkpointId,
    status: entry.status,
    is_savepoint: entry.isSavepoint,
    savepointFormat: entry.isSavepoint ? 'CANONICAL' : null,
    trigger_timestamp: entry.triggerTimestamp,
    latest_ack_timestamp: entry.latestAckTimestamp ?? -1,
    checkpointed_size: entry.stateSize,
    state_size: entry.stateSize,
    // In progress without any acknowledgement yet: unknown, as Flink's -1.
    end_to_end_duration:
      entry.status === 'IN_PROGRESS' && entry.latestAckTimestamp === undefined ? -1 : entry.endToEndDuration,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: entry.numSubtasks,
    num_acknowledged_subtasks: entry.numAcknowledgedSubtasks,
    checkpoint_type: restApiCheckpointType(entry.checkpointType, config.unalignedCheckpointsEnabled),
    tasks,
  };
  switch (entry.status) {
    case 'COMPLETED':
      return { ...base, external_path: entry.externalPath ?? '', discarded: entry.discarded ?? false };
    case 'FAILED':
      return {
        ...base,
        failure_timestamp: entry.failureTimestamp ?? -1,
        failure_message: entry.failureMessage ?? '',
      };
    case 'IN_PROGRESS':
      return base;
  }
}

export function checkpointConfigInfoJson(config: JobCheckpointingConfig): CheckpointConfigInfoJson {
  return {
    mode: config.checkpointingMode === 'EXACTLY_ONCE' ? 'exactly_once' : 'at_least_once',
    interval: config.checkpointIntervalMs ?? -1,
    timeout: config.checkpointTimeoutMs,
    min_pause: config.minPauseBetweenCheckpointsMs,
    max_concurrent: config.maxConcurrentCheckpoints,
    externalization: {
      enabled: config.externalization.enabled,
      delete_on_cancellation: config.externalization.deleteOnCancellation,
    },
    state_backend: STATE_BACKEND_NAMES[config.stateBackend],
    checkpoint_storage: CHECKPOINT_STORAGE_NAME,
    unaligned_checkpoints: config.unalignedCheckpointsEnabled,
    tolerable_failed_checkpoints: config.tolerableCheckpointFailureNumber,
    // Barriers never switch from aligned to unaligned on a timeout (Flink's 0: disabled).
    aligned_checkpoint_timeout: 0,
    // Finished tasks do not stop checkpoints (Flink's default since 1.15).
    checkpoints_after_tasks_finish: true,
    // No state changelog: nothing is materialized, and there is no changelog storage.
    state_changelog_enabled: false,
    changelog_periodic_materialization_interval: 0,
    changelog_storage: null,
  };
}

/**
 * Flink's RestAPICheckpointType: stop-with-savepoint is a SYNC_SAVEPOINT; checkpoints of a job
 * with unaligned checkpoints enabled are UNALIGNED_CHECKPOINT (savepoints are always aligned).
 */
export function restApiCheckpointType(type: CheckpointType, unaligned: boolean): RestApiCheckpointType {
  switch (type) {
    case 'CHECKPOINT':
      return unaligned ? 'UNALIGNED_CHECKPOINT' : 'CHECKPOINT';
    case 'SAVEPOINT':
      return 'SAVEPOINT';
    case 'SAVEPOINT_SUSPEND':
    case 'SAVEPOINT_TERMINATE':
      return 'SYNC_SAVEPOINT';
  }
}

function taskJson(entry: CheckpointStatsEntry, vertex: VertexCheckpointStats): TaskCheckpointStatisticsJson {
  const ack = vertex.latestAckTimestamp;
  return {
    id: entry.checkpointId,
    status: entry.status,
    latest_ack_timestamp: ack ?? -1,
    checkpointed_size: vertex.stateSize,
    state_size: vertex.stateSize,
    end_to_end_duration: ack === undefined ? -1 : Math.max(0, ack - entry.triggerTimestamp),
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: vertex.numSubtasks,
    num_acknowledged_subtasks: vertex.numAcknowledgedSubtasks,
  };
}

function restoredJson(
  restored: RestoredCheckpointStats | undefined,
): RestoredCheckpointStatisticsJson | null {
  if (restored === undefined) return null;
  return {
    id: restored.checkpointId,
    restore_timestamp: restored.restoreTimestamp,
    is_savepoint: restored.isSavepoint,
    external_path: restored.externalPath,
  };
}

/**
 * Min, max and average over every completed checkpoint (the tracker's); percentiles over the
 * completed checkpoints still in the history (the tracker keeps no longer window). All 0 before
 * the first completed checkpoint. The average is truncated to an integer, as Flink's long is.
 */
export function summaryJson(
  minMaxAvg: { readonly min: number; readonly max: number; readonly avg: number } | undefined,
  recent: readonly number[],
): StatsSummaryJson {
  if (minMaxAvg === undefined) return { min: 0, max: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0 };
  const sorted = [...recent].sort((a, b) => a - b);
  return {
    min: minMaxAvg.min,
    max: minMaxAvg.max,
    avg: Math.trunc(minMaxAvg.avg),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
  };
}

/**
 * The `p`th percentile of ascending `sorted` as Flink's histograms estimate it (Commons Math's
 * default: position p·(n+1)/100, interpolated between neighbours); 0 for no values.
 */
export function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const position = (p * (n + 1)) / 100;
  if (position < 1) return sorted[0]!;
  if (position >= n) return sorted[n - 1]!;
  const lower = sorted[Math.floor(position) - 1]!;
  const upper = sorted[Math.floor(position)]!;
  return lower + (position - Math.floor(position)) * (upper - lower);
}
