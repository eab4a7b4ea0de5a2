/**
 * Starting a job from a savepoint or retained checkpoint (`freshet run -s`, `savepointPath` of
 * `POST /jars/:jarid/run`): its `_metadata` is read and matched to the job's operators by operator
 * ID (derived from `uid`). State of an operator the job does not have fails the submission, naming
 * it, unless non-restored state is allowed; a changed max parallelism of a stateful operator is
 * rejected, since key groups could not be mapped. Also the per-vertex view a restoring task gets.
 */
import type { JobGraph, JobVertex } from '../../api/graph/job-graph.js';
import type { OperatorState } from '../../common/checkpoint/checkpoint-metadata.js';
import { loadCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { TaskRestore } from '../../common/protocol/task-deployment.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import { completedCheckpointFromStored, toStoredMetadata } from './storage-coordinator-view.js';

export interface SavepointRestoreSettings {
  /** The savepoint's directory or its `_metadata`. */
  readonly path: string;
  /** Skip state of operators the job no longer has (Flink's --allowNonRestoredState). */
  readonly allowNonRestoredState: boolean;
}

export async function loadSavepointForJob(
  storage: CheckpointStorage,
  settings: SavepointRestoreSettings,
  jobGraph: JobGraph,
): Promise<CompletedCheckpoint> {
  const { location, metadata } = await loadCheckpointMetadata(storage, settings.path);
  const vertexOf = new Map<string, JobVertex>();
  for (const vertex of jobGraph.vertices)
    for (const op of vertex.operators) vertexOf.set(op.operatorId, vertex);
  const hasState = (op: OperatorState): boolean =>
    op.coordinatorState !== undefined ||
    op.subtaskStates.some(
      (s) => s.keyedState !== undefined || s.operatorState !== undefined || s.inFlight !== undefined,
    );
  const unmatched = metadata.operators.filter((op) => hasState(op) && !vertexOf.has(op.operatorId));
  if (unmatched.length > 0 && !settings.allowNonRestoredState) {
    const names = unmatched.map((op) =>
      op.uid === undefined ? op.operatorId : `${op.uid} (${op.operatorId})`,
    );
    throw new UserError(
      'UNMATCHED_SAVEPOINT_STATE',
      `the savepoint ${settings.path} has state for operator(s) ${names.join(', ')} that the job does not ` +
        'contain; give the operators the same uid as before, or pass --allowNonRestoredState ' +
        '(allowNonRestoredState) to skip that state',
    );
  }
  for (const op of metadata.operators) {
    const vertex = vertexOf.get(op.operatorId);
    if (vertex === undefined || !op.subtaskStates.some((s) => s.keyedState !== undefined)) continue;
    if (op.maxParallelism !== vertex.maxParallelism) {
      throw new UserError(
        'MAX_PARALLELISM_MISMATCH',
        `operator ${op.operatorId} of '${vertex.name}' has keyed state for maxParallelism ${op.maxParallelism} in ` +
          `${settings.path}, but the job now runs it with maxParallelism ${vertex.maxParallelism}; maxParallelism ` +
          `cannot change across a restore: set it back to ${op.maxParallelism} (setMaxParallelism)`,
      );
    }
  }
  const matched = { ...metadata, operators: metadata.operators.filter((op) => vertexOf.has(op.operatorId)) };
  return completedCheckpointFromStored(matched, location.directory, settings.path);
}

/** The state the subtasks of `vertex` start from: the checkpoint's states of the vertex's operators. */
export function taskRestoreFor(
  jobId: JobId,
  checkpoint: CompletedCheckpoint,
  vertex: JobVertex,
): TaskRestore {
  const ids = new Set<string>(vertex.operators.map((op) => op.operatorId));
  const stored = toStoredMetadata(jobId, checkpoint.metadata);
  return {
    checkpointId: checkpoint.checkpointId,
    // The coordinator's state stays on the JobManager.
    operatorStates: stored.operators
      .filter((op) => ids.has(op.operatorId))
      .map(({ coordinatorState: _coordinatorState, ...op }) => op),
  };
}
