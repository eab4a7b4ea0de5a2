/**
 * Where a job's source coordinators live: with the job's Source objects, which exist only where
 * the job's program ran — on this thread for a program run in-process (local mode), in a worker
 * thread that runs the job's bundle otherwise. Both hosts take the same commands and report in
 * the same ordered stream of outputs; one host is one incarnation of the coordinators (a global
 * failover replaces it).
 */
import type { SerializedError } from '../../common/errors/serialized-error.js';
import type { SourceCoordinatorEvent, SourceReaderEvent } from '../../common/protocol/operator-events.js';

export type CoordinatorHostCommand =
  | {
      readonly type: 'event-from-reader';
      readonly operatorId: string;
      readonly subtask: number;
      readonly event: SourceReaderEvent;
    }
  | { readonly type: 'checkpoint'; readonly checkpointId: number }
  | { readonly type: 'checkpoint-complete'; readonly checkpointId: number }
  /** Every subtask restarts from `checkpointId` (absent: from the beginning). */
  | { readonly type: 'subtask-reset'; readonly checkpointId?: number };

/** Reported in the order it happened, per operator. */
export type CoordinatorHostOutput =
  | {
      readonly type: 'event-to-reader';
      readonly operatorId: string;
      readonly subtask: number;
      readonly event: SourceCoordinatorEvent;
    }
  | {
      readonly type: 'checkpoint-taken';
      readonly operatorId: string;
      readonly checkpointId: number;
      readonly state: Uint8Array;
    }
  | {
      readonly type: 'checkpoint-failed';
      readonly operatorId: string;
      readonly checkpointId: number;
      readonly error: SerializedError;
    }
  /** The coordinator (or the whole host: operatorId undefined) failed; the job must fail over. */
  | { readonly type: 'coordinator-failed'; readonly operatorId?: string; readonly error: SerializedError };

export interface SourceCoordinatorHost {
  /**
   * Loads the job's sources and starts a coordinator for each one with a split enumerator, from
   * its state in `states` (by operator ID) when there is some; resolves to their operator IDs.
   * Rejects when the job's sources cannot be loaded.
   */
  start(states: ReadonlyMap<string, Uint8Array>): Promise<readonly string[]>;
  send(command: CoordinatorHostCommand): void;
  /** Closes the enumerators and releases the host. */
  close(): Promise<void>;
}
