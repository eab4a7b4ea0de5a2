/**
 * What the JobManager sends a TaskManager to run one subtask (Flink's TaskDeploymentDescriptor):
 * which vertex and subtask, where its inputs come from and what it produces. Plain data.
 */
import type { OperatorState } from '../checkpoint/checkpoint-metadata.js';
import type { ExecutionAttemptId, IntermediateDataSetId, JobId, JobVertexId, ResourceId } from '../ids.js';

/** Where a subtask runs: a TaskManager and one of its slots. */
export interface TaskLocation {
  readonly taskManagerId: ResourceId;
  readonly slotIndex: number;
  /** Where the TaskManager serves its result partitions (absent for in-process TaskManagers). */
  readonly dataAddress?: DataAddress;
}

export interface DataAddress {
  readonly host: string;
  readonly port: number;
}

/** A result partition: the output of one producer subtask for one intermediate data set. */
export interface ResultPartitionId {
  readonly dataSetId: IntermediateDataSetId;
  readonly producerSubtask: number;
  /**
   * The producer's attempt number (Flink's partition ID includes the producer's execution
   * attempt): a restarted job's partitions never meet requests meant for the previous attempt's.
   */
  readonly producerAttempt: number;
}

export function resultPartitionKey(id: ResultPartitionId): string {
  return `${id.dataSetId}#${id.producerSubtask}@${id.producerAttempt}`;
}

/** How a job's code reaches a slot: a bundle file, or an in-process registration (local, no bundle). */
export type JobCodeSource =
  | {
      readonly kind: 'bundle';
      /** Where the bundle is on the JobManager (or, in a local cluster, on this machine). */
      readonly path: string;
      readonly programArgs: readonly string[];
      /** The JobManager's ID of the stored bundle (its jar ID); remote TaskManagers fetch it by this. */
      readonly bundleId?: string;
    }
  | { readonly kind: 'in-process' };

export interface JobInformation {
  readonly jobId: JobId;
  readonly jobName: string;
  readonly graphHash: string;
  readonly code: JobCodeSource;
  /** Capture-time context the rebuilding program must see to build the same graph. */
  readonly defaultParallelism: number;
  readonly configuration: Readonly<Record<string, string>>;
}

export interface InputChannelDeploymentDescriptor {
  readonly partitionId: ResultPartitionId;
  readonly producerLocation: TaskLocation;
  /** The subpartition of the producer's partition this channel reads. */
  readonly subpartitionIndex: number;
}

export interface InputGateDeploymentDescriptor {
  readonly dataSetId: IntermediateDataSetId;
  /** Which input of the task's head operator this gate feeds (0, or 1 for two-input operators). */
  readonly inputIndex: number;
  readonly channels: readonly InputChannelDeploymentDescriptor[];
}

export interface ResultPartitionDeploymentDescriptor {
  readonly partitionId: ResultPartitionId;
  /** Index into the vertex's producedDataSets. */
  readonly dataSetIndex: number;
  readonly numberOfSubpartitions: number;
}

export interface TaskDeploymentDescriptor {
  readonly job: JobInformation;
  readonly vertexId: JobVertexId;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Flink style: "Map -> Filter (1/2)#0". */
  readonly taskName: string;
  readonly slotIndex: number;
  readonly inputGates: readonly InputGateDeploymentDescriptor[];
  readonly producedPartitions: readonly ResultPartitionDeploymentDescriptor[];
  /** Set when the subtask starts from a checkpoint or savepoint (after a failover or `run -s`). */
  readonly taskRestore?: TaskRestore;
}

/** The checkpoint state a subtask starts from (Flink's JobManagerTaskRestore). */
export interface TaskRestore {
  readonly checkpointId: number;
  /**
   * The stored state of the operators of the vertex's chain, every old subtask's (the task picks
   * the key groups and list-state shares that are now its own).
   */
  readonly operatorStates: readonly OperatorState[];
}
