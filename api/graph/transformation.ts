/**
 * The logical plan as the DataStream API builds it (Flink's Transformation tree). Operator
 * transformations become graph nodes; partition and union transformations are virtual: they only
 * decide how the edges into the next node are drawn.
 */
import type { KeySelector } from '../functions/functions.js';
import type { OutputTag } from '../datastream/output-tag.js';
import type { ChainingStrategy, OperatorDescriptor } from './operator-descriptor.js';
import type { PartitionerType } from './partitioner.js';

export interface OperatorTransformation {
  readonly type: 'operator';
  readonly id: number;
  readonly inputs: readonly Transformation[];
  readonly operator: OperatorDescriptor;
  /** Set for operators on a keyed stream: their state is scoped by this key. */
  readonly stateKeySelector: KeySelector<unknown, unknown> | undefined;
  /** The second input's state key, for keyed two-input operators. */
  readonly stateKeySelector2?: KeySelector<unknown, unknown> | undefined;
  name: string;
  uid: string | undefined;
  /** Undefined: the environment's default parallelism. */
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  slotSharingGroup: string | undefined;
  chainingStrategy: ChainingStrategy;
}

export interface PartitionTransformation {
  readonly type: 'partition';
  readonly id: number;
  readonly input: Transformation;
  readonly partitioner: PartitionerType;
  readonly keySelector: KeySelector<unknown, unknown> | undefined;
}

export interface UnionTransformation {
  readonly type: 'union';
  readonly id: number;
  readonly inputs: readonly Transformation[];
}

export interface SideOutputTransformation {
  readonly type: 'sideOutput';
  readonly id: number;
  readonly input: Transformation;
  readonly tag: OutputTag<unknown>;
}

export type Transformation =
  OperatorTransformation | PartitionTransformation | UnionTransformation | SideOutputTransformation;
