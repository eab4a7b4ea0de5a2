/**
 * Where an operator's results go (Flink's Output): the next chained operators, called directly,
 * and/or network record writers. Watermarks and watermark status go to every output, side
 * outputs included; records go to the main targets, side-output records only to their tag's.
 */
import type { WatermarkStatus } from '../../api/watermark/watermark-status.js';

export interface Output {
  collect(value: unknown, timestamp: number | undefined): void;
  /** Emits to the side output `tag`; dropped when nothing consumes that tag. */
  collectSide(tag: string, value: unknown, timestamp: number | undefined): void;
  emitWatermark(timestamp: number): void;
  emitWatermarkStatus(status: WatermarkStatus): void;
}

/** Anything an output can feed: a chained operator or a record writer. */
export interface RecordTarget {
  processElement(value: unknown, timestamp: number | undefined): void;
  processWatermark(timestamp: number): void;
  processWatermarkStatus(status: WatermarkStatus): void;
}

/** The common case: exactly one main target and no side outputs, one direct call per record. */
class SingleTargetOutput implements Output {
  constructor(private readonly target: RecordTarget) {}

  collect(value: unknown, timestamp: number | undefined): void {
    this.target.processElement(value, timestamp);
  }
  collectSide(): void {}
  emitWatermark(timestamp: number): void {
    this.target.processWatermark(timestamp);
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.target.processWatermarkStatus(status);
  }
}

/** Several main targets and/or side outputs. */
class BroadcastingOutput implements Output {
  private readonly all: readonly RecordTarget[];

  constructor(
    private readonly main: readonly RecordTarget[],
    private readonly side: ReadonlyMap<string, readonly RecordTarget[]>,
  ) {
    this.all = [...new Set([...main, ...[...side.values()].flat()])];
  }

  collect(value: unknown, timestamp: number | undefined): void {
    const targets = this.main;
    for (let i = 0; i < targets.length; i++) targets[i]!.processElement(value, timestamp);
  }

  collectSide(tag: string, value: unknown, timestamp: number | undefined): void {
    const targets = this.side.get(tag);
    if (targets === undefined) return;
    for (let i = 0; i < targets.length; i++) targets[i]!.processElement(value, timestamp);
  }

  emitWatermark(timestamp: number): void {
    for (const target of this.all) target.processWatermark(timestamp);
  }

  emitWatermarkStatus(status: WatermarkStatus): void {
    for (const target of this.all) target.processWatermarkStatus(status);
  }
}

export function createOutput(
  main: readonly RecordTarget[],
  side: ReadonlyMap<string, readonly RecordTarget[]>,
): Output {
  if (main.length === 1 && side.size === 0) return new SingleTargetOutput(main[0]!);
  return new BroadcastingOutput(main, side);
}
