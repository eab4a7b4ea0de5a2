import type { Collector } from './collector.js';
import { AbstractRichFunction } from './rich-function.js';
import type { OutputTag } from '../datastream/output-tag.js';

export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
}

export const TimeDomain = {
  EVENT_TIME: 'EVENT_TIME',
  PROCESSING_TIME: 'PROCESSING_TIME',
} as const;
export type TimeDomain = (typeof TimeDomain)[keyof typeof TimeDomain];

export interface ProcessContext {
  /** The current record's (or firing timer's) timestamp, or undefined. */
  timestamp(): number | undefined;
  timerService(): TimerService;
  /** Emits to a side output. */
  output<X>(outputTag: OutputTag<X>, value: X): void;
}

export interface OnTimerContext extends ProcessContext {
  timeDomain(): TimeDomain;
}

/** A function over every element with access to time and side outputs (Flink's ProcessFunction). */
export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  abstract processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext, out: Collector<O>): void;
}
