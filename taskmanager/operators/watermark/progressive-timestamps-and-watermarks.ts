/**
 * A source's event time (Flink's ProgressiveTimestampsAndWatermarks with its SplitLocalOutputs):
 * the ReaderOutput its reader polls into. Every record gets its timestamp from the strategy's
 * assigner; the reader's main output and each split output (`createOutputForSplit`) run their own
 * watermark generator from the strategy (idleness included), and a WatermarkOutputMultiplexer
 * combines them: the source's watermark is the minimum over the active outputs, it is idle when all
 * are, and a released split output stops holding it back. The main output takes part while no
 * split output was created, and again once a record is collected through it.
 *
 * Time comes only from the injected clock; the operator calls `onPeriodicEmit` on its timer.
 */
import type { ReaderOutput, SourceOutput } from '../../../api/connector/source.js';
import type {
  WatermarkGenerator,
  WatermarkGeneratorSupplierContext,
  WatermarkOutput,
} from '../../../api/watermark/watermark-generator.js';
import type { Watermark } from '../../../api/watermark/watermark.js';
import type {
  TimestampAssignerFunction,
  WatermarkStrategy,
} from '../../../api/watermark/watermark-strategy.js';
import { NO_TIMESTAMP } from '../../../api/watermark/timestamp-assigner.js';
import type { WatermarkEmitterOutput } from './timestamps-and-watermarks.js';
import { WatermarkOutputMultiplexer } from './watermark-output-multiplexer.js';

const MAIN_OUTPUT = '\u0000main';

/** One output (main or split): its generator writes into its slot of the multiplexer. */
class LocalOutput<T> implements SourceOutput<T> {
  private readonly generator: WatermarkGenerator<T>;
  readonly watermarkOutput: WatermarkOutput;

  constructor(
    id: string,
    private readonly owner: ProgressiveTimestampsAndWatermarks<T>,
    generator: WatermarkGenerator<T>,
  ) {
    this.generator = generator;
    const multiplexer = owner.multiplexer;
    this.watermarkOutput = {
      emitWatermark: (watermark) => multiplexer.emitWatermark(id, watermark.timestamp),
      markIdle: () => multiplexer.markIdle(id),
      markActive: () => multiplexer.markActive(id),
    };
  }

  collect(record: T, timestamp?: number): void {
    const assigned = this.owner.assignTimestamp(record, timestamp);
    this.owner.output.emitRecord(record, assigned);
    this.generator.onEvent(record, assigned ?? NO_TIMESTAMP, this.watermarkOutput);
  }

  emitWatermark(watermark: Watermark): void {
    this.watermarkOutput.emitWatermark(watermark);
  }

  markIdle(): void {
    this.watermarkOutput.markIdle();
  }

  markActive(): void {
    this.watermarkOutput.markActive();
  }

  onPeriodicEmit(): void {
    this.generator.onPeriodicEmit(this.watermarkOutput);
  }
}

export class ProgressiveTimestampsAndWatermarks<T> {
  readonly multiplexer: WatermarkOutputMultiplexer;
  /** The output `pollNext` gets. */
  readonly readerOutput: ReaderOutput<T>;
  private readonly assigner: TimestampAssignerFunction<T>;
  private readonly main: LocalOutput<T>;
  private readonly splits = new Map<string, LocalOutput<T>>();
  private splitOutputsCreated = false;

  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    private readonly clock: WatermarkGeneratorSupplierContext,
    readonly output: WatermarkEmitterOutput<T>,
  ) {
    this.assigner = strategy.createTimestampAssigner();
    this.multiplexer = new WatermarkOutputMultiplexer(output);
    this.main = new LocalOutput(MAIN_OUTPUT, this, strategy.createWatermarkGenerator(clock));
    this.multiplexer.register(MAIN_OUTPUT);
    const main = this.main;
    this.readerOutput = {
      collect: (record, timestamp) => {
        if (this.splitOutputsCreated && !this.multiplexer.isRegistered(MAIN_OUTPUT))
          this.multiplexer.register(MAIN_OUTPUT);
        main.collect(record, timestamp);
      },
      emitWatermark: (watermark) => main.emitWatermark(watermark),
      markIdle: () => main.markIdle(),
      markActive: () => main.markActive(),
      createOutputForSplit: (splitId) => this.createOutputForSplit(splitId),
      releaseOutputForSplit: (splitId) => this.releaseOutputForSplit(splitId),
    };
  }

  /** The record's event timestamp (a user assigner's result is checked: INVALID_TIMESTAMP). */
  assignTimestamp(record: T, timestamp: number | undefined): number | undefined {
    return this.assigner(record, timestamp);
  }

  /** The periodic watermark tick: every output's generator. */
  onPeriodicEmit(): void {
    if (this.multiplexer.isRegistered(MAIN_OUTPUT)) this.main.onPeriodicEmit();
    for (const split of this.splits.values()) split.onPeriodicEmit();
  }

  /** The input ended: event time is over (MAX_WATERMARK, once). */
  endOfInput(): void {
    this.multiplexer.emitFinalWatermark();
  }

  /** The last watermark emitted (MIN_WATERMARK before the first). */
  getCurrentWatermark(): number {
    return this.multiplexer.currentWatermark;
  }

  isIdle(): boolean {
    return this.multiplexer.isIdle;
  }

  private createOutputForSplit(splitId: string): SourceOutput<T> {
    let split = this.splits.get(splitId);
    if (split !== undefined) return split;
    split = new LocalOutput(splitId, this, this.strategy.createWatermarkGenerator(this.clock));
    this.splits.set(splitId, split);
    this.multiplexer.register(splitId);
    // The main output held the watermark only while the reader used no split outputs.
    if (!this.splitOutputsCreated) {
      this.splitOutputsCreated = true;
      this.multiplexer.unregister(MAIN_OUTPUT);
    }
    return split;
  }

  private releaseOutputForSplit(splitId: string): void {
    if (!this.splits.delete(splitId)) return;
    this.multiplexer.unregister(splitId);
  }
}
