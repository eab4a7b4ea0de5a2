import { describe, expect, it } from 'vitest';
import { Watermark } from '../../../api/watermark/watermark.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';
import { WatermarkOutputMultiplexer } from './watermark-output-multiplexer.js';

function setUp() {
  const emitted: (number | WatermarkStatus)[] = [];
  const multiplexer = new WatermarkOutputMultiplexer({
    emitWatermark: (timestamp) => emitted.push(timestamp),
    emitWatermarkStatus: (status) => emitted.push(status),
  });
  return { emitted, multiplexer };
}

describe('WatermarkOutputMultiplexer', () => {
  it('emits the minimum over the outputs, only when it advances', () => {
    const { emitted, multiplexer } = setUp();
    multiplexer.register('a');
    multiplexer.register('b');
    multiplexer.emitWatermark('a', 100);
    expect(emitted).toEqual([]); // b is still at MIN_WATERMARK
    multiplexer.emitWatermark('b', 50);
    multiplexer.emitWatermark('b', 80);
    multiplexer.emitWatermark('b', 70); // lower than b's own: ignored
    multiplexer.emitWatermark('b', 300);
    expect(emitted).toEqual([50, 80, 100]);
    expect(multiplexer.currentWatermark).toBe(100);
  });

  it('leaves idle outputs out, and is idle only when every output is', () => {
    const { emitted, multiplexer } = setUp();
    multiplexer.register('a');
    multiplexer.register('b');
    multiplexer.emitWatermark('a', 100);
    multiplexer.markIdle('b');
    expect(emitted).toEqual([100]);
    multiplexer.markIdle('a');
    expect(emitted).toEqual([100, WatermarkStatus.IDLE]);
    expect(multiplexer.isIdle).toBe(true);
    multiplexer.markIdle('a');
    // An advancing watermark makes its output (and the combination) active again.
    multiplexer.emitWatermark('b', 150);
    expect(emitted).toEqual([100, WatermarkStatus.IDLE, WatermarkStatus.ACTIVE, 150]);
    // b active again behind the combined watermark: active, nothing emitted backwards.
    multiplexer.markActive('a');
    expect(emitted).toEqual([100, WatermarkStatus.IDLE, WatermarkStatus.ACTIVE, 150]);
  });

  it('lets an unregistered output hold nothing back, and changes nothing without outputs', () => {
    const { emitted, multiplexer } = setUp();
    multiplexer.register('slow');
    multiplexer.register('fast');
    multiplexer.emitWatermark('fast', 500);
    multiplexer.emitWatermark('slow', 10);
    multiplexer.unregister('slow');
    expect(emitted).toEqual([10, 500]);
    multiplexer.unregister('fast');
    expect(emitted).toEqual([10, 500]);
    // Calls for unknown outputs are ignored.
    multiplexer.emitWatermark('slow', 900);
    multiplexer.markIdle('gone');
    expect(emitted).toEqual([10, 500]);
    // A new output starts at MIN_WATERMARK: no regress, no progress until it emits.
    multiplexer.register('late');
    multiplexer.emitWatermark('late', 400);
    multiplexer.emitWatermark('late', 600);
    expect(emitted).toEqual([10, 500, 600]);
  });

  it('emits MAX_WATERMARK at the end of input, active first', () => {
    const { emitted, multiplexer } = setUp();
    multiplexer.register('a');
    multiplexer.markIdle('a');
    multiplexer.emitFinalWatermark();
    multiplexer.emitFinalWatermark();
    expect(emitted).toEqual([
      WatermarkStatus.IDLE,
      WatermarkStatus.ACTIVE,
      Watermark.MAX_WATERMARK.timestamp,
    ]);
  });
});
