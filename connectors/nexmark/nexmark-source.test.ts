import { describe, expect, it } from 'vitest';
import { Boundedness, InputStatus } from '../../api/connector/source.js';
import type { Watermark } from '../../api/watermark/watermark.js';
import type { WatermarkOutput } from '../../api/watermark/watermark-generator.js';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { pollUntilEnd } from '../testing/poll-until-end.js';
import { TestingReaderOutput } from '../testing/testing-reader-output.js';
import { TestingSourceReaderContext } from '../testing/testing-source-reader-context.js';
import { generateEvents } from './nexmark-generator.js';
import { eventTimestamp, type NexmarkEvent } from './nexmark-model.js';
import { NexmarkSource, type NexmarkSplit } from './nexmark-source.js';

/** Reads a bounded source at parallelism p, split i on subtask i; returns each subtask's output. */
async function readAll(
  source: NexmarkSource,
  parallelism: number,
): Promise<TestingReaderOutput<NexmarkEvent>[]> {
  const splits = source.createSplits(parallelism);
  const outputs: TestingReaderOutput<NexmarkEvent>[] = [];
  for (let subtask = 0; subtask < parallelism; subtask++) {
    const reader = source.createReader(new TestingSourceReaderContext(subtask, parallelism));
    reader.addSplits(splits.filter((_, i) => i % parallelism === subtask));
    reader.notifyNoMoreSplits();
    const output = new TestingReaderOutput<NexmarkEvent>();
    expect((await pollUntilEnd(reader, { output })).status).toBe(InputStatus.END_OF_INPUT);
    outputs.push(output);
  }
  return outputs;
}

const EVENTS = 10_007;
const expected = generateEvents({ events: EVENTS }, EVENTS);

describe('NexmarkSource', () => {
  it.each([1, 2, 3])('emits events 0..N-1 exactly once at parallelism %i, interleaved', async (p) => {
    const source = new NexmarkSource({ events: EVENTS });
    expect(source.getBoundedness()).toBe(Boundedness.BOUNDED);
    expect(source.createSplits(p)).toEqual(
      Array.from({ length: p }, (_, i) => ({
        splitId: String(i),
        nextEventNumber: i,
        stride: p,
        end: EVENTS,
      })),
    );
    const outputs = await readAll(source, p);
    outputs.forEach((output, subtask) => {
      // Subtask i emits event numbers i, i + p, i + 2p, … in order, each with its event time.
      expect(output.records).toEqual(expected.filter((_, n) => n % p === subtask));
      expect(output.timestamps).toEqual(output.records.map(eventTimestamp));
    });
    expect(outputs.reduce((sum, output) => sum + output.records.length, 0)).toBe(EVENTS);
  });

  it('restores from a snapshot and replays exactly (bounded and unbounded)', async () => {
    for (const events of [EVENTS, undefined]) {
      const source = new NexmarkSource({ events });
      const context = new TestingSourceReaderContext(1, 2);
      const first = source.createReader(context);
      first.addSplits([source.createSplits(2)[1]!]);
      const output = new TestingReaderOutput<NexmarkEvent>();
      expect(first.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
      first.pollNext(output);
      const checkpointed = output.records.length;
      // Through JSON, as a checkpoint carries it.
      const snapshot = JSON.parse(JSON.stringify(first.snapshotState(7))) as NexmarkSplit[];
      expect(snapshot).toEqual([
        { splitId: '1', nextEventNumber: 1 + 2 * checkpointed, stride: 2, end: events ?? null },
      ]);
      first.pollNext(output); // emitted after the checkpoint: lost with the failed attempt

      const restored = source.createReader(context);
      restored.addSplits(snapshot);
      restored.notifyNoMoreSplits();
      const rest = await pollUntilEnd(restored, events === undefined ? { maxRecords: 3000 } : {});
      const all = [...output.records.slice(0, checkpointed), ...rest.records];
      const reference = generateEvents({}, 2 * all.length);
      expect(all).toEqual(reference.filter((_, n) => n % 2 === 1));
      if (events !== undefined) expect(all).toHaveLength(Math.floor(EVENTS / 2));
    }
  });

  it('advances several splits of one reader together in event time', () => {
    const source = new NexmarkSource({ events: 100_000 });
    const reader = source.createReader(new TestingSourceReaderContext(0, 1));
    reader.addSplits(source.createSplits(3));
    const output = new TestingReaderOutput<NexmarkEvent>();
    for (let poll = 0; poll < 9; poll++) expect(reader.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    const positions = reader.snapshotState(1).map((split) => split.nextEventNumber);
    expect(positions).toEqual([3 * 3 * 1024, 3 * 3 * 1024 + 1, 3 * 3 * 1024 + 2]);
    expect(output.records).toHaveLength(9 * 1024);
  });

  it('is unbounded without events and ends at once with zero events', async () => {
    const unbounded = new NexmarkSource();
    expect(unbounded.getBoundedness()).toBe(Boundedness.CONTINUOUS_UNBOUNDED);
    expect(new NexmarkSource({ events: Number.POSITIVE_INFINITY }).createSplits(2)[1]!.end).toBeNull();
    const reader = unbounded.createReader(new TestingSourceReaderContext(0, 1));
    reader.addSplits(unbounded.createSplits(1));
    reader.notifyNoMoreSplits();
    const output = new TestingReaderOutput<NexmarkEvent>();
    for (let poll = 0; poll < 5; poll++) expect(reader.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    expect(output.records.length).toBeGreaterThanOrEqual(500);

    const empty = new NexmarkSource({ events: 0 });
    const emptyReader = empty.createReader(new TestingSourceReaderContext(1, 2));
    emptyReader.addSplits([empty.createSplits(2)[1]!]);
    expect(emptyReader.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    emptyReader.notifyNoMoreSplits();
    expect((await pollUntilEnd(emptyReader)).records).toEqual([]);
  });

  it('limits each reader to its share of rateLimit (injected clock)', async () => {
    const parallelism = 4;
    const source = new NexmarkSource({ rateLimit: 400 });
    const context = new TestingSourceReaderContext(2, parallelism, { nowMillis: 1000 });
    const reader = source.createReader(context);
    reader.addSplits([source.createSplits(parallelism)[2]!]);
    const output = new TestingReaderOutput<NexmarkEvent>();

    expect(reader.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    expect(output.records).toHaveLength(1);
    expect(reader.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    // 100 events per second for this reader: 200 more after 2 s of clock time.
    for (let step = 0; step < 200; step++) {
      context.advance(10);
      reader.pollNext(output);
    }
    expect(output.records).toHaveLength(201);
    expect(output.records).toEqual(generateEvents({}, 4 * 201).filter((_, n) => n % 4 === 2));
    context.advance(60_000);
    while (reader.pollNext(output) === InputStatus.MORE_AVAILABLE);
    expect(output.records).toHaveLength(301); // a stall earns at most one second of burst

    const start = Date.now();
    await reader.isAvailable(); // resolves by a real timer, ~10 ms at this rate
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('has a 4 s bounded out-of-orderness watermark strategy on event time', () => {
    const strategy = NexmarkSource.watermarkStrategy();
    const assign = strategy.createTimestampAssigner();
    const events = generateEvents({ baseTime: 50_000, tps: 1 }, 3);
    expect(events.map((e) => assign(e, undefined))).toEqual([50_000, 51_000, 52_000]);
    const generator = strategy.createWatermarkGenerator({ currentTimeMillis: () => 0 });
    const emitted: Watermark[] = [];
    const output: WatermarkOutput = {
      emitWatermark: (w) => emitted.push(w),
      markIdle: () => {},
      markActive: () => {},
    };
    for (const event of events) generator.onEvent(event, eventTimestamp(event), output);
    generator.onPeriodicEmit(output);
    expect(emitted.at(-1)?.timestamp).toBe(52_000 - 4000 - 1);
  });

  it('rejects a bad config with IllegalConfigurationError', () => {
    expect(() => new NexmarkSource({ events: -5 })).toThrow(IllegalConfigurationError);
    expect(() => new NexmarkSource({ tps: 0 })).toThrow(/'tps' must be a positive/);
    expect(() => new NexmarkSource({ seed: 1.25 })).toThrow(/'seed' must be an integer/);
    expect(() => new NexmarkSource({ rateLimit: -1 })).toThrow(IllegalConfigurationError);
    expect(() => new NexmarkSource().createSplits(0)).toThrow(/parallelism must be a positive integer/);
  });
});
