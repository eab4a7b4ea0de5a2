import type { Collector } from './collector.js';
import type { OnTimerContext, ProcessContext } from './process-function.js';
import { AbstractRichFunction } from './rich-function.js';

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

export interface KeyedOnTimerContext<K> extends OnTimerContext {
  getCurrentKey(): K;
}

/** A ProcessFunction on a keyed stream: keyed state and per-key timers (Flink's KeyedProcessFunction). */
export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<K>, out: Collector<O>): void;
}
