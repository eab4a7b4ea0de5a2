import { FreshetError } from '../../../common/errors/freshet-error.js';
import { Watermark } from '../../../api/watermark/watermark.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';

/** Where the valve sends the task's combined watermark and status. */
export interface StatusWatermarkValveOutput {
  emitWatermark(timestamp: number): void;
  emitWatermarkStatus(status: WatermarkStatus): void;
}

/** One input channel as the valve sees it (Flink's `InputChannelStatus`). */
export interface InputChannelStatus {
  /** The highest watermark received on this channel; MIN_WATERMARK until the first one. */
  readonly watermark: number;
  readonly status: WatermarkStatus;
  /**
   * Whether the channel takes part in the minimum. An active channel is aligned unless it came
   * back from idleness behind the valve's output; it re-aligns once it catches up.
   */
  readonly isWatermarkAligned: boolean;
}

interface MutableInputChannelStatus {
  watermark: number;
  status: WatermarkStatus;
  isWatermarkAligned: boolean;
}

const MIN = Watermark.MIN_WATERMARK.timestamp;

/**
 * Combines the watermarks and watermark statuses of a task's N input channels into one
 * (Flink's `StatusWatermarkValve`):
 *
 * - the output watermark is the minimum over the *active and aligned* channels and never
 *   regresses;
 * - every channel starts at MIN_WATERMARK and aligned, so nothing is emitted until each channel
 *   has sent a watermark or gone idle;
 * - an idle channel's watermarks are ignored; when the last active channel goes idle the valve
 *   flushes the maximum watermark over all channels and then emits IDLE;
 * - a channel that becomes active again is aligned only if its watermark is at least the last
 *   output watermark (otherwise it catches up first, without holding the output back); the first
 *   active channel after overall idleness makes the valve emit ACTIVE.
 *
 * Pure and synchronous: the task calls it for each watermark/status element it reads.
 */
export class StatusWatermarkValve {
  private readonly channels: MutableInputChannelStatus[];
  private lastOutputWatermark = MIN;
  private lastOutputWatermarkStatus: WatermarkStatus = WatermarkStatus.ACTIVE;

  constructor(numInputChannels: number) {
    if (!Number.isSafeInteger(numInputChannels) || numInputChannels < 1) {
      throw new FreshetError(
        'INVALID_CHANNEL_COUNT',
        `a StatusWatermarkValve needs at least one input channel, got ${numInputChannels}`,
      );
    }
    this.channels = Array.from({ length: numInputChannels }, () => ({
      watermark: MIN,
      status: WatermarkStatus.ACTIVE,
      isWatermarkAligned: true,
    }));
  }

  /** A watermark arrived on `channelIndex`. */
  inputWatermark(watermark: number, channelIndex: number, output: StatusWatermarkValveOutput): void {
    const channel = this.channel(channelIndex);
    // Watermarks of an idle channel (or while the whole valve is idle) do not count.
    if (this.lastOutputWatermarkStatus === WatermarkStatus.IDLE || channel.status === WatermarkStatus.IDLE) {
      return;
    }
    if (watermark <= channel.watermark) return;
    channel.watermark = watermark;
    if (!channel.isWatermarkAligned && watermark >= this.lastOutputWatermark) {
      channel.isWatermarkAligned = true;
    }
    this.findAndOutputNewMinWatermarkAcrossAlignedChannels(output);
  }

  /** A watermark status arrived on `channelIndex`; repeated statuses are no-ops. */
  inputWatermarkStatus(
    status: WatermarkStatus,
    channelIndex: number,
    output: StatusWatermarkValveOutput,
  ): void {
    const channel = this.channel(channelIndex);
    if (status === channel.status) return;
    if (status === WatermarkStatus.IDLE) {
      channel.status = WatermarkStatus.IDLE;
      channel.isWatermarkAligned = false;
      if (!this.hasActiveChannels()) {
        // No channel will advance any more: release everything the channels have reported.
        this.findAndOutputMaxWatermarkAcrossAllChannels(output);
        this.lastOutputWatermarkStatus = WatermarkStatus.IDLE;
        output.emitWatermarkStatus(WatermarkStatus.IDLE);
      } else if (channel.watermark === this.lastOutputWatermark) {
        // The channel that held the minimum left: the remaining aligned channels may advance it.
        this.findAndOutputNewMinWatermarkAcrossAlignedChannels(output);
      }
    } else {
      channel.status = WatermarkStatus.ACTIVE;
      if (channel.watermark >= this.lastOutputWatermark) channel.isWatermarkAligned = true;
      if (this.lastOutputWatermarkStatus === WatermarkStatus.IDLE) {
        this.lastOutputWatermarkStatus = WatermarkStatus.ACTIVE;
        output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
      }
    }
  }

  /** The last watermark the valve emitted (MIN_WATERMARK before the first). */
  getLastOutputWatermark(): number {
    return this.lastOutputWatermark;
  }

  /** The last status the valve emitted (ACTIVE initially). */
  getLastOutputWatermarkStatus(): WatermarkStatus {
    return this.lastOutputWatermarkStatus;
  }

  get numInputChannels(): number {
    return this.channels.length;
  }

  /** A snapshot of one channel's state, for metrics and tests. */
  getInputChannelStatus(channelIndex: number): InputChannelStatus {
    const { watermark, status, isWatermarkAligned } = this.channel(channelIndex);
    return { watermark, status, isWatermarkAligned };
  }

  private findAndOutputNewMinWatermarkAcrossAlignedChannels(output: StatusWatermarkValveOutput): void {
    let newMin = Number.POSITIVE_INFINITY;
    let hasAlignedChannels = false;
    for (const channel of this.channels) {
      if (channel.isWatermarkAligned) {
        hasAlignedChannels = true;
        if (channel.watermark < newMin) newMin = channel.watermark;
      }
    }
    if (hasAlignedChannels && newMin > this.lastOutputWatermark) {
      this.lastOutputWatermark = newMin;
      output.emitWatermark(newMin);
    }
  }

  private findAndOutputMaxWatermarkAcrossAllChannels(output: StatusWatermarkValveOutput): void {
    let max = MIN;
    for (const channel of this.channels) {
      if (channel.watermark > max) max = channel.watermark;
    }
    if (max > this.lastOutputWatermark) {
      this.lastOutputWatermark = max;
      output.emitWatermark(max);
    }
  }

  private hasActiveChannels(): boolean {
    return this.channels.some((channel) => channel.status === WatermarkStatus.ACTIVE);
  }

  private channel(channelIndex: number): MutableInputChannelStatus {
    const channel = this.channels[channelIndex];
    if (channel === undefined) {
      throw new FreshetError(
        'INVALID_CHANNEL_INDEX',
        `input channel ${channelIndex} does not exist; this valve has ${this.channels.length} channels`,
      );
    }
    return channel;
  }
}
