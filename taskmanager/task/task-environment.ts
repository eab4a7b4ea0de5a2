import type { Pipeline } from '../../api/environment/execution-context.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import type { SourceReaderEvent } from '../../common/protocol/operator-events.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { NetworkEnvironment } from '../network/network-environment.js';
import type { SlotRocksDB } from '../state/rocksdb/slot-rocksdb.js';

/** Where a task reports its checkpoints (Flink's CheckpointResponder). */
export interface CheckpointResponder {
  acknowledgeCheckpoint(checkpointId: number, state: TaskStateSnapshot | undefined): void;
  /** `reason`: a CheckpointFailureReason name. */
  declineCheckpoint(checkpointId: number, reason: string, error?: unknown): void;
}

/** What the slot hands a task: its deployment, the rebuilt job, the network, and outlets. */
export interface TaskEnvironment {
  readonly tdd: TaskDeploymentDescriptor;
  readonly pipeline: Pipeline;
  readonly network: NetworkEnvironment;
  readonly segmentSize: number;
  /** The TaskManager's configuration overlaid by the job's (checkpoint storage, s3.*). */
  readonly configuration: Readonly<Record<string, string>>;
  readonly checkpointResponder: CheckpointResponder;
  /** The slot's RocksDB instance (a task without one opens its own when the job uses rocksdb). */
  readonly slotRocksDB?: SlotRocksDB;
  clock(): number;
  writeStdout(text: string): void;
  sendToClient(operatorId: string, payload: unknown): void;
  /** Sends an event to the coordinator of operator `operatorId` on the JobManager (a source's enumerator). */
  sendOperatorEventToCoordinator?(operatorId: string, event: SourceReaderEvent): void;
}
