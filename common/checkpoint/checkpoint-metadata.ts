/**
 * What `_metadata` holds (Flink's CheckpointMetadata, OperatorState, OperatorSubtaskState,
 * KeyGroupsStateHandle, OperatorStateHandle, MasterState), as plain data: per operator, the state
 * of each subtask as handles to the files it wrote, with enough to redistribute state at another
 * parallelism (key-group ranges and per-key-group offsets, list-state distribution modes).
 * Serialized by checkpoint-metadata-serializer.ts.
 */
import type { JobId, OperatorId } from '../ids.js';
import type { StateFileHandle } from './checkpoint-storage.js';

/** `[first, last]` key group, both inclusive (Flink's KeyGroupRange). */
export type KeyGroupRangeBounds = readonly [startKeyGroup: number, endKeyGroup: number];

/** Where one key group's bytes lie in a keyed state file. */
export type KeyGroupSection = readonly [offset: number, length: number];

/**
 * A keyed state file written as one section per key group, in key-group order (Flink's
 * KeyGroupsStateHandle): a restore reads only the sections of the key groups it owns.
 */
export interface KeyGroupsStateHandle extends StateFileHandle {
  /** The key groups the file was written for (the subtask's range). */
  readonly keyGroupRange: KeyGroupRangeBounds;
  /** Sections of the key groups that have state; a key group without state is absent. */
  readonly keyGroupOffsets: Readonly<Record<number, KeyGroupSection>>;
}

/** How a list state is redistributed on restore (Flink's OperatorStateHandle.Mode). */
export const OperatorStateDistributionMode = {
  /** Elements are split evenly over the new subtasks. */
  split: 'split',
  /** Every new subtask gets every element. */
  union: 'union',
} as const;
export type OperatorStateDistributionMode =
  (typeof OperatorStateDistributionMode)[keyof typeof OperatorStateDistributionMode];

export interface ListStateMetaInfo {
  readonly mode: OperatorStateDistributionMode;
  readonly handles: readonly StateFileHandle[];
}

/** Non-keyed (operator) state of one subtask: list states by name. */
export interface OperatorStateHandle {
  readonly listStates: Readonly<Record<string, ListStateMetaInfo>>;
}

/** Unaligned checkpoints: in-flight buffers persisted with the checkpoint. */
export interface InFlightDataHandles {
  readonly inputChannels: readonly StateFileHandle[];
  readonly resultSubpartitions: readonly StateFileHandle[];
}

export interface OperatorSubtaskState {
  readonly subtask: number;
  /** The key groups the subtask owned; keyed operators only. */
  readonly keyGroupRange?: KeyGroupRangeBounds;
  readonly keyedState?: readonly KeyGroupsStateHandle[];
  readonly operatorState?: OperatorStateHandle;
  readonly inFlight?: InFlightDataHandles;
}

export interface OperatorState {
  readonly operatorId: OperatorId;
  /** The user-assigned uid the ID was derived from, when there was one (for error messages). */
  readonly uid?: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Subtasks without state may be left out. */
  readonly subtaskStates: readonly OperatorSubtaskState[];
  /**
   * The state of the operator's coordinator on the JobManager (a source's split enumerator), at
   * operator level: it restores at any parallelism. Absent in metadata written before it existed.
   */
  readonly coordinatorState?: Uint8Array;
}

/** State of the JobManager-side hooks (Flink's MasterState), opaque to the storage. */
export interface MasterState {
  readonly name: string;
  readonly version: number;
  readonly bytes: Uint8Array;
}

export interface CheckpointMetadata {
  readonly checkpointId: number;
  readonly jobId: JobId;
  /** When the checkpoint was triggered (ms since the epoch). */
  readonly timestamp: number;
  readonly isSavepoint: boolean;
  readonly operators: readonly OperatorState[];
  readonly masterStates?: readonly MasterState[];
}

/** Every state file the metadata references, in a stable order (for sizes and discards). */
export function stateFileHandlesOf(metadata: CheckpointMetadata): StateFileHandle[] {
  const handles: StateFileHandle[] = [];
  for (const operator of metadata.operators) {
    for (const subtask of operator.subtaskStates) {
      handles.push(...(subtask.keyedState ?? []));
      for (const name of Object.keys(subtask.operatorState?.listStates ?? {}).sort()) {
        handles.push(...(subtask.operatorState?.listStates[name]?.handles ?? []));
      }
      handles.push(
        ...(subtask.inFlight?.inputChannels ?? []),
        ...(subtask.inFlight?.resultSubpartitions ?? []),
      );
    }
  }
  return handles;
}
