/**
 * Interval join (Flink's IntervalJoinOperator): per key, both sides are buffered by timestamp in
 * keyed map state; a left element at t joins every buffered right element in [t + lower,
 * t + upper] and a right element joins the left elements whose window covers it. A joined pair
 * carries max(leftTs, rightTs). Buffers are cleaned up by event-time timers once the watermark
 * makes further matches impossible; elements behind the watermark are late (dropped or sent to
 * the side outputs).
 */
import type { OutputTag } from '../../../api/datastream/output-tag.js';
import type { ProcessJoinContext } from '../../../api/functions/co-functions.js';
import type { IntervalJoinSpec } from '../../../api/graph/operator-descriptor.js';
import { MapStateDescriptor } from '../../../api/state/state-descriptor.js';
import type { MapState } from '../../../api/state/state.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import { NO_WATERMARK } from '../abstract-stream-operator.js';
import { copyUserFunction } from '../abstract-udf-operator.js';
import { KeyedTimerService } from '../keyed-timer-service.js';
import { TimestampedCollector } from '../simple-operators.js';
import type { OperatorContext } from '../stream-operator.js';
import { AbstractTwoInputOperator } from './abstract-two-input-operator.js';

const CLEANUP_LEFT = 'CLEANUP_LEFT';
const CLEANUP_RIGHT = 'CLEANUP_RIGHT';

interface BufferEntry {
  readonly element: unknown;
  hasBeenJoined: boolean;
}

export class IntervalJoinOperator extends AbstractTwoInputOperator implements ProcessJoinContext {
  private readonly timers: KeyedTimerService;
  private readonly collector: TimestampedCollector;
  private left!: MapState<number, BufferEntry[]>;
  private right!: MapState<number, BufferEntry[]>;
  private leftTimestamp = 0;
  private rightTimestamp = 0;
  private resultTimestamp = 0;

  constructor(
    ctx: OperatorContext,
    private readonly spec: IntervalJoinSpec,
  ) {
    super(ctx, copyUserFunction(spec.fn));
    this.collector = new TimestampedCollector(this.out);
    this.timers = new KeyedTimerService(
      ctx.keyedStateBackend!,
      ctx.processingTimeService,
      (timer) => this.onCleanup(timer.namespace, timer.timestamp),
      () => {},

      ctx.timerServices,
    );
  }

  override async open(): Promise<void> {
    await super.open();
    this.left = this.ctx.runtimeContext.getMapState(
      new MapStateDescriptor<number, BufferEntry[]>('LEFT_BUFFER'),
    );
    this.right = this.ctx.runtimeContext.getMapState(
      new MapStateDescriptor<number, BufferEntry[]>('RIGHT_BUFFER'),
    );
  }

  processElement1(value: unknown, timestamp: number | undefined): void {
    try {
      this.setKeyContext(value);
      this.join(value, timestamp, true);
    } catch (error) {
      throw this.fail(error);
    }
  }

  processElement2(value: unknown, timestamp: number | undefined): void {
    try {
      this.setKeyContext2(value);
      this.join(value, timestamp, false);
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected override onWatermark(timestamp: number): void {
    this.timers.advanceWatermark(timestamp);
  }

  private join(value: unknown, timestamp: number | undefined, isLeft: boolean): void {
    if (timestamp === undefined) {
      throw new UserError(
        'MISSING_TIMESTAMP',
        'elements of an interval join need event timestamps: use assignTimestampsAndWatermarks or a source WatermarkStrategy with a timestamp assigner',
      );
    }
    const { lowerBound, upperBound } = this.spec;
    const relativeLower = isLeft ? lowerBound : -upperBound;
    const relativeUpper = isLeft ? upperBound : -lowerBound;
    const watermark = this.inputWatermark;
    if (watermark !== NO_WATERMARK && timestamp < watermark) {
      const tag = isLeft ? this.spec.leftLateDataTag : this.spec.rightLateDataTag;
      if (tag !== undefined) this.out.collectSide(tag, value, timestamp);
      return;
    }
    const ours = isLeft ? this.left : this.right;
    const others = isLeft ? this.right : this.left;
    const bucket = ours.get(timestamp) ?? [];
    bucket.push({ element: value, hasBeenJoined: false });
    ours.put(timestamp, bucket);
    for (const [otherTimestamp, entries] of others.entries()) {
      if (otherTimestamp < timestamp + relativeLower || otherTimestamp > timestamp + relativeUpper) continue;
      for (const entry of entries) {
        entry.hasBeenJoined = true;
        if (isLeft) this.emit(value, entry.element, timestamp, otherTimestamp);
        else this.emit(entry.element, value, otherTimestamp, timestamp);
      }
    }
    const cleanupTime = relativeUpper > 0 ? timestamp + relativeUpper : timestamp;
    this.timers.registerEventTimeTimer(isLeft ? CLEANUP_LEFT : CLEANUP_RIGHT, cleanupTime);
  }

  private emit(left: unknown, right: unknown, leftTimestamp: number, rightTimestamp: number): void {
    this.leftTimestamp = leftTimestamp;
    this.rightTimestamp = rightTimestamp;
    this.resultTimestamp = Math.max(leftTimestamp, rightTimestamp);
    this.collector.timestamp = this.resultTimestamp;
    (
      this.userFunction as {
        processElement(l: unknown, r: unknown, c: ProcessJoinContext, o: TimestampedCollector): void;
      }
    ).processElement(left, right, this, this.collector);
  }

  private onCleanup(namespace: string, timerTimestamp: number): void {
    const { lowerBound, upperBound } = this.spec;
    if (namespace === CLEANUP_LEFT) {
      this.left.remove(upperBound <= 0 ? timerTimestamp : timerTimestamp - upperBound);
    } else {
      this.right.remove(lowerBound <= 0 ? timerTimestamp + lowerBound : timerTimestamp);
    }
  }

  getLeftTimestamp(): number {
    return this.leftTimestamp;
  }
  getRightTimestamp(): number {
    return this.rightTimestamp;
  }
  getTimestamp(): number {
    return this.resultTimestamp;
  }
  output<X>(outputTag: OutputTag<X>, value: X): void {
    this.out.collectSide(outputTag.id, value, this.resultTimestamp);
  }
}
