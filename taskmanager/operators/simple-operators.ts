/** The stateless one-to-one operators: map, flatMap, filter (Flink's StreamMap, StreamFlatMap, StreamFilter). */
import type { Collector } from '../../api/functions/collector.js';
import { resolveMethod } from '../../api/functions/functions.js';
import { AbstractUdfOperator } from './abstract-udf-operator.js';
import type { Output } from './output.js';
import type { OperatorContext } from './stream-operator.js';

export class StreamMap extends AbstractUdfOperator {
  private readonly fn: (value: unknown) => unknown;
  private readonly keyed: boolean;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.fn = resolveMethod(userFunction as (v: unknown) => unknown, 'map', 'map()');
    this.keyed = ctx.keyedStateBackend !== undefined;
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    let result: unknown;
    try {
      if (this.keyed) this.setKeyContext(value);
      result = this.fn(value);
    } catch (error) {
      throw this.fail(error);
    }
    this.out.collect(result, timestamp);
  }
}

export class StreamFilter extends AbstractUdfOperator {
  private readonly fn: (value: unknown) => boolean;
  private readonly keyed: boolean;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.fn = resolveMethod(userFunction as (v: unknown) => boolean, 'filter', 'filter()');
    this.keyed = ctx.keyedStateBackend !== undefined;
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    let keep: boolean;
    try {
      if (this.keyed) this.setKeyContext(value);
      keep = this.fn(value);
    } catch (error) {
      throw this.fail(error);
    }
    if (keep) this.out.collect(value, timestamp);
  }
}

/** A Collector that stamps records with the input record's timestamp (Flink's TimestampedCollector). */
export class TimestampedCollector implements Collector<unknown> {
  timestamp: number | undefined = undefined;

  constructor(private readonly output: Output) {}

  collect(record: unknown): void {
    this.output.collect(record, this.timestamp);
  }
}

export class StreamFlatMap extends AbstractUdfOperator {
  private readonly fn: (value: unknown, out: Collector<unknown>) => void;
  private readonly collector: TimestampedCollector;
  private readonly keyed: boolean;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.fn = resolveMethod(
      userFunction as (v: unknown, o: Collector<unknown>) => void,
      'flatMap',
      'flatMap()',
    );
    this.collector = new TimestampedCollector(this.out);
    this.keyed = ctx.keyedStateBackend !== undefined;
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    this.collector.timestamp = timestamp;
    try {
      if (this.keyed) this.setKeyContext(value);
      this.fn(value, this.collector);
    } catch (error) {
      // Errors of downstream operators arrive here already attributed and pass unchanged.
      throw this.fail(error);
    }
  }
}
