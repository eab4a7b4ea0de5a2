import { Watermark } from '../../../api/watermark/watermark.js';
import type {
  WatermarkGenerator,
  WatermarkGeneratorSupplierContext,
  WatermarkOutput,
} from '../../../api/watermark/watermark-generator.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';
import type {
  TimestampAssignerFunction,
  WatermarkStrategy,
} from '../../../api/watermark/watermark-strategy.js';
import { NO_TIMESTAMP } from '../../../api/watermark/timestamp-assigner.js';

/** Where a {@link WatermarkEmitter} sends records, watermarks and statuses, in order. */
export interface WatermarkEmitterOutput<T> {
  emitRecord(value: T, timestamp: number | undefined): void;
  emitWatermark(timestamp: number): void;
  emitWatermarkStatus(status: WatermarkStatus): void;
}

const MIN = Watermark.MIN_WATERMARK.timestamp;
const MAX = Watermark.MAX_WATERMARK.timestamp;

/**
 * The {@link WatermarkOutput} generators write to (Flink's `WatermarkToDataOutput`): forwards a
 * watermark only if it is higher than every one before, and each idle/active transition once.
 * An advancing watermark while idle first makes the output active again.
 */
class DedupingWatermarkOutput<T> implements WatermarkOutput {
  maxWatermarkSoFar = MIN;
  isIdle = false;

  constructor(private readonly output: WatermarkEmitterOutput<T>) {}

  emitWatermark(watermark: Watermark): void {
    this.emitWatermarkTimestamp(watermark.timestamp);
  }

  emitWatermarkTimestamp(timestamp: number): void {
    if (timestamp <= this.maxWatermarkSoFar) return;
    this.maxWatermarkSoFar = timestamp;
    this.markActive();
    this.output.emitWatermark(timestamp);
  }

  markIdle(): void {
    if (this.isIdle) return;
    this.isIdle = true;
    this.output.emitWatermarkStatus(WatermarkStatus.IDLE);
  }

  markActive(): void {
    if (!this.isIdle) return;
    this.isIdle = false;
    this.output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
  }
}

/**
 * The pure core of Flink's `TimestampsAndWatermarksOperator` (and of a source's event-time
 * logic): assigns each record its event timestamp and runs the strategy's watermark generator.
 *
 * - `processElement` emits the record with its new timestamp, then calls `onEvent`, so a
 *   watermark the generator emits for an event goes out right after that event's record;
 * - `onPeriodicEmit` is called by the task every `pipeline.auto-watermark-interval` ms;
 * - `endOfInput` emits MAX_WATERMARK;
 * - no watermark is emitted unless it is higher than the last one; idle/active transitions are
 *   forwarded once.
 *
 * Time comes only from the injected clock; the task owns the periodic timer.
 */
export class WatermarkEmitter<T> {
  private readonly timestampAssigner: TimestampAssignerFunction<T>;
  private readonly generator: WatermarkGenerator<T>;
  private readonly watermarkOutput: DedupingWatermarkOutput<T>;

  constructor(
    strategy: WatermarkStrategy<T>,
    clock: WatermarkGeneratorSupplierContext,
    private readonly output: WatermarkEmitterOutput<T>,
  ) {
    this.timestampAssigner = strategy.createTimestampAssigner();
    this.generator = strategy.createWatermarkGenerator(clock);
    this.watermarkOutput = new DedupingWatermarkOutput(output);
  }

  /**
   * One record: `recordTimestamp` is the timestamp it carries (`undefined` if none). A user
   * assigner that returns a non-number throws a `UserError` coded `INVALID_TIMESTAMP` before
   * anything is emitted.
   */
  processElement(value: T, recordTimestamp: number | undefined): void {
    const timestamp = this.timestampAssigner(value, recordTimestamp);
    this.output.emitRecord(value, timestamp);
    this.generator.onEvent(value, timestamp ?? NO_TIMESTAMP, this.watermarkOutput);
  }

  /** The periodic watermark tick. */
  onPeriodicEmit(): void {
    this.generator.onPeriodicEmit(this.watermarkOutput);
  }

  /**
   * A watermark from upstream. Like Flink's operator this one makes its own watermarks, so
   * upstream watermarks are dropped, except MAX_WATERMARK (end of input), which is forwarded.
   */
  processWatermark(timestamp: number): void {
    if (timestamp === MAX) this.watermarkOutput.emitWatermarkTimestamp(MAX);
  }

  /** The input ended: event time is over, so emit MAX_WATERMARK (once). */
  endOfInput(): void {
    this.watermarkOutput.emitWatermarkTimestamp(MAX);
  }

  /** The last watermark emitted (MIN_WATERMARK before the first), for the watermark gauge. */
  getCurrentWatermark(): number {
    return this.watermarkOutput.maxWatermarkSoFar;
  }

  /** Whether the last status emitted was IDLE. */
  isIdle(): boolean {
    return this.watermarkOutput.isIdle;
  }
}
