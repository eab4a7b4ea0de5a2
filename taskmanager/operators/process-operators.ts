/**
 * ProcessFunction and KeyedProcessFunction operators (Flink's ProcessOperator and
 * KeyedProcessOperator): the function gets the record's timestamp, side outputs, time, and — on
 * keyed streams — the current key and per-key timers; `onTimer` output carries the timer's time.
 */
import type { OutputTag } from '../../api/datastream/output-tag.js';
import type { Collector } from '../../api/functions/collector.js';
import type { KeyedOnTimerContext } from '../../api/functions/keyed-process-function.js';
import { TimeDomain, type TimerService } from '../../api/functions/process-function.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { AbstractUdfOperator } from './abstract-udf-operator.js';
import { KeyedTimerService } from './keyed-timer-service.js';
import { UserTimerService } from './user-timer-service.js';
import { TimestampedCollector } from './simple-operators.js';
import type { OperatorContext } from './stream-operator.js';

interface ProcessLike {
  processElement(value: unknown, ctx: KeyedOnTimerContext<unknown>, out: Collector<unknown>): void;
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<unknown>, out: Collector<unknown>): void;
}

export class ProcessOperator extends AbstractUdfOperator implements KeyedOnTimerContext<unknown> {
  private readonly fn: ProcessLike;
  private readonly collector: TimestampedCollector;
  private readonly keyedTimers: KeyedTimerService | undefined;
  private readonly userTimers: UserTimerService;
  private currentTimestamp: number | undefined;
  private domain: TimeDomain | undefined;

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
    this.keyedTimers =
      keyed && ctx.keyedStateBackend !== undefined
        ? new KeyedTimerService(
            ctx.keyedStateBackend,
            ctx.processingTimeService,
            (timer) => this.fireTimer(timer.timestamp, TimeDomain.EVENT_TIME),
            (timer) => this.fireTimer(timer.timestamp, TimeDomain.PROCESSING_TIME),
            ctx.timerServices,
          )
        : undefined;
    this.userTimers = new UserTimerService(
      this.keyedTimers,
      ctx.processingTimeService,
      () => this.inputWatermark,
    );
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    this.currentTimestamp = timestamp;
    this.collector.timestamp = timestamp;
    this.domain = undefined;
    try {
      if (this.keyed) this.setKeyContext(value);
      this.fn.processElement(value, this, this.collector);
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected override onWatermark(timestamp: number): void {
    this.keyedTimers?.advanceWatermark(timestamp);
  }

  private fireTimer(timestamp: number, domain: TimeDomain): void {
    // As Flink: the context reports the timer's time in both domains (side outputs carry it), the
    // main output of a processing-time timer has no timestamp.
    this.currentTimestamp = timestamp;
    this.collector.timestamp = domain === TimeDomain.EVENT_TIME ? timestamp : undefined;
    this.domain = domain;
    try {
      this.fn.onTimer?.(timestamp, this, this.collector);
    } catch (error) {
      throw this.fail(error);
    } finally {
      this.domain = undefined;
    }
  }

  // --- the context handed to the function ---

  timestamp(): number | undefined {
    return this.currentTimestamp;
  }

  timerService(): TimerService {
    return this.userTimers;
  }

  timeDomain(): TimeDomain {
    if (this.domain === undefined)
      throw new UserError('NOT_IN_TIMER', 'timeDomain() is only available in onTimer()');
    return this.domain;
  }

  output<X>(outputTag: OutputTag<X>, value: X): void {
    checkOutputTag(outputTag);
    this.out.collectSide(outputTag.id, value, this.currentTimestamp);
  }

  getCurrentKey(): unknown {
    if (!this.keyed) throw new UserError('NOT_KEYED', 'getCurrentKey() is only available on a keyed stream');
    return this.ctx.keyedStateBackend!.getCurrentKey();
  }

  // --- the timer service ---
}

export function checkOutputTag(outputTag: unknown): void {
  if (outputTag === null || outputTag === undefined)
    throw new UserError('NULL_OUTPUT_TAG', 'OutputTag must not be null.');
}
