/**
 * What the operators of a task hand over at a checkpoint barrier (the synchronous part of Flink's
 * StreamOperatorStateHandler.snapshotState) and what they get back on restore. Keyed state and
 * timers are encoded per key group at the barrier, so later changes cannot leak into the snapshot;
 * list states (operator state) are plain values, possibly still being prepared (a sink's
 * committables), resolved in the asynchronous part.
 */
import type { OperatorStateDistributionMode } from '../../common/checkpoint/checkpoint-metadata.js';
import type { KeyGroupRange } from '../../common/key-groups.js';
import type { InternalTimersSnapshot } from '../operators/windowing/internal-timer-service.js';
import type { KeyedStateSnapshot } from '../state/keyed-state-backend.js';
import type { InFlightData } from './in-flight-data.js';

export type KeyGroupSections = readonly (readonly [keyGroup: number, bytes: Uint8Array])[];

/** One list state of an operator (Flink's ListState in operator state). */
export interface ListStateSnapshot {
  readonly mode: OperatorStateDistributionMode;
  /** Plain data; a promise when the operator finishes it asynchronously (two-phase sinks). */
  readonly values: readonly unknown[] | Promise<readonly unknown[]>;
}

export type OperatorListStates = Readonly<Record<string, ListStateSnapshot>>;

/** The synchronous snapshot of one operator of the chain. */
export interface OperatorSnapshot {
  readonly operatorId: string;
  /** Keyed operators: the subtask's key groups and each key group's encoded section. */
  readonly keyed?: {
    readonly range: KeyGroupRange;
    /** A promise when the backend's snapshot is read asynchronously (RocksDB). */
    readonly sections: KeyGroupSections | Promise<KeyGroupSections>;
  };
  readonly lists?: OperatorListStates;
}

/** The keyed state and timers of one operator after a restore, limited to the subtask's key groups. */
export interface RestoredKeyedState {
  readonly state: KeyedStateSnapshot;
  /** By the index of the operator's timer service (in registration order). */
  readonly timers: readonly InternalTimersSnapshot[];
}

/** What one operator gets back on restore. */
export interface RestoredOperatorState {
  /** One entry per old subtask whose key groups overlap this subtask's. */
  readonly keyed: readonly RestoredKeyedState[];
  /** This subtask's share of each list state. */
  readonly lists: Readonly<Record<string, readonly unknown[]>>;
  /** Unaligned checkpoints: the subtask's in-flight data (head operator only). */
  readonly inFlight?: InFlightData;
}
