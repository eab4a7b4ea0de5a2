import { describe, expect, it } from 'vitest';

import { UserError } from '../../../common/errors/freshet-error.js';
import { Watermark } from '../../../api/watermark/watermark.js';
import { NO_TIMESTAMP } from '../../../api/watermark/timestamp-assigner.js';
import { WatermarkStatus } from '../../../api/watermark/watermark-status.js';
import { WatermarkStrategy } from '../../../api/watermark/watermark-strategy.js';
import { WatermarkEmitter, type WatermarkEmitterOutput } from './timestamps-and-watermarks.js';

type Emitted<T> =
  | { readonly record: T; readonly timestamp: number | undefined }
  | { readonly watermark: number }
  | { readonly status: WatermarkStatus };

/** Records records, watermarks and statuses in the order they leave the emitter. */
class TestingEmitterOutput<T> implements WatermarkEmitterOutput<T> {
  private emitted: Emitted<T>[] = [];
  emitRecord(record: T, timestamp: number | undefined): void {
    this.emitted.push({ record, timestamp });
  }
  emitWatermark(watermark: number): void {
    this.emitted.push({ watermark });
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.emitted.push({ status });
  }
  take(): Emitted<T>[] {
    return this.emitted.splice(0);
  }
}

class TestingClock {
  constructor(public now = 0) {}
  currentTimeMillis(): number {
    return this.now;
  }
}

interface Reading {
  readonly sensor: string;
  readonly at: number;
}

function setUp<T>(strategy: WatermarkStrategy<T>) {
  const clock = new TestingClock();
  const output = new TestingEmitterOutput<T>();
  const emitter = new WatermarkEmitter(strategy, clock, output);
  return { clock, output, emitter };
}

const MAX = Watermark.MAX_WATERMARK.timestamp;

describe('WatermarkEmitter', () => {
  it('assigns timestamps and emits bounded out-of-orderness watermarks on the periodic tick', () => {
    const { output, emitter } = setUp(
      WatermarkStrategy.forBoundedOutOfOrderness<Reading>(100).withTimestampAssigner((r) => r.at),
    );
    emitter.processElement({ sensor: 'a', at: 1_000 }, undefined);
    emitter.processElement({ sensor: 'b', at: 900 }, 5);
    expect(output.take()).toEqual([
      { record: { sensor: 'a', at: 1_000 }, timestamp: 1_000 },
      { record: { sensor: 'b', at: 900 }, timestamp: 900 },
    ]);
    emitter.onPeriodicEmit();
    expect(output.take()).toEqual([{ watermark: 899 }]);
    expect(emitter.getCurrentWatermark()).toBe(899);
  });

  it('does not emit the initial MIN watermark nor repeat or regress a watermark', () => {
    const { output, emitter } = setUp(
      WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.at),
    );
    emitter.onPeriodicEmit(); // MIN_WATERMARK: nothing new
    expect(output.take()).toEqual([]);
    emitter.processElement({ sensor: 'a', at: 50 }, undefined);
    emitter.onPeriodicEmit();
    emitter.onPeriodicEmit();
    emitter.processElement({ sensor: 'a', at: 40 }, undefined);
    emitter.onPeriodicEmit();
    expect(output.take()).toEqual([
      { record: { sensor: 'a', at: 50 }, timestamp: 50 },
      { watermark: 49 },
      { record: { sensor: 'a', at: 40 }, timestamp: 40 },
    ]);
  });

  it('sends a watermark emitted from onEvent right after that event record', () => {
    const strategy = WatermarkStrategy.forGenerator<Reading>(() => ({
      onEvent: (event, timestamp, out) => {
        if (event.sensor === 'punctuation') out.emitWatermark(new Watermark(timestamp));
      },
      onPeriodicEmit: () => {},
    })).withTimestampAssigner((r) => r.at);
    const { output, emitter } = setUp(strategy);
    emitter.processElement({ sensor: 'a', at: 1 }, undefined);
    emitter.processElement({ sensor: 'punctuation', at: 2 }, undefined);
    emitter.processElement({ sensor: 'b', at: 3 }, undefined);
    expect(output.take()).toEqual([
      { record: { sensor: 'a', at: 1 }, timestamp: 1 },
      { record: { sensor: 'punctuation', at: 2 }, timestamp: 2 },
      { watermark: 2 },
      { record: { sensor: 'b', at: 3 }, timestamp: 3 },
    ]);
  });

  it('keeps the record timestamp by default and passes NO_TIMESTAMP to the generator when there is none', () => {
    const seen: number[] = [];
    const strategy = WatermarkStrategy.forGenerator<string>(() => ({
      onEvent: (_event, timestamp) => seen.push(timestamp),
      onPeriodicEmit: () => {},
    }));
    const { output, emitter } = setUp(strategy);
    emitter.processElement('with', 7);
    emitter.processElement('without', undefined);
    expect(output.take()).toEqual([
      { record: 'with', timestamp: 7 },
      { record: 'without', timestamp: undefined },
    ]);
    expect(seen).toEqual([7, NO_TIMESTAMP]);
  });

  it('noWatermarks emits records only, until the end of input', () => {
    const { output, emitter } = setUp(WatermarkStrategy.noWatermarks<string>());
    emitter.processElement('x', undefined);
    emitter.onPeriodicEmit();
    emitter.endOfInput();
    emitter.endOfInput();
    expect(output.take()).toEqual([{ record: 'x', timestamp: undefined }, { watermark: MAX }]);
  });

  it('endOfInput emits MAX_WATERMARK once; later periodic watermarks are dropped', () => {
    const { output, emitter } = setUp(
      WatermarkStrategy.forBoundedOutOfOrderness<Reading>(0).withTimestampAssigner((r) => r.at),
    );
    emitter.processElement({ sensor: 'a', at: 10 }, undefined);
    emitter.onPeriodicEmit();
    emitter.endOfInput();
    emitter.onPeriodicEmit();
    expect(output.take()).toEqual([
      { record: { sensor: 'a', at: 10 }, timestamp: 10 },
      { watermark: 9 },
      { watermark: MAX },
    ]);
    expect(emitter.getCurrentWatermark()).toBe(MAX);
  });

  it('drops upstream watermarks except MAX_WATERMARK', () => {
    const { output, emitter } = setUp(WatermarkStrategy.noWatermarks<string>());
    emitter.processWatermark(1_000);
    expect(output.take()).toEqual([]);
    emitter.processWatermark(MAX);
    emitter.processWatermark(MAX);
    expect(output.take()).toEqual([{ watermark: MAX }]);
  });

  it('goes idle after the timeout without events and becomes active with the next event', () => {
    const { clock, output, emitter } = setUp(
      WatermarkStrategy.forMonotonousTimestamps<Reading>()
        .withTimestampAssigner((r) => r.at)
        .withIdleness(1_000),
    );
    emitter.processElement({ sensor: 'a', at: 100 }, undefined);
    emitter.onPeriodicEmit(); // t=0: activity
    for (const now of [200, 400, 600, 800, 1_000, 1_200]) {
      clock.now = now;
      emitter.onPeriodicEmit(); // inactivity measured from 200; not yet more than 1_000 ms
    }
    expect(output.take()).toEqual([{ record: { sensor: 'a', at: 100 }, timestamp: 100 }, { watermark: 99 }]);
    expect(emitter.isIdle()).toBe(false);

    clock.now = 1_400;
    emitter.onPeriodicEmit();
    clock.now = 1_600;
    emitter.onPeriodicEmit();
    expect(output.take()).toEqual([{ status: WatermarkStatus.IDLE }]);
    expect(emitter.isIdle()).toBe(true);

    clock.now = 9_000;
    emitter.processElement({ sensor: 'a', at: 200 }, undefined);
    expect(output.take()).toEqual([
      { record: { sensor: 'a', at: 200 }, timestamp: 200 },
      { status: WatermarkStatus.ACTIVE },
    ]);
    clock.now = 9_200;
    emitter.onPeriodicEmit();
    expect(output.take()).toEqual([{ watermark: 199 }]);
    expect(emitter.isIdle()).toBe(false);
  });

  it('forwards each idle/active transition once, and an advancing watermark ends idleness', () => {
    let step = 0;
    const strategy = WatermarkStrategy.forGenerator<string>(() => ({
      onEvent: () => {},
      onPeriodicEmit: (out) => {
        step++;
        if (step <= 2) out.markIdle();
        else if (step === 3) out.emitWatermark(new Watermark(5));
        else if (step === 4) out.markActive();
        else if (step === 5) out.markIdle();
        else out.emitWatermark(new Watermark(5)); // not advancing: stays idle
      },
    }));
    const { output, emitter } = setUp(strategy);
    for (let i = 0; i < 6; i++) emitter.onPeriodicEmit();
    expect(output.take()).toEqual([
      { status: WatermarkStatus.IDLE },
      { status: WatermarkStatus.ACTIVE },
      { watermark: 5 },
      { status: WatermarkStatus.IDLE },
    ]);
    emitter.endOfInput();
    expect(output.take()).toEqual([{ status: WatermarkStatus.ACTIVE }, { watermark: MAX }]);
  });

  it('fails the record, emitting nothing, when the assigner returns a non-number', () => {
    const { output, emitter } = setUp(
      WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner(
        (r) => (r as unknown as { time: number }).time,
      ),
    );
    let error: unknown;
    try {
      emitter.processElement({ sensor: 'a', at: 1 }, undefined);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('INVALID_TIMESTAMP');
    expect((error as UserError).message).toBe(
      'timestamp assigner returned undefined for {"sensor":"a","at":1}; it must return a number of milliseconds',
    );
    expect(output.take()).toEqual([]);
  });

  it('creates its own generator: two emitters from one strategy do not share state', () => {
    const strategy = WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.at);
    const first = setUp(strategy);
    const second = setUp(strategy);
    first.emitter.processElement({ sensor: 'a', at: 500 }, undefined);
    first.emitter.onPeriodicEmit();
    second.emitter.onPeriodicEmit();
    expect(first.emitter.getCurrentWatermark()).toBe(499);
    expect(second.emitter.getCurrentWatermark()).toBe(Watermark.MIN_WATERMARK.timestamp);
  });
});
