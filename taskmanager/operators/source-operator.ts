/**
 * The head of a source chain (Flink's SourceOperator): records polled from the task's reader get
 * their event timestamps and drive the watermark generator of the source's WatermarkStrategy;
 * watermarks are emitted periodically (`pipeline.auto-watermark-interval`) and MAX_WATERMARK at
 * the end of a bounded input. Also the TimestampsAndWatermarks operator of
 * `assignTimestampsAndWatermarks`, which does the same in the middle of a stream. A source stopped
 * with a savepoint but not drained pauses its periodic watermarks, so none follows the barrier.
 */
import type { WatermarkStrategy } from '../../api/watermark/watermark-strategy.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { OperatorContext } from './stream-operator.js';
import { WatermarkEmitter } from './watermark/timestamps-and-watermarks.js';

export class TimestampsAndWatermarksOperator extends AbstractStreamOperator {
  private readonly emitter: WatermarkEmitter<unknown>;
  protected readonly passThrough: boolean;
  protected cancelTimer: (() => void) | undefined;
  private closed = false;

  constructor(ctx: OperatorContext, strategy: WatermarkStrategy<unknown>) {
    super(ctx);
    this.passThrough = strategy.isPassThrough();
    const clock = { currentTimeMillis: () => ctx.processingTimeService.getCurrentProcessingTime() };
    this.emitter = new WatermarkEmitter(strategy, clock, {
      emitRecord: (value, timestamp) => this.out.collect(value, timestamp),
      emitWatermark: (timestamp) => this.out.emitWatermark(timestamp),
      emitWatermarkStatus: (status) => this.out.emitWatermarkStatus(status),
    });
  }

  override open(): Promise<void> {
    if (!this.passThrough) this.schedulePeriodicEmit();
    return Promise.resolve();
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    if (this.passThrough) {
      this.out.collect(value, timestamp);
      return;
    }
    try {
      this.emitter.processElement(value, timestamp);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** This operator makes its own watermarks: upstream ones are dropped, except the end-of-input MAX. */
  override processWatermark(timestamp: number): void {
    this.emitter.processWatermark(timestamp);
  }

  override processWatermarkStatus(): void {}

  /** The source's input ended. */
  endOfSourceInput(): void {
    this.emitter.endOfInput();
  }

  override close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    return Promise.resolve();
  }

  protected schedulePeriodicEmit(): void {
    const interval = this.ctx.autoWatermarkInterval;
    if (interval <= 0 || this.closed) return;
    const service = this.ctx.processingTimeService;
    this.cancelTimer = service.registerTimer(service.getCurrentProcessingTime() + interval, () => {
      try {
        this.emitter.onPeriodicEmit();
      } catch (error) {
        throw this.fail(error);
      }
      this.schedulePeriodicEmit();
    });
  }
}

/** The source head: the same timestamp/watermark logic, fed by the task's source reader. */
export class SourceOperator extends TimestampsAndWatermarksOperator {
  private paused = false;

  /** Stop-with-savepoint without drain: no watermark may follow the savepoint's barrier. */
  pauseWatermarks(): void {
    this.paused = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** The stop's savepoint failed: the source goes on, and so do its periodic watermarks. */
  resumeWatermarks(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.passThrough) this.schedulePeriodicEmit();
  }
}
