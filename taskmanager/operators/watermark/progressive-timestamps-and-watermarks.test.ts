import { describe, expect, it } from 'vitest';
import { Watermark } from '../../../api/watermark/watermark.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';
import { WatermarkStrategy } from '../../../api/watermark/watermark-strategy.js';
import { ProgressiveTimestampsAndWatermarks } from './progressive-timestamps-and-watermarks.js';

interface Event {
  readonly at: number;
}

function setUp(strategy: WatermarkStrategy<Event>) {
  const clock = { now: 0, currentTimeMillis: () => clock.now };
  const emitted: (string | number)[] = [];
  const eventTime = new ProgressiveTimestampsAndWatermarks(strategy, clock, {
    emitRecord: (value, timestamp) => emitted.push(`record ${value.at}@${timestamp}`),
    emitWatermark: (timestamp) => emitted.push(timestamp),
    emitWatermarkStatus: (status) => emitted.push(status),
  });
  return { clock, emitted, eventTime, output: eventTime.readerOutput };
}

const byAt = WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.at);

describe('ProgressiveTimestampsAndWatermarks', () => {
  it('keeps one generator per split output: the watermark is the minimum over the splits', () => {
    const { emitted, eventTime, output } = setUp(byAt);
    const p0 = output.createOutputForSplit('p0');
    const p1 = output.createOutputForSplit('p1');
    expect(output.createOutputForSplit('p0')).toBe(p0);
    p0.collect({ at: 1_000 });
    p1.collect({ at: 200 });
    p0.collect({ at: 1_500 });
    eventTime.onPeriodicEmit();
    // A single generator would have emitted 1499; the split-local ones hold at p1's 199.
    expect(emitted).toEqual(['record 1000@1000', 'record 200@200', 'record 1500@1500', 199]);
    p1.collect({ at: 2_000 });
    eventTime.onPeriodicEmit();
    expect(emitted.at(-1)).toBe(1_499);
  });

  it('does not let an idle split stall event time; all idle makes the source idle', () => {
    const { clock, emitted, eventTime, output } = setUp(byAt.withIdleness(100));
    const busy = output.createOutputForSplit('busy');
    output.createOutputForSplit('quiet');
    busy.collect({ at: 5_000 });
    eventTime.onPeriodicEmit();
    expect(emitted).toEqual(['record 5000@5000']); // quiet holds MIN_WATERMARK
    clock.now = 50;
    eventTime.onPeriodicEmit(); // quiet's inactivity clock starts
    clock.now = 200;
    busy.collect({ at: 6_000 });
    eventTime.onPeriodicEmit(); // quiet is idle now: busy alone decides
    expect(emitted.slice(1)).toEqual(['record 6000@6000', 5_999]);
    clock.now = 300;
    eventTime.onPeriodicEmit();
    clock.now = 500;
    eventTime.onPeriodicEmit();
    expect(emitted.at(-1)).toBe(WatermarkStatus.IDLE);
    busy.collect({ at: 7_000 });
    // As a single generator does: the record goes out, then its generator marks the output active.
    expect(emitted.slice(-2)).toEqual(['record 7000@7000', WatermarkStatus.ACTIVE]);
  });

  it('stops holding the watermark back for a released split', () => {
    const { emitted, eventTime, output } = setUp(byAt);
    const finished = output.createOutputForSplit('finished');
    const running = output.createOutputForSplit('running');
    finished.collect({ at: 100 });
    running.collect({ at: 9_000 });
    eventTime.onPeriodicEmit();
    expect(emitted.at(-1)).toBe(99);
    output.releaseOutputForSplit('finished');
    expect(emitted.at(-1)).toBe(8_999);
  });

  it('uses the main output alone while no split output exists, as a single generator would', () => {
    const { emitted, eventTime, output } = setUp(byAt);
    output.collect({ at: 300 });
    eventTime.onPeriodicEmit();
    output.markIdle();
    output.collect({ at: 400 });
    eventTime.endOfInput();
    expect(emitted).toEqual([
      'record 300@300',
      299,
      WatermarkStatus.IDLE,
      'record 400@400',
      WatermarkStatus.ACTIVE,
      Watermark.MAX_WATERMARK.timestamp,
    ]);
  });

  it('drops the unused main output once split outputs exist; a record through it brings it back', () => {
    const { emitted, eventTime, output } = setUp(byAt);
    const split = output.createOutputForSplit('s');
    split.collect({ at: 1_000 });
    eventTime.onPeriodicEmit();
    expect(emitted.at(-1)).toBe(999);
    output.collect({ at: 5_000 });
    split.collect({ at: 8_000 });
    eventTime.onPeriodicEmit();
    // The main output's 4999 holds the split's 7999 back.
    expect(emitted.at(-1)).toBe(4_999);
  });

  it('takes watermarks a reader emits itself through a split output', () => {
    const { emitted, output } = setUp(WatermarkStrategy.noWatermarks<Event>());
    const a = output.createOutputForSplit('a');
    const b = output.createOutputForSplit('b');
    a.emitWatermark!(new Watermark(40));
    b.emitWatermark!(new Watermark(30));
    b.markIdle();
    expect(emitted).toEqual([30, 40]);
  });
});
