import { UserError } from '../../common/errors/freshet-error.js';
import { Watermark } from './watermark.js';

/**
 * Where a {@link WatermarkGenerator} sends what it decides (Flink's `WatermarkOutput`). The
 * runtime behind it drops watermarks that do not advance event time and forwards each idle/active
 * transition once, so generators may call these freely.
 */
export interface WatermarkOutput {
  /** Emits `watermark`; ignored unless it is higher than every watermark emitted before. */
  emitWatermark(watermark: Watermark): void;
  /** Marks this output idle: downstream tasks stop waiting for its watermarks. */
  markIdle(): void;
  /** Marks this output active again (emitting an advancing watermark does so as well). */
  markActive(): void;
}

/**
 * Decides watermarks from the events it sees (Flink's `WatermarkGenerator`): `onEvent` runs for
 * every record, right after the record went out; `onPeriodicEmit` runs every
 * `pipeline.auto-watermark-interval` milliseconds. A generator may emit from either.
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/**
 * What a generator gets when it is created (a minimal Flink `WatermarkGeneratorSupplier.Context`):
 * the task's clock, so generators that measure time (idleness) never read a real timer.
 */
export interface WatermarkGeneratorSupplierContext {
  /** The current processing time in milliseconds. */
  currentTimeMillis(): number;
}

/**
 * Checks a duration argument of the watermark API: a whole, finite number of milliseconds of at
 * least `minimum`. Throws a `UserError` coded `INVALID_WATERMARK_STRATEGY` otherwise.
 */
export function checkDurationMillis(what: string, ms: number, minimum: 0 | 1): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < minimum) {
    const range = minimum === 0 ? 'zero or more' : 'greater than zero';
    throw new UserError(
      'INVALID_WATERMARK_STRATEGY',
      `${what} must be a whole number of milliseconds, ${range}; got ${String(ms)}`,
    );
  }
  return ms;
}

/**
 * Watermarks for events that arrive at most `maxOutOfOrderness` ms late relative to the highest
 * timestamp seen so far (Flink's `BoundedOutOfOrdernessWatermarks`). The periodic watermark is
 * `maxSeen - maxOutOfOrderness - 1`: an event exactly `maxOutOfOrderness` behind the maximum is
 * still on time.
 */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private readonly outOfOrdernessMillis: number;
  /** Starts so that the first periodic watermark is exactly MIN_WATERMARK (no underflow). */
  private maxTimestamp: number;

  constructor(maxOutOfOrderness: number) {
    this.outOfOrdernessMillis = checkDurationMillis('maxOutOfOrderness', maxOutOfOrderness, 0);
    this.maxTimestamp = Watermark.MIN_WATERMARK.timestamp + this.outOfOrdernessMillis + 1;
  }

  onEvent(_event: T, eventTimestamp: number, _output: WatermarkOutput): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    output.emitWatermark(new Watermark(this.maxTimestamp - this.outOfOrdernessMillis - 1));
  }
}

/**
 * Watermarks for timestamps that never decrease (Flink's `AscendingTimestampsWatermarks`): the
 * bounded generator with a bound of 0, so the watermark trails the highest timestamp by 1 ms.
 */
export class AscendingTimestampsWatermarks<T> extends BoundedOutOfOrdernessWatermarks<T> {
  constructor() {
    super(0);
  }
}

/** Emits no watermarks at all (Flink's `NoWatermarksGenerator`), for processing-time jobs. */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(_event: T, _eventTimestamp: number, _output: WatermarkOutput): void {}

  onPeriodicEmit(_output: WatermarkOutput): void {}
}

/**
 * Flink's `IdlenessTimer`: counts activity cheaply (no clock read per record) and starts the
 * inactivity clock at the first periodic check that finds no activity since the previous one.
 * The input is idle once more than `idleTimeout` ms passed since that check; so idleness is
 * noticed between `idleTimeout` and `idleTimeout + one periodic interval` after the last event.
 */
export class IdlenessTimer {
  private counter = 0;
  private lastCounter = 0;
  private startOfInactivity: number | undefined = undefined;

  constructor(
    private readonly clock: WatermarkGeneratorSupplierContext,
    private readonly idleTimeout: number,
  ) {}

  activity(): void {
    this.counter++;
  }

  checkIfIdle(): boolean {
    if (this.counter !== this.lastCounter) {
      // Activity since the last check: reset the timer.
      this.lastCounter = this.counter;
      this.startOfInactivity = undefined;
      return false;
    }
    const now = this.clock.currentTimeMillis();
    if (this.startOfInactivity === undefined) {
      // First check without activity: start measuring from here.
      this.startOfInactivity = now;
      return false;
    }
    return now - this.startOfInactivity > this.idleTimeout;
  }
}

/**
 * Wraps a generator and marks the output idle when no events arrived for `idleTimeout` ms
 * (Flink's `WatermarksWithIdleness`, measured with {@link IdlenessTimer}). While idle the wrapped
 * generator's periodic watermarks are held back; the next event marks the output active again
 * (before the wrapped generator sees it).
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private readonly idlenessTimer: IdlenessTimer;
  private isIdleNow = false;

  constructor(
    private readonly watermarks: WatermarkGenerator<T>,
    idleTimeout: number,
    clock: WatermarkGeneratorSupplierContext,
  ) {
    this.idlenessTimer = new IdlenessTimer(clock, checkDurationMillis('idleTimeout', idleTimeout, 1));
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    if (this.isIdleNow) {
      this.isIdleNow = false;
      output.markActive();
    }
    this.watermarks.onEvent(event, eventTimestamp, output);
    this.idlenessTimer.activity();
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.idlenessTimer.checkIfIdle()) {
      if (!this.isIdleNow) {
        this.isIdleNow = true;
        output.markIdle();
      }
    } else {
      this.watermarks.onPeriodicEmit(output);
    }
  }
}
