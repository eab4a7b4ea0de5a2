/**
 * How a source (or `assignTimestampsAndWatermarks`) derives event timestamps and watermarks.
 * The event-time issue fills in generators; here the strategy records what the author chose.
 */
export type TimestampAssigner<T> =
  | ((event: T, recordTimestamp: number | undefined) => number)
  | { extractTimestamp(event: T, recordTimestamp: number | undefined): number };

export class WatermarkStrategy<T> {
  private constructor(
    readonly kind: 'none' | 'monotonous' | 'bounded',
    readonly maxOutOfOrderness: number,
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    readonly idleTimeout: number | undefined,
  ) {}

  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>('none', 0, undefined, undefined);
  }

  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.kind, this.maxOutOfOrderness, assigner, this.idleTimeout);
  }
}
