/**
 * The JobGraph: what the JobManager schedules. Operators joined by chainable edges form one
 * JobVertex (run as direct calls in one task); the other edges become intermediate data sets
 * crossing the network. Plain data only: it travels to the JobManager and TaskManagers.
 */
import type { JobVertexId, OperatorId, IntermediateDataSetId } from '../../common/ids.js';
import type { OperatorKind } from './operator-descriptor.js';
import type { PartitionerType } from './partitioner.js';

export interface JobGraph {
  readonly jobName: string;
  /** Hash of everything structural; a TaskManager compares its rebuilt graph against it. */
  readonly graphHash: string;
  /** Vertices in topological order (producers before consumers). */
  readonly vertices: readonly JobVertex[];
  readonly config: JobConfig;
}

/** Execution settings that travel with the job (Flink's ExecutionConfig + job configuration). */
export interface JobConfig {
  readonly bufferTimeoutMs: number;
  readonly autoWatermarkIntervalMs: number;
  readonly checkpointIntervalMs: number | undefined;
  /** Job-level configuration keys set in the program (`env.configure`), as strings. */
  readonly configuration: Readonly<Record<string, string>>;
}

export interface JobVertex {
  readonly id: JobVertexId;
  /** Flink style: "Source: numbers -> Map -> Filter". */
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  /** The chain, head first; a tree flattened in topological order. */
  readonly operators: readonly ChainedOperator[];
  /** Input edges, in the order of the head operator's input edges. */
  readonly inputs: readonly JobEdge[];
  readonly producedDataSets: readonly IntermediateDataSet[];
}

export interface ChainedOperator {
  readonly operatorId: OperatorId;
  readonly nodeId: number;
  readonly name: string;
  readonly uid: string | undefined;
  readonly kind: OperatorKind;
  /** True when the operator runs on a keyed stream (has keyed state). */
  readonly keyed: boolean;
  readonly chainedOutputs: readonly ChainedOutput[];
  /** Indices into the vertex's producedDataSets. */
  readonly networkOutputs: readonly number[];
}

export interface ChainedOutput {
  readonly operatorIndex: number;
  readonly outputTag: string | undefined;
}

export interface IntermediateDataSet {
  readonly id: IntermediateDataSetId;
  readonly producerOperatorIndex: number;
  readonly consumerVertexId: JobVertexId;
  readonly partitioner: PartitionerType;
  /** The StreamEdge this data set realises (its key selector lives in the rebuilt graph). */
  readonly streamEdgeId: string;
  readonly outputTag: string | undefined;
}

export interface JobEdge {
  readonly dataSetId: IntermediateDataSetId;
  readonly sourceVertexId: JobVertexId;
  readonly partitioner: PartitionerType;
  /** 0, or 1 for the second input of a two-input head operator. */
  readonly inputIndex: number;
}
