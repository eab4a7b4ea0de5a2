import { describe, expect, it } from 'vitest';

import { FreshetError } from '../../common/errors/freshet-error.js';
import {
  AscendingTimestampsWatermarks,
  BoundedOutOfOrdernessWatermarks,
  IdlenessTimer,
  NoWatermarksGenerator,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkOutput,
} from './watermark-generator.js';
import { Watermark } from './watermark.js';

type Emitted = number | 'IDLE' | 'ACTIVE';

/** Records everything a generator emits, without any de-duplication. */
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
  take(): Emitted[] {
    return this.emitted.splice(0);
  }
}

class TestingClock {
  constructor(public now = 0) {}
  currentTimeMillis(): number {
    return this.now;
  }
}

const MIN = Watermark.MIN_WATERMARK.timestamp;

describe('BoundedOutOfOrdernessWatermarks', () => {
  it('emits MIN_WATERMARK before any event, without underflow', () => {
    const output = new TestingWatermarkOutput();
    new BoundedOutOfOrdernessWatermarks<string>(5_000).onPeriodicEmit(output);
    expect(output.take()).toEqual([MIN]);
  });

  it('emits maxSeen - bound - 1 on the periodic tick and nothing on events', () => {
    const generator = new BoundedOutOfOrdernessWatermarks<string>(10);
    const output = new TestingWatermarkOutput();
    generator.onEvent('a', 100, output);
    generator.onEvent('b', 150, output);
    generator.onEvent('c', 120, output); // out of order: does not lower maxSeen
    expect(output.take()).toEqual([]);
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([139]);
    generator.onEvent('d', 151, output);
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([140]);
  });

  it('handles negative timestamps', () => {
    const generator = new BoundedOutOfOrdernessWatermarks<string>(3);
    const output = new TestingWatermarkOutput();
    generator.onEvent('a', -100, output);
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([-104]);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects bound %s', (bound) => {
    expect(() => new BoundedOutOfOrdernessWatermarks(bound)).toThrow(FreshetError);
  });
});

describe('AscendingTimestampsWatermarks', () => {
  it('trails the highest timestamp by 1 ms', () => {
    const generator = new AscendingTimestampsWatermarks<string>();
    const output = new TestingWatermarkOutput();
    generator.onEvent('a', 1_000, output);
    generator.onPeriodicEmit(output);
    generator.onEvent('b', 2_000, output);
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([999, 1_999]);
  });
});

describe('NoWatermarksGenerator', () => {
  it('never emits', () => {
    const generator = new NoWatermarksGenerator<string>();
    const output = new TestingWatermarkOutput();
    generator.onEvent('a', 1_000, output);
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([]);
  });
});

describe('IdlenessTimer', () => {
  it('starts measuring at the first check without activity and is idle strictly after the timeout', () => {
    const clock = new TestingClock(0);
    const timer = new IdlenessTimer(clock, 1_000);
    timer.activity();
    expect(timer.checkIfIdle()).toBe(false); // activity since the last check: reset
    clock.now = 200;
    expect(timer.checkIfIdle()).toBe(false); // no activity: timer starts at 200
    clock.now = 1_200;
    expect(timer.checkIfIdle()).toBe(false); // exactly the timeout is not yet idle
    clock.now = 1_201;
    expect(timer.checkIfIdle()).toBe(true);
    timer.activity();
    expect(timer.checkIfIdle()).toBe(false);
  });

  it('works with a clock that starts at zero', () => {
    const clock = new TestingClock(0);
    const timer = new IdlenessTimer(clock, 10);
    expect(timer.checkIfIdle()).toBe(false);
    clock.now = 11;
    expect(timer.checkIfIdle()).toBe(true);
  });
});

describe('WatermarksWithIdleness', () => {
  function setUp(inner: WatermarkGenerator<string> = new BoundedOutOfOrdernessWatermarks<string>(0)) {
    const clock = new TestingClock(0);
    const output = new TestingWatermarkOutput();
    const generator = new WatermarksWithIdleness(inner, 1_000, clock);
    return { clock, output, generator };
  }

  it('marks idle once after the timeout without events, holding back periodic watermarks', () => {
    const { clock, output, generator } = setUp();
    generator.onEvent('a', 500, output);
    generator.onPeriodicEmit(output); // t=0: activity
    expect(output.take()).toEqual([499]);
    for (const now of [200, 400, 1_200]) {
      clock.now = now;
      generator.onPeriodicEmit(output); // inactivity measured from 200; 1_000 ms is not more than 1_000
    }
    expect(output.take()).toEqual([499, 499, 499]);
    clock.now = 1_400;
    generator.onPeriodicEmit(output);
    clock.now = 1_600;
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual(['IDLE']);
  });

  it('marks active again on the next event, before the wrapped generator sees it', () => {
    const emittingOnEvent: WatermarkGenerator<string> = {
      onEvent: (_event, timestamp, out) => out.emitWatermark(new Watermark(timestamp)),
      onPeriodicEmit: () => {},
    };
    const { clock, output, generator } = setUp(emittingOnEvent);
    generator.onPeriodicEmit(output);
    clock.now = 1_001;
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual(['IDLE']);
    clock.now = 5_000;
    generator.onEvent('a', 42, output);
    generator.onEvent('b', 43, output);
    expect(output.take()).toEqual(['ACTIVE', 42, 43]);
    generator.onPeriodicEmit(output); // activity since the last check: not idle
    expect(output.take()).toEqual([]);
  });

  it('idles again after another quiet period', () => {
    const { clock, output, generator } = setUp();
    generator.onPeriodicEmit(output);
    clock.now = 2_000;
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([MIN, 'IDLE']);
    generator.onEvent('a', 10, output);
    clock.now = 2_200;
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual(['ACTIVE', 9]);
    clock.now = 2_400;
    generator.onPeriodicEmit(output); // starts the inactivity timer
    clock.now = 3_401;
    generator.onPeriodicEmit(output);
    expect(output.take()).toEqual([9, 'IDLE']);
  });

  it.each([0, -5, 0.5])('rejects idle timeout %s', (timeout) => {
    expect(
      () => new WatermarksWithIdleness(new NoWatermarksGenerator(), timeout, new TestingClock()),
    ).toThrow(/idleTimeout must be a whole number of milliseconds, greater than zero/);
  });
});
