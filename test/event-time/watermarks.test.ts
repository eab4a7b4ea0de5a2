/**
 * Watermarks end to end on the in-process runtime, as a downstream operator sees them (a
 * parallelism-1 recorder notes `currentWatermark()` for each record): bounded out-of-orderness
 * values, watermarks emitted from `onEvent`, periodic emission while a slow source runs, the
 * minimum over the inputs of a task, idleness, and the errors for bad timestamps and window
 * arguments.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DynamicEventTimeSessionWindows,
  EventTimeSessionWindows,
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  Watermark,
  WatermarkStrategy,
  type Collector,
  type KeyedStream,
  type ProcessWindowContext,
  type SingleOutputStreamOperator,
  type TimeWindow,
} from 'freshet';
import { CollectionSource, DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { waitFor } from '../support/cli.js';
import {
  ControlledSource,
  MIN_WATERMARK,
  failureOf,
  fullMessage,
  newEnv,
  observe,
  onEveryEvent,
  punctuated,
  rec,
  scripted,
  wm,
  type Observed,
} from './support.js';

const WAIT_MS = 10_000;

interface Ev {
  readonly tag: string;
  readonly ts: number;
}

const ev = (tag: string, ts: number): Ev => ({ tag, ts });

let sources: ControlledSource<unknown>[] = [];
function controlled<T>(): ControlledSource<T> {
  const source = new ControlledSource<T>();
  sources.push(source);
  return source;
}
afterEach(() => {
  for (const source of sources) source.finish();
  sources = [];
});

/** Watermarks seen by consecutive records never go down. */
function expectNonDecreasing(trace: readonly Observed<unknown>[]): void {
  for (let i = 1; i < trace.length; i++) {
    expect(trace[i]!.wm, `record ${i}: ${JSON.stringify(trace[i])}`).toBeGreaterThanOrEqual(trace[i - 1]!.wm);
  }
}

/** The first record tagged `tag` the recorder saw. */
function seen(trace: readonly Observed<Ev>[], tag: string): Observed<Ev> | undefined {
  return trace.find((o) => o.value.tag === tag);
}

/** Waits until records with all of `tags` reached the recorder. */
async function waitSeen(trace: readonly Observed<Ev>[], ...tags: string[]): Promise<void> {
  await waitFor(
    () => tags.every((tag) => seen(trace, tag) !== undefined),
    WAIT_MS,
    () => `records ${tags.join(', ')} downstream; saw ${JSON.stringify(trace)}`,
  );
}

// ---- generators --------------------------------------------------------------------------------

describe('bounded out-of-orderness', () => {
  const timestamps = [100, 90, 130, 120, 125, 200, 150, 199, 300, 280, 281, 500];
  const bound = 20;

  /** Watermark seen by record k: the one emitted after record k - 1 (MIN before the first). */
  function expectedWatermarks(bound: number): number[] {
    let max = Number.NEGATIVE_INFINITY;
    return timestamps.map((ts) => {
      const seenBefore = max === Number.NEGATIVE_INFINITY ? MIN_WATERMARK : max - bound - 1;
      max = Math.max(max, ts);
      return seenBefore;
    });
  }

  it.each([
    ['chained to the assigner', false],
    ['across a network exchange', true],
  ])('the watermark is maxSeen - bound - 1 (%s)', async (_how, exchange) => {
    const env = newEnv(1, 0);
    const stamped = env
      .fromCollection(timestamps.map((ts, i) => ev(`e${i}`, ts)))
      .assignTimestampsAndWatermarks(
        onEveryEvent(WatermarkStrategy.forBoundedOutOfOrderness<Ev>(bound)).withTimestampAssigner(
          (e) => e.ts,
        ),
      )
      .setParallelism(1);
    const trace: Observed<Ev>[] = [];
    await observe(exchange ? stamped.rebalance() : stamped, trace).executeAndCollect();
    expect(expectedWatermarks(bound)[1]).toBe(79); // sanity check of the reference: 100 - 20 - 1
    expect(trace.map((o) => o.wm)).toEqual(expectedWatermarks(bound));
    expect(trace.map((o) => o.ts)).toEqual(timestamps);
  });

  it('forMonotonousTimestamps is the same with a bound of 0: maxSeen - 1', async () => {
    const env = newEnv(1, 0);
    const trace: Observed<Ev>[] = [];
    await observe(
      env
        .fromCollection(timestamps.map((ts, i) => ev(`e${i}`, ts)))
        .assignTimestampsAndWatermarks(
          onEveryEvent(WatermarkStrategy.forMonotonousTimestamps<Ev>()).withTimestampAssigner((e) => e.ts),
        )
        .setParallelism(1),
      trace,
    ).executeAndCollect();
    expect(trace.map((o) => o.wm)).toEqual(expectedWatermarks(0));
  });

  it('a negative or fractional bound is refused', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).toThrow(/maxOutOfOrderness/);
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(1.5)).toThrow(/maxOutOfOrderness/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0)).toThrow(/idleTimeout/);
  });
});

describe('watermarks from onEvent', () => {
  /** Emits Watermark(ts) for events tagged `wm*`, nothing for the others. */
  const onMarked = WatermarkStrategy.forGenerator<Ev>(() => ({
    onEvent: (event, timestamp, output) => {
      if (event.tag.startsWith('wm')) output.emitWatermark(new Watermark(timestamp));
    },
    onPeriodicEmit: () => {},
  })).withTimestampAssigner((e) => e.ts);

  const events = [
    ev('r1', 5),
    ev('wm-a', 10),
    ev('r2', 12),
    ev('wm-b', 20),
    ev('r3', 3),
    ev('wm-c', 15),
    ev('r4', 4),
  ];
  // Each watermark is seen by the record right after its own; wm-c (15 < 20) does not go back.
  const expected = [MIN_WATERMARK, MIN_WATERMARK, 10, 10, 20, 20, 20];

  it.each([
    ['chained', (s: SingleOutputStreamOperator<Ev>) => s],
    ['after rebalance()', (s: SingleOutputStreamOperator<Ev>) => s.rebalance()],
    ['after keyBy()', (s: SingleOutputStreamOperator<Ev>) => s.keyBy(() => 'one').map((e) => e)],
  ])('reach the next operator right after their record (%s)', async (_how, hop) => {
    const env = newEnv(1, 0);
    const stamped = env.fromCollection(events).assignTimestampsAndWatermarks(onMarked).setParallelism(1);
    const trace: Observed<Ev>[] = [];
    await observe(hop(stamped), trace).executeAndCollect();
    expect(trace.map((o) => [o.value.tag, o.wm])).toEqual(events.map((e, i) => [e.tag, expected[i]]));
  });

  it('a source strategy (fromSource) works the same as assignTimestampsAndWatermarks', async () => {
    const env = newEnv(1, 0);
    const trace: Observed<Ev>[] = [];
    await observe(
      env.fromSource(new CollectionSource(events), onMarked, 'events').setParallelism(1),
      trace,
    ).executeAndCollect();
    expect(trace.map((o) => o.wm)).toEqual(expected);
    expect(trace.map((o) => o.ts)).toEqual(events.map((e) => e.ts));
  });

  it('assignTimestampsAndWatermarks replaces upstream watermarks with its own', async () => {
    const env = newEnv(1, 0);
    const silent = WatermarkStrategy.forGenerator<string>(() => ({
      onEvent: () => {},
      onPeriodicEmit: () => {},
    })).withTimestampAssigner(() => 1);
    const trace: Observed<string>[] = [];
    await observe(
      scripted(env, [rec('x', 5), wm(100), rec('y', 6)])
        .assignTimestampsAndWatermarks(silent)
        .setParallelism(1),
      trace,
    ).executeAndCollect();
    expect(trace).toEqual([
      { value: 'x', ts: 1, wm: MIN_WATERMARK },
      { value: 'y', ts: 1, wm: MIN_WATERMARK },
    ]);
  });

  it('noWatermarks() with a timestamp assigner: event-time windows still fire at the end of input', async () => {
    const env = newEnv(1, 0);
    const out = await env
      .fromElements(ev('a', 1), ev('b', 12), ev('c', 15))
      .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<Ev>().withTimestampAssigner((e) => e.ts))
      .setParallelism(1)
      .windowAll(TumblingEventTimeWindows.of(10))
      .reduce((a, b) => ({ tag: a.tag + b.tag, ts: Math.max(a.ts, b.ts) }))
      .executeAndCollect();
    expect(out.map((e) => e.tag).sort()).toEqual(['a', 'bc']);
  });
});

describe('periodic emission', () => {
  it('forBoundedOutOfOrderness emits every auto-watermark interval while a slow source runs', async () => {
    const COUNT = 60;
    const bound = 5;
    const env = newEnv(1, 20);
    const source = new DataGeneratorSource<Ev>(
      (i) => ev(`e${i}`, 1_000 + i * 10),
      COUNT,
      RateLimiterStrategy.perSecond(100),
    );
    const trace: Observed<Ev>[] = [];
    const job = observe(
      env
        .fromSource(
          source,
          WatermarkStrategy.forBoundedOutOfOrderness<Ev>(bound).withTimestampAssigner((e) => e.ts),
          'slow',
        )
        .setParallelism(1),
      trace,
    ).executeAndCollect();
    let failed: unknown;
    job.catch((error: unknown) => (failed = error));
    await waitFor(
      () => failed !== undefined || trace.some((o) => o.wm > MIN_WATERMARK),
      WAIT_MS,
      'a record that saw a periodic watermark',
    );
    // The watermark arrived while the source was still running: periodic, not the end of input.
    expect(trace.length).toBeLessThan(COUNT);
    await job;

    expect(trace).toHaveLength(COUNT);
    expectNonDecreasing(trace);
    const advanced = new Set(trace.map((o) => o.wm).filter((w) => w > MIN_WATERMARK));
    expect(advanced.size, `distinct watermarks: ${[...advanced].join(', ')}`).toBeGreaterThanOrEqual(3);
    let max = Number.NEGATIVE_INFINITY;
    for (const o of trace) {
      if (o.wm > MIN_WATERMARK) {
        // A watermark is maxSeen - bound - 1 for the records emitted before this one.
        expect(o.wm).toBeLessThanOrEqual(max - bound - 1);
        expect((o.wm + bound + 1 - 1_000) % 10).toBe(0);
      }
      max = Math.max(max, o.ts!);
    }
  });
});

// ---- several inputs ----------------------------------------------------------------------------

describe('a task with several inputs', () => {
  it('sees the minimum of its input watermarks, and nothing before every input reported', async () => {
    const env = newEnv(1, 0);
    const a = controlled<Ev>();
    const b = controlled<Ev>();
    const strategy = punctuated<Ev>((e) => e.ts);
    const trace: Observed<Ev>[] = [];
    const job = observe(
      env.fromSource(a, strategy, 'A').union(env.fromSource(b, strategy, 'B')),
      trace,
    ).executeAndCollect();

    // A is at 100, B at 10. A marker after each watermark shows it was processed downstream.
    a.push(ev('a1', 100), ev('a-marker', 100));
    b.push(ev('b1', 10), ev('b-marker', 10));
    await waitSeen(trace, 'a-marker', 'b-marker');
    a.push(ev('probe1', 100));
    await waitSeen(trace, 'probe1');
    expect(seen(trace, 'probe1')!.wm).toBe(10);

    // B moves past A: now A holds the minimum.
    b.push(ev('b2', 500), ev('b-marker2', 500));
    await waitSeen(trace, 'b-marker2');
    a.push(ev('probe2', 100));
    b.push(ev('probe3', 500));
    await waitSeen(trace, 'probe2', 'probe3');
    expect(seen(trace, 'probe2')!.wm).toBe(100);
    expect(seen(trace, 'probe3')!.wm).toBe(100);

    a.finish();
    b.finish();
    await job;
    expectNonDecreasing(trace);
    // Never the maximum of the inputs: 500 was never reached while A stood at 100.
    for (const o of trace) expect([MIN_WATERMARK, 10, 100], JSON.stringify(o)).toContain(o.wm);
  });

  it('an input without watermarks holds the task at MIN_WATERMARK', async () => {
    const env = newEnv(1, 20);
    const a = controlled<Ev>();
    const b = controlled<Ev>();
    const trace: Observed<Ev>[] = [];
    const job = observe(
      env
        .fromSource(
          a,
          punctuated<Ev>((e) => e.ts),
          'A',
        )
        .union(
          env.fromSource(
            b,
            WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((e) => e.ts),
            'B',
          ),
        ),
      trace,
    ).executeAndCollect();
    a.push(ev('a1', 1_000));
    let probes = 0;
    await waitFor(
      () => {
        if (trace.length >= 10) return true;
        a.push(ev(`probe${probes++}`, 1_000));
        return false;
      },
      WAIT_MS,
      () => `10 records downstream; saw ${trace.length}`,
    );
    expect(
      trace.every((o) => o.wm === MIN_WATERMARK),
      JSON.stringify(trace),
    ).toBe(true);
    a.finish();
    b.finish();
    await job;
  });

  it('an idle input (withIdleness) does not hold the watermark back, and coming back does not make it regress', async () => {
    const env = newEnv(1, 20);
    const a = controlled<Ev>();
    const b = controlled<Ev>();
    const trace: Observed<Ev>[] = [];
    const job = observe(
      env
        .fromSource(
          a,
          punctuated<Ev>((e) => e.ts),
          'A',
        )
        .union(
          env.fromSource(
            b,
            WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0)
              .withTimestampAssigner((e) => e.ts)
              .withIdleness(50),
            'B (idle)',
          ),
        ),
      trace,
    ).executeAndCollect();
    a.push(ev('a1', 1_000));
    let probes = 0;
    await waitFor(
      () => {
        if (trace.some((o) => o.wm >= 1_000)) return true;
        a.push(ev(`probe${probes++}`, 1_000));
        return false;
      },
      WAIT_MS,
      () => `the watermark of A downstream while B is idle; saw ${JSON.stringify(trace.slice(-3))}`,
    );
    // B is still running (it never finished), yet the downstream watermark is A's.
    expect(trace.find((o) => o.wm >= 1_000)!.wm).toBe(1_000);

    // B wakes up behind the output watermark: the output does not go back.
    b.push(ev('b-late', 500), ev('b-marker', 500));
    await waitSeen(trace, 'b-marker');
    a.push(ev('a-after', 1_000));
    await waitSeen(trace, 'a-after');
    expect(seen(trace, 'a-after')!.wm).toBeGreaterThanOrEqual(1_000);
    a.finish();
    b.finish();
    await job;
    expectNonDecreasing(trace);
  });
});

// ---- errors ------------------------------------------------------------------------------------

describe('bad timestamps', () => {
  const bad: [string, unknown][] = [
    ['a string', '2024-01-01T00:00:00Z'],
    ['undefined', undefined],
    ['null', null],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ];

  it.each(bad)(
    'a timestamp assigner returning %s fails the job with an error about the timestamp assigner',
    async (_what, value) => {
      const error = await failureOf(
        newEnv(1)
          .fromElements({ when: value })
          .assignTimestampsAndWatermarks(
            WatermarkStrategy.forMonotonousTimestamps<{ when: unknown }>().withTimestampAssigner(
              (e) => e.when as number,
            ),
          )
          .setParallelism(1)
          .name('stamper')
          .executeAndCollect(),
      );
      expect(error.message).toMatch(/timestamp assigner/i);
      expect(error.message).toContain('stamper');
    },
  );

  it('the same from a source strategy (fromSource)', async () => {
    const error = await failureOf(
      newEnv(1)
        .fromSource(
          new CollectionSource([{ when: 'yesterday' }]),
          WatermarkStrategy.forBoundedOutOfOrderness<{ when: string }>(10).withTimestampAssigner(
            (e) => e.when as unknown as number,
          ),
          'events',
        )
        .executeAndCollect(),
    );
    expect(error.message).toMatch(/timestamp assigner/i);
    expect(error.message).toContain('events');
    expect(error.message).toContain('yesterday');
  });

  class Count extends ProcessWindowFunction<Ev, string, string, TimeWindow> {
    process(
      key: string,
      _ctx: ProcessWindowContext<TimeWindow>,
      elements: Ev[],
      out: Collector<string>,
    ): void {
      out.collect(`${key}:${elements.length}`);
    }
  }

  it.each([
    [
      'TumblingEventTimeWindows',
      (k: KeyedStream<Ev, string>) => k.window(TumblingEventTimeWindows.of(10)).process(new Count()),
    ],
    [
      'SlidingEventTimeWindows',
      (k: KeyedStream<Ev, string>) => k.window(SlidingEventTimeWindows.of(10, 5)).process(new Count()),
    ],
    [
      'EventTimeSessionWindows',
      (k: KeyedStream<Ev, string>) => k.window(EventTimeSessionWindows.withGap(10)).process(new Count()),
    ],
    [
      'DynamicEventTimeSessionWindows',
      (k: KeyedStream<Ev, string>) =>
        k.window(EventTimeSessionWindows.withDynamicGap<Ev>(() => 10)).process(new Count()),
    ],
  ])(
    'a record without a timestamp reaching %s fails the job naming the window operator and assignTimestampsAndWatermarks',
    async (_assigner, windowed) => {
      const env = newEnv(2);
      const error = await failureOf(
        windowed(env.fromElements(ev('a', 1), ev('b', 2)).keyBy((e) => e.tag))
          .name('per-tag-windows')
          .executeAndCollect(),
      );
      expect(error.message).toContain('per-tag-windows');
      expect(error.message).toContain('assignTimestampsAndWatermarks');
    },
  );

  it('the same for windowAll', async () => {
    const error = await failureOf(
      newEnv(1)
        .fromElements(1, 2, 3)
        .windowAll(TumblingEventTimeWindows.of(10))
        .reduce((a, b) => a + b)
        .name('all-windows')
        .executeAndCollect(),
    );
    expect(error.message).toContain('all-windows');
    expect(error.message).toContain('assignTimestampsAndWatermarks');
  });
});

describe('window arguments', () => {
  it.each([
    ['TumblingEventTimeWindows.of(0)', () => TumblingEventTimeWindows.of(0), /abs\(offset\) < size/],
    ['TumblingEventTimeWindows.of(-10)', () => TumblingEventTimeWindows.of(-10), /abs\(offset\) < size/],
    [
      'TumblingEventTimeWindows.of(10, 10)',
      () => TumblingEventTimeWindows.of(10, 10),
      /abs\(offset\) < size/,
    ],
    [
      'TumblingEventTimeWindows.of(10, -10)',
      () => TumblingEventTimeWindows.of(10, -10),
      /abs\(offset\) < size/,
    ],
    ['TumblingEventTimeWindows.of(2.5)', () => TumblingEventTimeWindows.of(2.5), /size/],
    [
      'SlidingEventTimeWindows.of(10, 0)',
      () => SlidingEventTimeWindows.of(10, 0),
      /abs\(offset\) < slide and size > 0/,
    ],
    [
      'SlidingEventTimeWindows.of(0, 5)',
      () => SlidingEventTimeWindows.of(0, 5),
      /abs\(offset\) < slide and size > 0/,
    ],
    [
      'SlidingEventTimeWindows.of(10, 5, 5)',
      () => SlidingEventTimeWindows.of(10, 5, 5),
      /abs\(offset\) < slide/,
    ],
    ['SlidingEventTimeWindows.of(10, -5)', () => SlidingEventTimeWindows.of(10, -5), /abs\(offset\) < slide/],
    ['EventTimeSessionWindows.withGap(0)', () => EventTimeSessionWindows.withGap(0), /0 < size/],
    ['EventTimeSessionWindows.withGap(-1)', () => EventTimeSessionWindows.withGap(-1), /0 < size/],
  ])('%s is refused with a clear error', (_call, make, message) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(message);
    expect(thrown).toMatchObject({ code: 'INVALID_WINDOW_ARGUMENT' });
  });

  it('valid arguments are accepted (offset within the size, negative offsets included)', () => {
    expect(TumblingEventTimeWindows.of(10, 9).getSize()).toBe(10);
    expect(TumblingEventTimeWindows.of(10, -9).getSize()).toBe(10);
    expect(SlidingEventTimeWindows.of(10, 5, -4).getSlide()).toBe(5);
    expect(EventTimeSessionWindows.withGap(1).getGap()).toBe(1);
    expect(DynamicEventTimeSessionWindows.withDynamicGap<number>(() => 1).isEventTime()).toBe(true);
  });

  it('a negative allowed lateness is refused', () => {
    const keyed = newEnv(1)
      .fromElements(1)
      .keyBy((v) => v);
    expect(() => keyed.window(TumblingEventTimeWindows.of(10)).allowedLateness(-1)).toThrow(/lateness/i);
  });

  it.each([
    ['0', 0],
    ['-5', -5],
    ['NaN', Number.NaN],
  ])('a session gap extractor returning %s fails the job with a clear error', async (_what, gap) => {
    const late = new OutputTag<Ev>('unused');
    const error = await failureOf(
      scripted(newEnv(1, 0), [rec(ev('a', 1), 1)])
        .keyBy((e) => e.tag)
        .window(EventTimeSessionWindows.withDynamicGap<Ev>(() => gap))
        .sideOutputLateData(late)
        .reduce((x) => x)
        .name('dynamic-sessions')
        .executeAndCollect(),
    );
    expect(error.message).toContain('dynamic-sessions');
    expect(error.message).toMatch(/gap/);
    expect(fullMessage(error)).toMatch(/0 < gap/);
  });
});

// ---- known deviations from Flink ----------------------------------------------------------------

describe('assignTimestampsAndWatermarks parallelism', () => {
  it('assignTimestampsAndWatermarks takes the parallelism of its input (Flink: 1:1 with the source, chained)', () => {
    const env = newEnv(3);
    const stamped = env
      .fromElements(1, 2, 3)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x),
      );
    expect(stamped.getParallelism()).toBe(1);
    const vertices = env.getPipeline().jobGraph.vertices.map((v) => v.name);
    expect(vertices[0]).toMatch(/Collection Source.*Timestamps\/Watermarks/);
  });

  it('a punctuated watermark after fromElements at env parallelism 3 makes a later record late', async () => {
    const late = new OutputTag<Ev>('late');
    const env = newEnv(3, 0);
    const windows = env
      .fromElements(ev('a', 100), ev('wm', 1_500), ev('a', 200))
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forGenerator<Ev>(() => ({
          onEvent: (e, ts, output) => {
            if (e.tag === 'wm') output.emitWatermark(new Watermark(ts));
          },
          onPeriodicEmit: () => {},
        })).withTimestampAssigner((e) => e.ts),
      )
      .keyBy((e) => e.tag)
      .window(TumblingEventTimeWindows.of(1_000))
      .sideOutputLateData(late)
      .reduce((x, y) => ({ tag: x.tag, ts: x.ts + y.ts }));
    const out = await windows
      .map((e) => `window:${e.ts}`)
      .union(windows.getSideOutput(late).map((e) => `late:${e.ts}`))
      .executeAndCollect();
    // Flink: the generator runs in the source's chain and sees every event in order, so the
    // record at 200 comes after Watermark(1500) and is late for [0, 1000). (The marker itself
    // is a record of key 'wm'.)
    expect(out.sort()).toEqual(['late:200', 'window:100', 'window:1500']);
  });
});
