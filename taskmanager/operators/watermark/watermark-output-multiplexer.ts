/**
 * Combines the watermarks of several outputs of one source reader into the source's watermark
 * (Flink's WatermarkOutputMultiplexer with its CombinedWatermarkStatus): each registered output
 * has its own watermark (MIN_WATERMARK until it emits one) and idleness; the combined watermark
 * is the minimum over the active outputs and never goes back; when every output is idle the
 * combined output is idle. An output that is unregistered no longer holds anything back. With no
 * outputs at all nothing changes. Pure and synchronous.
 */
import { Watermark } from '../../../api/watermark/watermark.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';

/** Where the combined watermark and status go (each transition and each advance once). */
export interface CombinedWatermarkOutput {
  emitWatermark(timestamp: number): void;
  emitWatermarkStatus(status: WatermarkStatus): void;
}

interface PartialWatermark {
  watermark: number;
  idle: boolean;
}

const MIN = Watermark.MIN_WATERMARK.timestamp;

export class WatermarkOutputMultiplexer {
  private readonly outputs = new Map<string, PartialWatermark>();
  private combinedWatermark = MIN;
  private combinedIdle = false;

  constructor(private readonly underlying: CombinedWatermarkOutput) {}

  /** The last combined watermark emitted (MIN_WATERMARK before the first). */
  get currentWatermark(): number {
    return this.combinedWatermark;
  }

  get isIdle(): boolean {
    return this.combinedIdle;
  }

  isRegistered(id: string): boolean {
    return this.outputs.has(id);
  }

  /** A new output, active, at MIN_WATERMARK (registering an existing ID keeps it as it is). */
  register(id: string): void {
    if (!this.outputs.has(id)) this.outputs.set(id, { watermark: MIN, idle: false });
    this.update();
  }

  unregister(id: string): void {
    if (this.outputs.delete(id)) this.update();
  }

  /** Output `id` reached `timestamp` (it is active again); ignored for an unregistered output. */
  emitWatermark(id: string, timestamp: number): void {
    const output = this.outputs.get(id);
    if (output === undefined) return;
    if (timestamp > output.watermark) output.watermark = timestamp;
    output.idle = false;
    this.update();
  }

  markIdle(id: string): void {
    this.setIdle(id, true);
  }

  markActive(id: string): void {
    this.setIdle(id, false);
  }

  /** Event time is over for the whole reader (end of input): MAX_WATERMARK, once. */
  emitFinalWatermark(): void {
    this.emitCombined(Watermark.MAX_WATERMARK.timestamp);
  }

  private setIdle(id: string, idle: boolean): void {
    const output = this.outputs.get(id);
    if (output === undefined || output.idle === idle) return;
    output.idle = idle;
    this.update();
  }

  private update(): void {
    if (this.outputs.size === 0) return;
    let minimum = Number.POSITIVE_INFINITY;
    for (const output of this.outputs.values()) {
      if (!output.idle && output.watermark < minimum) minimum = output.watermark;
    }
    if (minimum === Number.POSITIVE_INFINITY) {
      if (!this.combinedIdle) {
        this.combinedIdle = true;
        this.underlying.emitWatermarkStatus(WatermarkStatus.IDLE);
      }
      return;
    }
    this.emitCombined(minimum);
  }

  private emitCombined(timestamp: number): void {
    if (this.combinedIdle) {
      this.combinedIdle = false;
      this.underlying.emitWatermarkStatus(WatermarkStatus.ACTIVE);
    }
    if (timestamp <= this.combinedWatermark) return;
    this.combinedWatermark = timestamp;
    this.underlying.emitWatermark(timestamp);
  }
}
