import { describe, expect, it } from 'vitest';

import { Watermark } from '../../../api/watermark/watermark.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';
import { StatusWatermarkValve, type StatusWatermarkValveOutput } from './status-watermark-valve.js';

const { IDLE, ACTIVE } = WatermarkStatus;
const MIN = Watermark.MIN_WATERMARK.timestamp;

/** Records what the valve emits; `take()` returns and clears it. */
class TestingValveOutput implements StatusWatermarkValveOutput {
  private emitted: (number | WatermarkStatus)[] = [];
  emitWatermark(timestamp: number): void {
    this.emitted.push(timestamp);
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.emitted.push(status);
  }
  take(): (number | WatermarkStatus)[] {
    return this.emitted.splice(0);
  }
}

function setUp(channels: number) {
  const valve = new StatusWatermarkValve(channels);
  const output = new TestingValveOutput();
  return {
    valve,
    output,
    wm: (timestamp: number, channel: number) => valve.inputWatermark(timestamp, channel, output),
    status: (status: WatermarkStatus, channel: number) => valve.inputWatermarkStatus(status, channel, output),
  };
}

describe('StatusWatermarkValve: single channel', () => {
  it('forwards increasing watermarks', () => {
    const { output, wm } = setUp(1);
    wm(0, 0);
    expect(output.take()).toEqual([0]);
    wm(25, 0);
    expect(output.take()).toEqual([25]);
  });

  it('ignores decreasing and repeated watermarks', () => {
    const { output, wm } = setUp(1);
    wm(25, 0);
    wm(18, 0);
    wm(25, 0);
    expect(output.take()).toEqual([25]);
    wm(42, 0);
    expect(output.take()).toEqual([42]);
  });

  it('forwards status toggles once each', () => {
    const { output, status } = setUp(1);
    status(ACTIVE, 0); // already active
    expect(output.take()).toEqual([]);
    status(IDLE, 0);
    expect(output.take()).toEqual([IDLE]);
    status(IDLE, 0);
    expect(output.take()).toEqual([]);
    status(ACTIVE, 0);
    expect(output.take()).toEqual([ACTIVE]);
  });

  it('keeps the channel watermark intact while idle and ignores watermarks meanwhile', () => {
    const { valve, output, wm, status } = setUp(1);
    wm(25, 0);
    status(IDLE, 0);
    expect(output.take()).toEqual([25, IDLE]);
    wm(50, 0);
    expect(output.take()).toEqual([]);
    expect(valve.getInputChannelStatus(0).watermark).toBe(25);
    status(ACTIVE, 0);
    wm(50, 0);
    expect(output.take()).toEqual([ACTIVE, 50]);
  });
});

describe('StatusWatermarkValve: multiple channels', () => {
  it('emits nothing until every channel has sent a watermark', () => {
    const { output, wm } = setUp(3);
    wm(0, 0);
    wm(0, 1);
    expect(output.take()).toEqual([]);
    wm(0, 2);
    expect(output.take()).toEqual([0]);
  });

  it('emits the minimum over channels as it advances', () => {
    const { output, wm } = setUp(3);
    wm(0, 0);
    wm(0, 1);
    wm(0, 2);
    expect(output.take()).toEqual([0]);
    wm(12, 0);
    wm(8, 2);
    wm(10, 2);
    expect(output.take()).toEqual([]); // channel 1 still at 0
    wm(15, 1);
    expect(output.take()).toEqual([10]);
    wm(17, 2);
    expect(output.take()).toEqual([12]);
    wm(25, 0);
    expect(output.take()).toEqual([15]);
    wm(20, 1);
    expect(output.take()).toEqual([17]);
    wm(20, 2);
    expect(output.take()).toEqual([20]);
  });

  it('yields nothing for watermarks that decrease per channel', () => {
    const { output, wm } = setUp(3);
    wm(25, 0);
    wm(10, 1);
    wm(17, 2);
    expect(output.take()).toEqual([10]);
    wm(12, 0);
    wm(8, 1);
    wm(15, 2);
    expect(output.take()).toEqual([]);
  });

  it('goes idle only when every channel is idle and active with the first active channel', () => {
    const { output, status } = setUp(2);
    status(IDLE, 1);
    expect(output.take()).toEqual([]);
    status(IDLE, 0);
    expect(output.take()).toEqual([IDLE]); // nothing to flush: no channel reported a watermark
    status(ACTIVE, 0);
    expect(output.take()).toEqual([ACTIVE]);
    status(ACTIVE, 1);
    expect(output.take()).toEqual([]);
  });

  it('advances with partially idle channels; a channel idle from the start does not block', () => {
    const { output, wm, status } = setUp(3);
    wm(15, 0);
    wm(10, 1);
    expect(output.take()).toEqual([]);
    status(IDLE, 2); // channel 2 held the minimum (MIN)
    expect(output.take()).toEqual([10]);
    status(IDLE, 1);
    expect(output.take()).toEqual([15]);
    wm(18, 0);
    expect(output.take()).toEqual([18]);
    status(ACTIVE, 2); // behind the output: unaligned, does not hold it back
    wm(20, 0);
    expect(output.take()).toEqual([20]);
    wm(19, 2);
    expect(output.take()).toEqual([]);
    wm(25, 2); // caught up: aligned again
    wm(30, 0);
    expect(output.take()).toEqual([25]);
  });

  it('advances as channels individually become idle, then flushes and goes idle', () => {
    const { output, wm, status } = setUp(3);
    wm(25, 0);
    wm(10, 1);
    wm(17, 2);
    expect(output.take()).toEqual([10]);
    status(IDLE, 1);
    expect(output.take()).toEqual([17]);
    status(IDLE, 2);
    expect(output.take()).toEqual([25]);
    status(IDLE, 0);
    expect(output.take()).toEqual([IDLE]); // 25 already out: the flush has nothing to add
  });

  it('flushes the max watermark over all channels, then IDLE, when the last channel goes idle', () => {
    const { valve, output, wm, status } = setUp(3);
    wm(10, 0);
    wm(5, 1);
    wm(3, 2);
    expect(output.take()).toEqual([3]);
    status(IDLE, 0); // not the minimum: nothing changes
    status(IDLE, 1);
    expect(output.take()).toEqual([]);
    status(IDLE, 2);
    expect(output.take()).toEqual([10, IDLE]);
    expect(valve.getLastOutputWatermark()).toBe(10);
    expect(valve.getLastOutputWatermarkStatus()).toBe(IDLE);
  });

  it('ignores watermarks while every channel is idle', () => {
    const { output, wm, status } = setUp(2);
    wm(5, 0);
    wm(5, 1);
    status(IDLE, 0);
    status(IDLE, 1);
    expect(output.take()).toEqual([5, IDLE]);
    wm(100, 0);
    expect(output.take()).toEqual([]);
  });

  it('re-aligns a re-activated channel only once it catches up with the output', () => {
    const { valve, output, wm, status } = setUp(3);
    wm(10, 0);
    wm(7, 1);
    wm(3, 2);
    expect(output.take()).toEqual([3]);
    status(IDLE, 2);
    expect(output.take()).toEqual([7]);
    status(ACTIVE, 2);
    expect(output.take()).toEqual([]); // the valve itself never went idle
    expect(valve.getInputChannelStatus(2)).toEqual({
      watermark: 3,
      status: ACTIVE,
      isWatermarkAligned: false,
    });
    wm(4, 2);
    expect(output.take()).toEqual([]);
    expect(valve.getInputChannelStatus(2).isWatermarkAligned).toBe(false);
    wm(9, 2);
    expect(valve.getInputChannelStatus(2).isWatermarkAligned).toBe(true);
    expect(output.take()).toEqual([]); // min(10, 7, 9) = 7, already out
    wm(15, 1);
    expect(output.take()).toEqual([9]);
  });

  it('emits nothing when every active channel is unaligned', () => {
    const { output, wm, status } = setUp(3);
    wm(10, 0);
    wm(7, 1);
    status(IDLE, 2);
    expect(output.take()).toEqual([7]);
    status(ACTIVE, 2); // at MIN: unaligned
    status(IDLE, 0);
    status(IDLE, 1);
    expect(output.take()).toEqual([]);
    wm(8, 2); // catches up: the only aligned channel
    expect(output.take()).toEqual([8]);
  });

  it('a channel that was aligned when it went idle rejoins aligned if still ahead', () => {
    const { valve, output, wm, status } = setUp(2);
    wm(20, 0);
    wm(10, 1);
    expect(output.take()).toEqual([10]);
    status(IDLE, 0);
    status(ACTIVE, 0);
    expect(valve.getInputChannelStatus(0).isWatermarkAligned).toBe(true);
    wm(30, 1);
    expect(output.take()).toEqual([20]);
  });

  it('never regresses after an all-idle flush when a lagging channel comes back', () => {
    const { output, wm, status } = setUp(2);
    wm(25, 0);
    wm(10, 1);
    expect(output.take()).toEqual([10]);
    status(IDLE, 1);
    expect(output.take()).toEqual([25]);
    status(IDLE, 0);
    expect(output.take()).toEqual([IDLE]);
    status(ACTIVE, 1); // at 10, behind 25
    expect(output.take()).toEqual([ACTIVE]);
    wm(12, 1);
    wm(25, 1);
    expect(output.take()).toEqual([]);
    wm(30, 1);
    expect(output.take()).toEqual([30]);
    status(ACTIVE, 0); // at 25, behind 30: unaligned
    wm(31, 1);
    expect(output.take()).toEqual([31]);
  });

  it('reports channel state and rejects bad arguments', () => {
    const { valve } = setUp(2);
    expect(valve.numInputChannels).toBe(2);
    expect(valve.getLastOutputWatermark()).toBe(MIN);
    expect(valve.getInputChannelStatus(1)).toEqual({
      watermark: MIN,
      status: ACTIVE,
      isWatermarkAligned: true,
    });
    expect(() => valve.getInputChannelStatus(2)).toThrow(/input channel 2 does not exist/);
    expect(() => valve.inputWatermark(1, -1, new TestingValveOutput())).toThrow(/input channel -1/);
    expect(() => new StatusWatermarkValve(0)).toThrow(/at least one input channel/);
  });
});
