/**
 * The head of a source chain (Flink's SourceOperator): the ReaderOutput its reader polls into gives
 * records their event timestamps and runs the source's watermark generators — one per split output
 * the reader creates, combined into the source's watermark (ProgressiveTimestampsAndWatermarks);
 * watermarks are emitted periodically (`pipeline.auto-watermark-interval`) and MAX_WATERMARK at the
 * end of a bounded input. A source stopped with a savepoint but not drained pauses its periodic
 * watermarks, so none follows the barrier. Checkpoint completion reaches the reader through it.
 *
 * Also the TimestampsAndWatermarks operator of `assignTimestampsAndWatermarks`, which does the same
 * in the middle of a stream with one generator.
 */
import type { ReaderOutput, SourceOutput, SourceReader } from '../../api/connector/source.js';
import type { WatermarkStrategy } from '../../api/watermark/watermark-strategy.js';
import { ProgressiveTimestampsAndWatermarks } from './watermark/progressive-timestamps-and-watermarks.js';
import { AbstractStreamOperator } from './abstract-stream-operator.js';
import type { Output } from './output.js';
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

/** The source head: timestamps and per-split watermarks of what the task's reader polls. */
export class SourceOperator extends AbstractStreamOperator {
  private readonly eventTime: ProgressiveTimestampsAndWatermarks<unknown>;
  private readonly output: ReaderOutput<unknown>;
  private readonly passThrough: boolean;
  private cancelTimer: (() => void) | undefined;
  private reader: Pick<SourceReader<unknown, unknown>, 'notifyCheckpointComplete'> | undefined;
  private closed = false;
  private paused = false;

  constructor(ctx: OperatorContext, strategy: WatermarkStrategy<unknown>) {
    super(ctx);
    this.passThrough = strategy.isPassThrough();
    const clock = { currentTimeMillis: () => ctx.processingTimeService.getCurrentProcessingTime() };
    this.eventTime = new ProgressiveTimestampsAndWatermarks(strategy, clock, {
      emitRecord: (value, timestamp) => this.out.collect(value, timestamp),
      emitWatermark: (timestamp) => this.out.emitWatermark(timestamp),
      emitWatermarkStatus: (status) => this.out.emitWatermarkStatus(status),
    });
    this.output = this.passThrough
      ? passThroughOutput(this.eventTime.readerOutput, this.out)
      : this.eventTime.readerOutput;
  }

  /** The output the task's reader polls into. */
  readerOutput(): ReaderOutput<unknown> {
    return this.output;
  }

  /** The reader whose checkpoint notifications go through this operator. */
  attachReader(reader: Pick<SourceReader<unknown, unknown>, 'notifyCheckpointComplete'>): void {
    this.reader = reader;
  }

  override open(): Promise<void> {
    if (!this.passThrough) this.schedulePeriodicEmit();
    return Promise.resolve();
  }

  /** A record of the reader's main output. */
  processElement(value: unknown, timestamp: number | undefined): void {
    this.output.collect(value, timestamp);
  }

  /** The source's input ended. */
  endOfSourceInput(): void {
    this.eventTime.endOfInput();
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await this.reader?.notifyCheckpointComplete?.(checkpointId);
  }

  override close(): Promise<void> {
    this.closed = true;
    this.cancelTimer?.();
    return Promise.resolve();
  }

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

  private schedulePeriodicEmit(): void {
    const interval = this.ctx.autoWatermarkInterval;
    if (interval <= 0 || this.closed) return;
    const service = this.ctx.processingTimeService;
    this.cancelTimer = service.registerTimer(service.getCurrentProcessingTime() + interval, () => {
      try {
        this.eventTime.onPeriodicEmit();
      } catch (error) {
        throw this.fail(error);
      }
      this.schedulePeriodicEmit();
    });
  }
}

/**
 * A strategy without timestamps or watermarks: records pass through untouched, from the main and
 * every split output; watermarks and idleness the reader signals still count.
 */
function passThroughOutput(eventTime: ReaderOutput<unknown>, out: Output): ReaderOutput<unknown> {
  const collect = (record: unknown, timestamp?: number): void => out.collect(record, timestamp);
  return {
    ...eventTime,
    collect,
    createOutputForSplit: (splitId): SourceOutput<unknown> => {
      const split = eventTime.createOutputForSplit(splitId);
      return {
        collect,
        emitWatermark: (watermark) => split.emitWatermark?.(watermark),
        markIdle: () => split.markIdle(),
        markActive: () => split.markActive(),
      };
    },
  };
}
