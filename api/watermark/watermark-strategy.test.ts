import { describe, expect, it } from 'vitest';

import { type FreshetError, UserError } from '../../common/errors/freshet-error.js';
import { NO_TIMESTAMP } from './timestamp-assigner.js';
import type { WatermarkOutput } from './watermark-generator.js';
import { WatermarkStrategy } from './watermark-strategy.js';
import { Watermark } from './watermark.js';

type Emitted = number | 'IDLE' | 'ACTIVE';

class TestingWatermarkOutput implements WatermarkOutput {
  readonly emitted: Emitted[] = [];
  emitWatermark(watermark: Watermark): void {
    this.emitted.push(watermark.timestamp);
  }
  markIdle(): void {
    this.emitted.push('IDLE');
  }
  markActive(): void {
    this.emitted.push('ACTIVE');
  }
}

class TestingClock {
  constructor(public now = 0) {}
  currentTimeMillis(): number {
    return this.now;
  }
}

interface Click {
  readonly user: string;
  readonly at: number;
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

describe('WatermarkStrategy', () => {
  it('forBoundedOutOfOrderness: watermark = maxSeen - bound - 1', () => {
    const generator = WatermarkStrategy.forBoundedOutOfOrderness<Click>(5_000).createWatermarkGenerator(
      new TestingClock(),
    );
    const output = new TestingWatermarkOutput();
    generator.onEvent({ user: 'a', at: 10_000 }, 10_000, output);
    generator.onEvent({ user: 'b', at: 7_000 }, 7_000, output);
    generator.onPeriodicEmit(output);
    expect(output.emitted).toEqual([4_999]);
  });

  it('forBoundedOutOfOrderness accepts 0 and rejects a negative bound with a clear error', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(0)).not.toThrow();
    const error = thrownBy(() => WatermarkStrategy.forBoundedOutOfOrderness(-1));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('INVALID_WATERMARK_STRATEGY');
    expect((error as UserError).message).toBe(
      'maxOutOfOrderness must be a whole number of milliseconds, zero or more; got -1',
    );
  });

  it('forMonotonousTimestamps: watermark = maxSeen - 1', () => {
    const generator = WatermarkStrategy.forMonotonousTimestamps<Click>().createWatermarkGenerator(
      new TestingClock(),
    );
    const output = new TestingWatermarkOutput();
    generator.onEvent({ user: 'a', at: 100 }, 100, output);
    generator.onPeriodicEmit(output);
    generator.onEvent({ user: 'a', at: 300 }, 300, output);
    generator.onPeriodicEmit(output);
    expect(output.emitted).toEqual([99, 299]);
  });

  it('noWatermarks never emits', () => {
    const generator = WatermarkStrategy.noWatermarks<Click>().createWatermarkGenerator(new TestingClock());
    const output = new TestingWatermarkOutput();
    generator.onEvent({ user: 'a', at: 100 }, 100, output);
    generator.onPeriodicEmit(output);
    expect(output.emitted).toEqual([]);
  });

  it('forGenerator hands the supplier the context and creates a fresh generator each time', () => {
    const clock = new TestingClock(7);
    const seen: number[] = [];
    const strategy = WatermarkStrategy.forGenerator<Click>((context) => {
      seen.push(context.currentTimeMillis());
      let max = Number.MIN_SAFE_INTEGER;
      return {
        onEvent: (_event, timestamp, out) => {
          max = Math.max(max, timestamp);
          out.emitWatermark(new Watermark(max));
        },
        onPeriodicEmit: () => {},
      };
    });
    const first = strategy.createWatermarkGenerator(clock);
    const second = strategy.createWatermarkGenerator(clock);
    expect(first).not.toBe(second);
    expect(seen).toEqual([7, 7]);
    const output = new TestingWatermarkOutput();
    first.onEvent({ user: 'a', at: 5 }, 5, output);
    expect(output.emitted).toEqual([5]);
  });

  it('withIdleness wraps the generator and measures time with the context clock', () => {
    const clock = new TestingClock(0);
    const generator = WatermarkStrategy.forMonotonousTimestamps<Click>()
      .withIdleness(100)
      .createWatermarkGenerator(clock);
    const output = new TestingWatermarkOutput();
    generator.onEvent({ user: 'a', at: 10 }, 10, output);
    generator.onPeriodicEmit(output); // activity
    clock.now = 50;
    generator.onPeriodicEmit(output); // inactivity timer starts at 50
    clock.now = 151;
    generator.onPeriodicEmit(output);
    generator.onEvent({ user: 'a', at: 20 }, 20, output);
    expect(output.emitted).toEqual([9, 9, 'IDLE', 'ACTIVE']);
  });

  it('withIdleness rejects a timeout that is not greater than zero', () => {
    const error = thrownBy(() => WatermarkStrategy.noWatermarks().withIdleness(0));
    expect((error as FreshetError).code).toBe('INVALID_WATERMARK_STRATEGY');
  });

  it('is immutable: each with* returns a new strategy and leaves the original alone', () => {
    const base = WatermarkStrategy.forMonotonousTimestamps<Click>();
    const withAssigner = base.withTimestampAssigner((click) => click.at);
    const withIdleness = withAssigner.withIdleness(1_000);
    expect(withAssigner).not.toBe(base);
    expect(withIdleness).not.toBe(withAssigner);
    const click = { user: 'a', at: 123 };
    expect(base.createTimestampAssigner()(click, 5)).toBe(5);
    expect(withAssigner.createTimestampAssigner()(click, 5)).toBe(123);
    expect(withIdleness.createTimestampAssigner()(click, 5)).toBe(123);

    // base has no idleness: it never marks idle however long it waits.
    const clock = new TestingClock(0);
    const output = new TestingWatermarkOutput();
    const generator = base.createWatermarkGenerator(clock);
    generator.onPeriodicEmit(output);
    clock.now = 1_000_000;
    generator.onPeriodicEmit(output);
    expect(output.emitted).not.toContain('IDLE');
  });

  it('withTimestampAssigner keeps the idleness chosen before it', () => {
    const clock = new TestingClock(0);
    const generator = WatermarkStrategy.noWatermarks<Click>()
      .withIdleness(10)
      .withTimestampAssigner((click) => click.at)
      .createWatermarkGenerator(clock);
    const output = new TestingWatermarkOutput();
    generator.onPeriodicEmit(output);
    clock.now = 11;
    generator.onPeriodicEmit(output);
    expect(output.emitted).toEqual(['IDLE']);
  });
});

describe('WatermarkStrategy.createTimestampAssigner', () => {
  it('defaults to the record timestamp (Flink RecordTimestampAssigner), keeping "no timestamp"', () => {
    const assign = WatermarkStrategy.forMonotonousTimestamps<Click>().createTimestampAssigner();
    expect(assign({ user: 'a', at: 1 }, 42)).toBe(42);
    expect(assign({ user: 'a', at: 1 }, undefined)).toBeUndefined();
    expect(NO_TIMESTAMP).toBe(Watermark.MIN_WATERMARK.timestamp);
  });

  it('accepts a function and passes the record timestamp', () => {
    const calls: [Click, number | undefined][] = [];
    const assign = WatermarkStrategy.forMonotonousTimestamps<Click>()
      .withTimestampAssigner((click, recordTimestamp) => {
        calls.push([click, recordTimestamp]);
        return click.at;
      })
      .createTimestampAssigner();
    const click = { user: 'a', at: 77 };
    expect(assign(click, 5)).toBe(77);
    expect(assign(click, undefined)).toBe(77);
    expect(calls).toEqual([
      [click, 5],
      [click, undefined],
    ]);
  });

  it('accepts an object with extractTimestamp and keeps its `this`', () => {
    const assigner = {
      offset: 1_000,
      extractTimestamp(click: Click): number {
        return click.at + this.offset;
      },
    };
    const assign = WatermarkStrategy.noWatermarks<Click>()
      .withTimestampAssigner(assigner)
      .createTimestampAssigner();
    expect(assign({ user: 'a', at: 1 }, undefined)).toBe(1_001);
  });

  it.each([
    ['a string', (): unknown => '2024-01-01', '"2024-01-01"'],
    ['undefined', (): unknown => undefined, 'undefined'],
    ['NaN', (): unknown => Number.NaN, 'NaN'],
    ['Infinity', (): unknown => Number.POSITIVE_INFINITY, 'Infinity'],
    ['null', (): unknown => null, 'null'],
  ])('throws INVALID_TIMESTAMP when the assigner returns %s', (_what, extract, shown) => {
    const assign = WatermarkStrategy.forMonotonousTimestamps<Click>()
      .withTimestampAssigner(extract as (click: Click) => number)
      .createTimestampAssigner();
    const error = thrownBy(() => assign({ user: 'ann', at: 3 }, undefined));
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('INVALID_TIMESTAMP');
    expect((error as UserError).domain).toBe('user');
    expect((error as UserError).message).toBe(
      `timestamp assigner returned ${shown} for {"user":"ann","at":3}; it must return a number of milliseconds`,
    );
  });

  it('still describes events that JSON cannot encode, and shortens long ones', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const assign = WatermarkStrategy.noWatermarks<unknown>()
      .withTimestampAssigner(() => Number.NaN)
      .createTimestampAssigner();
    expect((thrownBy(() => assign(cyclic, 1)) as Error).message).toContain('for [object Object];');
    expect((thrownBy(() => assign(10n, 1)) as Error).message).toContain('for 10;');
    const long = (thrownBy(() => assign('x'.repeat(1_000), 1)) as Error).message;
    expect(long.length).toBeLessThan(300);
    expect(long).toContain('...');
  });

  it('lets an exception thrown by the assigner itself propagate unchanged', () => {
    const boom = new Error('boom');
    const assign = WatermarkStrategy.noWatermarks<Click>()
      .withTimestampAssigner(() => {
        throw boom;
      })
      .createTimestampAssigner();
    expect(thrownBy(() => assign({ user: 'a', at: 1 }, 1))).toBe(boom);
  });
});
