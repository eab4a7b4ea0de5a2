/** Functions over two connected inputs (Flink's CoMapFunction, CoProcessFunction, joins). */
import type { OutputTag } from '../datastream/output-tag.js';
import type { Collector } from './collector.js';
import type { OnTimerContext, ProcessContext } from './process-function.js';
import { AbstractRichFunction } from './rich-function.js';

export interface CoMapFunction<IN1, IN2, OUT> {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}

export interface CoFlatMapFunction<IN1, IN2, OUT> {
  flatMap1(value: IN1, out: Collector<OUT>): void;
  flatMap2(value: IN2, out: Collector<OUT>): void;
}

export abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<OUT>): void;
}

export interface KeyedCoProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

export interface KeyedCoOnTimerContext<K> extends OnTimerContext {
  getCurrentKey(): K;
}

export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedCoProcessContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedCoProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedCoOnTimerContext<K>, out: Collector<OUT>): void;
}

export interface ProcessJoinContext {
  getLeftTimestamp(): number;
  getRightTimestamp(): number;
  /** max(left, right): the timestamp of the joined result. */
  getTimestamp(): number;
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

/** Joined pairs of an interval join (Flink's ProcessJoinFunction). */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}

export type JoinFunction<IN1, IN2, OUT> =
  ((first: IN1, second: IN2) => OUT) | { join(first: IN1, second: IN2): OUT };

export type FlatJoinFunction<IN1, IN2, OUT> =
  | ((first: IN1, second: IN2, out: Collector<OUT>) => void)
  | { join(first: IN1, second: IN2, out: Collector<OUT>): void };

export type CoGroupFunction<IN1, IN2, OUT> =
  | ((first: IN1[], second: IN2[], out: Collector<OUT>) => void)
  | { coGroup(first: IN1[], second: IN2[], out: Collector<OUT>): void };
