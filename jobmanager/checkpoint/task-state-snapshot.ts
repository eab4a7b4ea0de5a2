/**
 * The state a subtask reports when it acknowledges a checkpoint (Flink's TaskStateSnapshot and
 * OperatorSubtaskState): for each operator of its chain, handles to the files it wrote. The
 * coordinator never opens these files; it only collects, sizes, stores and discards the handles.
 * Plain serializable data (no classes), importing only `common/`, so it can move to
 * `common/protocol` with the acknowledge message.
 */
import type { KeyGroupRange } from '../../common/key-groups.js';

/** One piece of persisted state: a file (or object) and its size in bytes. */
export interface StateHandle {
  /** URI of the file, e.g. `file:///ckpt/<job>/chk-3/<uuid>` or `s3://bucket/...`. */
  readonly path: string;
  readonly size: number;
  /** Keyed state only: the key groups the file holds (it is indexed by key group). */
  readonly keyGroupRange?: Pick<KeyGroupRange, 'startKeyGroup' | 'endKeyGroup'>;
}

/** The state of one operator in one subtask. */
export interface OperatorSubtaskState {
  readonly managedKeyedState: readonly StateHandle[];
  readonly managedOperatorState: readonly StateHandle[];
  /** Unaligned checkpoints: in-flight buffers of the input channels. */
  readonly inputChannelState?: readonly StateHandle[];
  /** Unaligned checkpoints: in-flight buffers of the result subpartitions. */
  readonly resultSubpartitionState?: readonly StateHandle[];
}

export interface TaskStateSnapshot {
  /** Keyed by operator ID (32 hex digits); operators without state may be left out. */
  readonly subtaskStateByOperatorId: Readonly<Record<string, OperatorSubtaskState>>;
}

/** Every handle of the subtask state, in a stable order. */
export function stateHandlesOf(state: OperatorSubtaskState): StateHandle[] {
  return [
    ...state.managedKeyedState,
    ...state.managedOperatorState,
    ...(state.inputChannelState ?? []),
    ...(state.resultSubpartitionState ?? []),
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
