import {
  AscendingTimestampsWatermarks,
  BoundedOutOfOrdernessWatermarks,
  checkDurationMillis,
  NoWatermarksGenerator,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkGeneratorSupplierContext,
} from './watermark-generator.js';
import {
  checkedTimestampAssigner,
  recordTimestampAssigner,
  type TimestampAssigner,
  type TimestampAssignerFunction,
} from './timestamp-assigner.js';

export type { TimestampAssigner, TimestampAssignerFunction } from './timestamp-assigner.js';

/** Creates a fresh generator for one source split / operator instance. */
export type WatermarkGeneratorSupplier<T> = (
  context: WatermarkGeneratorSupplierContext,
) => WatermarkGenerator<T>;

/**
 * How a source (or `assignTimestampsAndWatermarks`) derives event timestamps and watermarks
 * (Flink's `WatermarkStrategy`). A strategy is an immutable recipe: every `with*` method returns a
 * new strategy, and each parallel instance asks it for its own generator and assigner.
 *
 * ```ts
 * WatermarkStrategy.forBoundedOutOfOrderness<Click>(5_000)
 *   .withTimestampAssigner((click) => click.at)
 *   .withIdleness(60_000);
 * ```
 */
const NO_WATERMARKS_SUPPLIER: WatermarkGeneratorSupplier<unknown> = () =>
  new NoWatermarksGenerator<unknown>();

export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorSupplier: WatermarkGeneratorSupplier<T>,
    private readonly timestampAssigner: TimestampAssigner<T> | undefined,
    private readonly idleTimeout: number | undefined,
  ) {}

  /**
   * Events arrive at most `maxOutOfOrderness` ms out of order; the watermark is
   * `maxSeen - maxOutOfOrderness - 1`. Throws a `UserError` for a negative or fractional bound.
   */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: number): WatermarkStrategy<T> {
    const bound = checkDurationMillis('maxOutOfOrderness', maxOutOfOrderness, 0);
    return new WatermarkStrategy<T>(
      () => new BoundedOutOfOrdernessWatermarks<T>(bound),
      undefined,
      undefined,
    );
  }

  /** Timestamps never decrease; the watermark is `maxSeen - 1`. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new AscendingTimestampsWatermarks<T>(), undefined, undefined);
  }

  /** No watermarks: for processing-time jobs (records keep whatever timestamps they have). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(NO_WATERMARKS_SUPPLIER, undefined, undefined);
  }

  /**
   * True when this strategy neither assigns timestamps nor makes watermarks: a source can then
   * pass records through untouched (only the end-of-input MAX_WATERMARK is still emitted).
   */
  isPassThrough(): boolean {
    return (
      this.generatorSupplier === NO_WATERMARKS_SUPPLIER &&
      this.timestampAssigner === undefined &&
      this.idleTimeout === undefined
    );
  }

  /** A custom generator, created once per parallel instance. */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(supplier, undefined, undefined);
  }

  /**
   * Takes event timestamps from `assigner` instead of the timestamp the record already carries.
   * Replaces an earlier assigner.
   */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.generatorSupplier, assigner, this.idleTimeout);
  }

  /**
   * Marks the stream idle after `idleTimeout` ms without events, so downstream tasks stop waiting
   * for its watermarks; the next event makes it active again. Must be greater than zero. Calling
   * it again replaces the timeout (it does not stack).
   */
  withIdleness(idleTimeout: number): WatermarkStrategy<T> {
    const timeout = checkDurationMillis('idleTimeout', idleTimeout, 1);
    return new WatermarkStrategy<T>(this.generatorSupplier, this.timestampAssigner, timeout);
  }

  /** A new generator for one parallel instance; `context` supplies the task's clock. */
  createWatermarkGenerator(context: WatermarkGeneratorSupplierContext): WatermarkGenerator<T> {
    const generator = this.generatorSupplier(context);
    if (this.idleTimeout === undefined) return generator;
    return new WatermarksWithIdleness<T>(generator, this.idleTimeout, context);
  }

  /**
   * The assigner to run per record. Without `withTimestampAssigner` it keeps the record's own
   * timestamp (and `undefined` when it has none); a user assigner's result is checked and a
   * non-finite or non-number result throws a `UserError` coded `INVALID_TIMESTAMP`.
   */
  createTimestampAssigner(): TimestampAssignerFunction<T> {
    if (this.timestampAssigner === undefined) return recordTimestampAssigner;
    return checkedTimestampAssigner(this.timestampAssigner);
  }
}
