/**
 * The operators of connected streams (Flink's CoStreamMap, CoStreamFlatMap, CoProcessOperator,
 * KeyedCoProcessOperator) in one class: the function's method for the input a record came from
 * runs with a context giving the timestamp, side outputs and — keyed — the key and timers.
 */
import type { OutputTag } from '../../../api/datastream/output-tag.js';
import { TimeDomain, type TimerService } from '../../../api/functions/process-function.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { KeyedTimerService } from '../keyed-timer-service.js';
import { checkOutputTag } from '../process-operators.js';
import { UserTimerService } from '../user-timer-service.js';
import { TimestampedCollector } from '../simple-operators.js';
import type { OperatorContext } from '../stream-operator.js';
import { AbstractTwoInputOperator } from './abstract-two-input-operator.js';

export type CoOperatorKind = 'coMap' | 'coFlatMap' | 'coProcess' | 'keyedCoProcess';

type Fn = Record<string, ((...args: unknown[]) => unknown) | undefined>;

export class CoProcessOperator extends AbstractTwoInputOperator {
  private readonly fn: Fn;
  private readonly collector: TimestampedCollector;
  private readonly keyedTimers: KeyedTimerService | undefined;
  private readonly userTimers: UserTimerService;
  private readonly methods: readonly [string, string];
  private currentTimestamp: number | undefined;
  private domain: TimeDomain | undefined;
  private readonly context;

  constructor(
    ctx: OperatorContext,
    userFunction: unknown,
    private readonly kind: CoOperatorKind,
  ) {
    super(ctx, userFunction);
    this.fn = userFunction as Fn;
    this.methods =
      kind === 'coMap'
        ? ['map1', 'map2']
        : kind === 'coFlatMap'
          ? ['flatMap1', 'flatMap2']
          : ['processElement1', 'processElement2'];
    for (const method of this.methods) {
      if (typeof this.fn[method] !== 'function') {
        throw new UserError(
          'INVALID_FUNCTION',
          `operator '${ctx.operatorName}' needs a function object with ${method}()`,
        );
      }
    }
    this.collector = new TimestampedCollector(this.out);
    this.keyedTimers =
      kind === 'keyedCoProcess' && ctx.keyedStateBackend !== undefined
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
    this.context = {
      timestamp: () => this.currentTimestamp,
      timerService: (): TimerService => this.userTimers,
      output: <X>(tag: OutputTag<X>, value: X) => {
        checkOutputTag(tag);
        this.out.collectSide(tag.id, value, this.currentTimestamp);
      },
      getCurrentKey: () => {
        if (ctx.keyedStateBackend === undefined)
          throw new UserError('NOT_KEYED', 'getCurrentKey() needs keyed connected streams');
        return ctx.keyedStateBackend.getCurrentKey();
      },
      timeDomain: () => {
        if (this.domain === undefined)
          throw new UserError('NOT_IN_TIMER', 'timeDomain() is only available in onTimer()');
        return this.domain;
      },
    };
  }

  processElement1(value: unknown, timestamp: number | undefined): void {
    this.invoke(0, value, timestamp);
  }

  processElement2(value: unknown, timestamp: number | undefined): void {
    this.invoke(1, value, timestamp);
  }

  protected override onWatermark(timestamp: number): void {
    this.keyedTimers?.advanceWatermark(timestamp);
  }

  private invoke(input: 0 | 1, value: unknown, timestamp: number | undefined): void {
    this.currentTimestamp = timestamp;
    this.collector.timestamp = timestamp;
    try {
      if (this.kind === 'keyedCoProcess') {
        if (input === 0) this.setKeyContext(value);
        else this.setKeyContext2(value);
      }
      const method = this.fn[this.methods[input]]!;
      if (this.kind === 'coMap') this.out.collect(method.call(this.fn, value), timestamp);
      else if (this.kind === 'coFlatMap') method.call(this.fn, value, this.collector);
      else method.call(this.fn, value, this.context, this.collector);
    } catch (error) {
      throw this.fail(error);
    }
  }

  private fireTimer(timestamp: number, domain: TimeDomain): void {
    this.currentTimestamp = timestamp;
    this.collector.timestamp = domain === TimeDomain.EVENT_TIME ? timestamp : undefined;
    this.domain = domain;
    try {
      this.fn['onTimer']?.call(this.fn, timestamp, this.context, this.collector);
    } catch (error) {
      throw this.fail(error);
    } finally {
      this.domain = undefined;
    }
  }
}
