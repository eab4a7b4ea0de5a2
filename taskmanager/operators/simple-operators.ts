/** The stateless one-to-one operators: map, flatMap, filter (Flink's StreamMap, StreamFlatMap, StreamFilter). */
import type { Collector } from '../../api/functions/collector.js';
import { resolveMethod } from '../../api/functions/functions.js';
import { AbstractUdfOperator } from './abstract-udf-operator.js';
import type { OperatorContext } from './stream-operator.js';

export class StreamMap extends AbstractUdfOperator {
  private readonly fn: (value: unknown) => unknown;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.fn = resolveMethod(userFunction as (v: unknown) => unknown, 'map', 'map()');
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    if (this.ctx.keyedStateBackend !== undefined) this.setKeyContext(value);
    this.out.collect(this.fn(value), timestamp);
  }
}

export class StreamFilter extends AbstractUdfOperator {
  private readonly fn: (value: unknown) => boolean;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.fn = resolveMethod(userFunction as (v: unknown) => boolean, 'filter', 'filter()');
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    if (this.ctx.keyedStateBackend !== undefined) this.setKeyContext(value);
    if (this.fn(value)) this.out.collect(value, timestamp);
  }
}

/** A Collector that stamps records with the input record's timestamp (Flink's TimestampedCollector). */
export class TimestampedCollector implements Collector<unknown> {
  timestamp: number | undefined = undefined;

  constructor(private readonly output: { collect(value: unknown, timestamp: number | undefined): void }) {}

  collect(record: unknown): void {
    this.output.collect(record, this.timestamp);
  }
}

export class StreamFlatMap extends AbstractUdfOperator {
  private readonly fn: (value: unknown, out: Collector<unknown>) => void;
  private readonly collector: TimestampedCollector;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.fn = resolveMethod(
      userFunction as (v: unknown, o: Collector<unknown>) => void,
      'flatMap',
      'flatMap()',
    );
    this.collector = new TimestampedCollector(this.out);
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    if (this.ctx.keyedStateBackend !== undefined) this.setKeyContext(value);
    this.collector.timestamp = timestamp;
    this.fn(value, this.collector);
  }
}
