/**
 * What an operator is, as the API records it: a kind plus the user function(s). The TaskManager
 * maps each kind to its operator implementation. Functions are live values; they never travel —
 * a TaskManager rebuilds the graph from the job bundle and takes its own.
 */
import type { Sink } from '../connector/sink.js';
import type { Source } from '../connector/source.js';
import type {
  FilterFunction,
  FlatMapFunction,
  KeySelector,
  MapFunction,
  ReduceFunction,
} from '../functions/functions.js';
import type { KeyedProcessFunction } from '../functions/keyed-process-function.js';
import type { ProcessFunction } from '../functions/process-function.js';
import type { WatermarkStrategy } from '../watermark/watermark-strategy.js';
import type { WindowOperatorSpec } from './window-operator-spec.js';
import type {
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFunction,
  KeyedCoProcessFunction,
  ProcessJoinFunction,
} from '../functions/co-functions.js';

/** An interval join: right elements with timestamps in [left + lower, left + upper] join a left element. */
export interface IntervalJoinSpec {
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly fn: ProcessJoinFunction<unknown, unknown, unknown>;
  readonly leftLateDataTag: string | undefined;
  readonly rightLateDataTag: string | undefined;
}

/** Operator kinds with two inputs (their input edges carry inputIndex 0 or 1). */
export const TWO_INPUT_KINDS: ReadonlySet<string> = new Set([
  'coMap',
  'coFlatMap',
  'coProcess',
  'keyedCoProcess',
  'intervalJoin',
]);

export type OperatorDescriptor =
  | {
      readonly kind: 'source';
      readonly source: Source<unknown, unknown>;
      readonly watermarkStrategy: WatermarkStrategy<unknown>;
    }
  | { readonly kind: 'timestampsAndWatermarks'; readonly watermarkStrategy: WatermarkStrategy<unknown> }
  | { readonly kind: 'map'; readonly fn: MapFunction<unknown, unknown> }
  | { readonly kind: 'flatMap'; readonly fn: FlatMapFunction<unknown, unknown> }
  | { readonly kind: 'filter'; readonly fn: FilterFunction<unknown> }
  | { readonly kind: 'process'; readonly fn: ProcessFunction<unknown, unknown> }
  | { readonly kind: 'keyedProcess'; readonly fn: KeyedProcessFunction<unknown, unknown, unknown> }
  | { readonly kind: 'keyedReduce'; readonly fn: ReduceFunction<unknown> }
  | { readonly kind: 'window'; readonly window: WindowOperatorSpec }
  | { readonly kind: 'coMap'; readonly fn: CoMapFunction<unknown, unknown, unknown> }
  | { readonly kind: 'coFlatMap'; readonly fn: CoFlatMapFunction<unknown, unknown, unknown> }
  | { readonly kind: 'coProcess'; readonly fn: CoProcessFunction<unknown, unknown, unknown> }
  | {
      readonly kind: 'keyedCoProcess';
      readonly fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown>;
    }
  | { readonly kind: 'intervalJoin'; readonly join: IntervalJoinSpec }
  | { readonly kind: 'sink'; readonly sink: Sink<unknown> };

export type OperatorKind = OperatorDescriptor['kind'];

/** Flink's chaining strategies. */
export const ChainingStrategy = {
  ALWAYS: 'ALWAYS',
  NEVER: 'NEVER',
  HEAD: 'HEAD',
} as const;
export type ChainingStrategy = (typeof ChainingStrategy)[keyof typeof ChainingStrategy];

export interface KeyedInput {
  readonly keySelector: KeySelector<unknown, unknown>;
}
