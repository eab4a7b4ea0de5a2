/** Messages between a TaskManager and its slot worker threads (control only; data uses peer ports). */
import type { MessagePort } from 'node:worker_threads';
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import type { TaskExecutionStateUpdate, TaskMetricsReport } from '../../common/protocol/gateways.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import type { SerializedError } from '../../common/errors/serialized-error.js';
import type { IoConnection } from '../state/rocksdb/rocksdb-io-protocol.js';
import type { SourceCoordinatorEvent, SourceReaderEvent } from '../../common/protocol/operator-events.js';

export interface SlotWorkerData {
  readonly taskManagerId: string;
  readonly slotIndex: number;
  readonly segmentSize: number;
  /** Module URLs the job bundle gets for `freshet` and `freshet/connectors`. */
  readonly providedModules: Readonly<Record<string, string>>;
  /** The TaskManager's configuration. */
  readonly configuration: Readonly<Record<string, string>>;
  /** The slot's line to the process's RocksDB I/O thread (its port is transferred). */
  readonly stateIo?: IoConnection;
}

export type ToSlotWorker =
  | { readonly type: 'connect-peer'; readonly location: string; readonly port: MessagePort }
  | { readonly type: 'deploy'; readonly tdd: TaskDeploymentDescriptor }
  | { readonly type: 'cancel'; readonly executionAttemptId: ExecutionAttemptId }
  | { readonly type: 'release-job'; readonly jobId: JobId }
  | { readonly type: 'network-in'; readonly message: NetworkMessage }
  | {
      readonly type: 'trigger-checkpoint';
      readonly executionAttemptId: ExecutionAttemptId;
      readonly checkpointId: number;
      readonly timestamp: number;
      readonly options: CheckpointOptions;
    }
  | {
      readonly type: 'notify-checkpoint';
      readonly executionAttemptId: ExecutionAttemptId;
      readonly checkpointId: number;
      readonly outcome: 'complete' | 'final' | 'aborted';
    }
  | {
      readonly type: 'operator-event';
      readonly executionAttemptId: ExecutionAttemptId;
      readonly operatorId: string;
      readonly event: SourceCoordinatorEvent;
    };

export type FromSlotWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'task-state'; readonly update: TaskExecutionStateUpdate }
  | { readonly type: 'stdout'; readonly text: string }
  /** The I/O counters of the worker's running tasks, pushed periodically. */
  | { readonly type: 'task-metrics'; readonly reports: readonly TaskMetricsReport[] }
  | {
      readonly type: 'client-data';
      readonly jobId: JobId;
      readonly operatorId: string;
      readonly payload: unknown;
    }
  | {
      readonly type: 'acknowledge-checkpoint';
      readonly jobId: JobId;
      readonly executionAttemptId: ExecutionAttemptId;
      readonly checkpointId: number;
      readonly state: TaskStateSnapshot | undefined;
    }
  | {
      readonly type: 'decline-checkpoint';
      readonly jobId: JobId;
      readonly executionAttemptId: ExecutionAttemptId;
      readonly checkpointId: number;
      readonly reason: string;
      readonly error: SerializedError | undefined;
    }
  | {
      readonly type: 'network-out';
      readonly from: string;
      readonly to: string;
      readonly message: NetworkMessage;
    }
  | {
      readonly type: 'operator-event-to-coordinator';
      readonly jobId: JobId;
      readonly executionAttemptId: ExecutionAttemptId;
      readonly operatorId: string;
      readonly event: SourceReaderEvent;
    };
