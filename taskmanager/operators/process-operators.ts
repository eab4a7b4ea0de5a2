/**
 * ProcessFunction and KeyedProcessFunction operators (Flink's ProcessOperator and
 * KeyedProcessOperator): the function gets a context with the record's timestamp, side outputs
 * and (keyed) the current key.
 */
import type { KeyedProcessContext } from '../../api/functions/keyed-process-function.js';
import type { TimerService } from '../../api/functions/process-function.js';
import type { OutputTag } from '../../api/datastream/output-tag.js';
import type { Collector } from '../../api/functions/collector.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { AbstractUdfOperator } from './abstract-udf-operator.js';
import { TimestampedCollector } from './simple-operators.js';
import type { OperatorContext } from './stream-operator.js';

interface ProcessLike {
  processElement(value: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>): void;
}

/** Timer service for this release: time queries work; registering timers needs event-time support. */
class UnsupportedTimerService implements TimerService {
  constructor(private readonly clock: () => number) {}
  currentProcessingTime(): number {
    return this.clock();
  }
  currentWatermark(): number {
    return Number.MIN_SAFE_INTEGER;
  }
  registerProcessingTimeTimer(): void {
    throw timersUnsupported();
  }
  registerEventTimeTimer(): void {
    throw timersUnsupported();
  }
  deleteProcessingTimeTimer(): void {
    throw timersUnsupported();
  }
  deleteEventTimeTimer(): void {
    throw timersUnsupported();
  }
}

function timersUnsupported(): UserError {
  return new UserError('TIMERS_UNSUPPORTED', 'timers are not supported by this Freshet version yet');
}

export class ProcessOperator extends AbstractUdfOperator implements KeyedProcessContext<unknown> {
  private readonly fn: ProcessLike;
  private readonly collector: TimestampedCollector;
  private readonly timers: TimerService;
  private currentTimestamp: number | undefined;

  constructor(
    ctx: OperatorContext,
    userFunction: unknown,
    private readonly keyed: boolean,
  ) {
    super(ctx, userFunction);
    if (typeof (userFunction as ProcessLike | null)?.processElement !== 'function') {
      throw new UserError(
        'INVALID_FUNCTION',
        `process() on '${ctx.operatorName}' needs an object with processElement`,
      );
    }
    this.fn = userFunction as ProcessLike;
    this.collector = new TimestampedCollector(this.out);
    this.timers = new UnsupportedTimerService(() => ctx.currentProcessingTime());
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    if (this.keyed) this.setKeyContext(value);
    this.currentTimestamp = timestamp;
    this.collector.timestamp = timestamp;
    this.fn.processElement(value, this, this.collector);
  }

  timestamp(): number | undefined {
    return this.currentTimestamp;
  }

  timerService(): TimerService {
    return this.timers;
  }

  output<X>(outputTag: OutputTag<X>, value: X): void {
    this.ctx.output.collectSide(outputTag.id, value, this.currentTimestamp);
  }

  getCurrentKey(): unknown {
    if (!this.keyed) throw new UserError('NOT_KEYED', 'getCurrentKey() is only available on a keyed stream');
    return this.ctx.keyedStateBackend!.getCurrentKey();
  }
}
