/**
 * The state a subtask reports when it acknowledges a checkpoint (Flink's TaskStateSnapshot): for
 * each operator of its chain, handles to the files it wrote, in the same model `_metadata` stores
 * (common/checkpoint/checkpoint-metadata.ts), without the subtask index the coordinator adds. The
 * coordinator never opens these files; it only collects, sizes, stores and discards the handles.
 */
import type { OperatorSubtaskState as StoredSubtaskState } from './checkpoint-metadata.js';
import type { StateFileHandle } from './checkpoint-storage.js';

/** One piece of persisted state: a file (or object) and its size in bytes. */
export type StateHandle = StateFileHandle;

/** The state of one operator in one subtask. */
export type OperatorSubtaskState = Omit<StoredSubtaskState, 'subtask'>;

export interface TaskStateSnapshot {
  /** Keyed by operator ID (32 hex digits); operators without state may be left out. */
  readonly subtaskStateByOperatorId: Readonly<Record<string, OperatorSubtaskState>>;
  /**
   * The task's input had ended when it took the snapshot (Flink's TaskStateSnapshot
   * isTaskFinished): once a checkpoint completes in which every task says so, it is the job's
   * final checkpoint and the tasks may finish.
   */
  readonly endOfData?: boolean;
  /**
   * How long the task's barrier alignment for this checkpoint took (Flink's CheckpointMetrics
   * alignment duration): from the first barrier to the last, in ms; absent without inputs.
   */
  readonly alignmentDurationMs?: number;
}

/** Every handle of the subtask state, in a stable order. */
export function stateHandlesOf(state: OperatorSubtaskState): StateHandle[] {
  const lists = state.operatorState?.listStates ?? {};
  return [
    ...(state.keyedState ?? []),
    ...Object.keys(lists)
      .sort()
      .flatMap((name) => lists[name]!.handles),
    ...(state.inFlight?.inputChannels ?? []),
    ...(state.inFlight?.resultSubpartitions ?? []),
  ];
}

/** Every handle of the snapshot (all operators). */
export function taskStateHandles(snapshot: TaskStateSnapshot | undefined): StateHandle[] {
  if (snapshot === undefined) return [];
  return Object.values(snapshot.subtaskStateByOperatorId).flatMap(stateHandlesOf);
}

/** Total bytes of the handles (Flink's state size). */
export function stateSizeOf(handles: readonly StateHandle[]): number {
  let size = 0;
  for (const handle of handles) size += handle.size;
  return size;
}
