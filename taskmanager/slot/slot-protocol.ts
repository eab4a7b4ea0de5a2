/** Messages between a TaskManager and its slot worker threads (control only; data uses peer ports). */
import type { MessagePort } from 'node:worker_threads';
import type { ExecutionAttemptId, JobId } from '../../common/ids.js';
import type { TaskExecutionStateUpdate, TaskMetricsReport } from '../../common/protocol/gateways.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';

export interface SlotWorkerData {
  readonly taskManagerId: string;
  readonly slotIndex: number;
  readonly segmentSize: number;
  /** Module URLs the job bundle gets for `freshet` and `freshet/connectors`. */
  readonly providedModules: Readonly<Record<string, string>>;
}

export type ToSlotWorker =
  | { readonly type: 'connect-peer'; readonly location: string; readonly port: MessagePort }
  | { readonly type: 'deploy'; readonly tdd: TaskDeploymentDescriptor }
  | { readonly type: 'cancel'; readonly executionAttemptId: ExecutionAttemptId }
  | { readonly type: 'release-job'; readonly jobId: JobId }
  | { readonly type: 'network-in'; readonly message: NetworkMessage };

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
      readonly type: 'network-out';
      readonly from: string;
      readonly to: string;
      readonly message: NetworkMessage;
    };
