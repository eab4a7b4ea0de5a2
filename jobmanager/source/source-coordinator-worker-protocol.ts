/** Messages between the JobManager and a job's source coordinator worker thread. */
import type { SerializedError } from '../../common/errors/serialized-error.js';
import type { CoordinatorHostCommand, CoordinatorHostOutput } from './source-coordinator-host.js';

/** `workerData` of the coordinator worker: how to rebuild the job's pipeline, as a TaskManager does. */
export interface SourceCoordinatorWorkerData {
  readonly bundlePath: string;
  readonly programArgs: readonly string[];
  readonly defaultParallelism: number;
  /** The configuration the job's program sees (the job's own keys). */
  readonly programConfiguration: Readonly<Record<string, string>>;
  /** The submitted graph's hash: the rebuilt graph must have the same. */
  readonly graphHash: string;
  /** Module URLs the bundle gets for `freshet` and `freshet/connectors`. */
  readonly providedModules: Readonly<Record<string, string>>;
  /** The job's effective configuration, as enumerator contexts show it. */
  readonly configuration: Readonly<Record<string, string>>;
}

export type ToCoordinatorWorker =
  | { readonly type: 'start'; readonly states: readonly (readonly [string, Uint8Array])[] }
  | { readonly type: 'command'; readonly command: CoordinatorHostCommand }
  | { readonly type: 'close' };

export type FromCoordinatorWorker =
  | { readonly type: 'started'; readonly operatorIds: readonly string[] }
  | { readonly type: 'start-failed'; readonly error: SerializedError }
  | { readonly type: 'output'; readonly output: CoordinatorHostOutput }
  | { readonly type: 'closed' };
