/**
 * Windows end to end on the in-process runtime at parallelism 3, keys spread over all subtasks:
 * tumbling, sliding and session windows against a small reference implementation written here,
 * count windows, windowAll, allowed lateness (a late-but-allowed element fires its window again
 * at once) and the late side output (only for an element every one of whose windows dropped it).
 */
import { describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  OutputTag,
  ProcessAllWindowFunction,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type DataStream,
  type KeyedStream,
  type ProcessWindowContext,
  type SingleOutputStreamOperator,
  type TimeWindow,
  type WindowAssigner,
} from 'freshet';
import { DataGeneratorSource } from 'freshet/connectors';
import {
  discardingSink,
  keysPerSubtask,
  lcg,
  newEnv,
  observe,
  onEveryEvent,
  rec,
  scripted,
  subtaskOf,
  wm,
  type Observed,
  type Step,
} from './support.js';

const P = 3;

interface Click {
  readonly user: string;
  readonly ts: number;
  readonly v: number;
}

/** One fired window, as the job and the reference implementation both describe it. */
interface Fired {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly sum: number;
  readonly count: number;
}

interface FiredOn extends Fired {
  readonly subtask: number;
}

const byWindow = (a: Fired, b: Fired): number =>
  a.key.localeCompare(b.key) || a.start - b.start || a.end - b.end || a.sum - b.sum;

const plain = ({ key, start, end, sum, count }: Fired): Fired => ({ key, start, end, sum, count });

// ---- reference implementation ------------------------------------------------------------------

function windowStart(ts: number, size: number, offset = 0): number {
  const r = (ts - offset) % size;
  return r < 0 ? ts - (r + size) : ts - r;
}

function aggregateInto(
  windows: Map<string, Fired>,
  key: string,
  start: number,
  end: number,
  v: number,
): void {
  const id = `${key}|${start}|${end}`;
  const w = windows.get(id) ?? { key, start, end, sum: 0, count: 0 };
  windows.set(id, { ...w, sum: w.sum + v, count: w.count + 1 });
}

function tumblingReference(clicks: readonly Click[], size: number, offset = 0): Fired[] {
  const windows = new Map<string, Fired>();
  for (const c of clicks) {
    const start = windowStart(c.ts, size, offset);
    aggregateInto(windows, c.user, start, start + size, c.v);
  }
  return [...windows.values()].sort(byWindow);
}

function slidingReference(clicks: readonly Click[], size: number, slide: number): Fired[] {
  const windows = new Map<string, Fired>();
  for (const c of clicks) {
    for (let start = windowStart(c.ts, slide); start > c.ts - size; start -= slide) {
      aggregateInto(windows, c.user, start, start + size, c.v);
    }
  }
  return [...windows.values()].sort(byWindow);
}

/** Sessions per key: windows [ts, ts + gap) merged while they overlap or touch. */
function sessionReference(clicks: readonly Click[], gapOf: number | ((click: Click) => number)): Fired[] {
  const gap = (c: Click): number => (typeof gapOf === 'number' ? gapOf : gapOf(c));
  const perKey = new Map<string, Click[]>();
  for (const c of clicks) perKey.set(c.user, [...(perKey.get(c.user) ?? []), c]);
  const result: Fired[] = [];
  for (const [key, events] of perKey) {
    const sorted = [...events].sort((a, b) => a.ts - b.ts);
    let current: Fired | undefined;
    for (const c of sorted) {
      if (current !== undefined && c.ts <= current.end) {
        current = {
          ...current,
          end: Math.max(current.end, c.ts + gap(c)),
          sum: current.sum + c.v,
          count: current.count + 1,
        };
      } else {
        if (current !== undefined) result.push(current);
        current = { key, start: c.ts, end: c.ts + gap(c), sum: c.v, count: 1 };
      }
    }
    if (current !== undefined) result.push(current);
  }
  return result.sort(byWindow);
}

// ---- test data ---------------------------------------------------------------------------------

const USERS = keysPerSubtask(P, 3, 'user-').flat();
const MAX_DISORDER = 39;
const BOUND = 50;

/**
 * `count` clicks whose timestamps go up by 13 ms per click with up to MAX_DISORDER ms of
 * disorder: every click is within BOUND of the highest timestamp before it, so with a
 * bounded-out-of-orderness watermark of BOUND nothing is ever late.
 */
function steadyClicks(count: number, seed: number): Click[] {
  const random = lcg(seed);
  return Array.from({ length: count }, (_, i) => ({
    user: USERS[Math.floor(random() * USERS.length)]!,
    ts: 1_000 + i * 13 - Math.floor(random() * (MAX_DISORDER + 1)),
    v: 1 + Math.floor(random() * 100),
  }));
}

/** Bursts of activity per user with pauses between them, interleaved by time (for sessions). */
function burstyClicks(seed: number): Click[] {
  const random = lcg(seed);
  const clicks: Click[] = [];
  for (const user of USERS) {
    let t = Math.floor(random() * 500);
    for (let burst = 0; burst < 4; burst++) {
      const n = 1 + Math.floor(random() * 6);
      for (let i = 0; i < n; i++) {
        t += Math.floor(random() * 60);
        clicks.push({ user, ts: t, v: 1 + Math.floor(random() * 100) });
      }
      t += 100 + Math.floor(random() * 300);
    }
  }
  // Arrival order: by time, each click pushed back by up to MAX_DISORDER ms.
  const arrival = clicks.map((c) => ({ c, at: c.ts + Math.floor(random() * (MAX_DISORDER + 1)) }));
  return arrival.sort((a, b) => a.at - b.at).map((a) => a.c);
}

function maxDisorder(clicks: readonly Click[]): number {
  let max = Number.NEGATIVE_INFINITY;
  let disorder = 0;
  for (const c of clicks) {
    disorder = Math.max(disorder, max - c.ts);
    max = Math.max(max, c.ts);
  }
  return disorder;
}

// ---- the jobs ----------------------------------------------------------------------------------

const sumCount: AggregateFunction<Click, { sum: number; count: number }, { sum: number; count: number }> = {
  createAccumulator: () => ({ sum: 0, count: 0 }),
  add: (c, acc) => ({ sum: acc.sum + c.v, count: acc.count + 1 }),
  getResult: (acc) => acc,
  merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
};

/** Describes a window from its pre-aggregated sum and count, with the subtask that fired it. */
class DescribeAggregate extends ProcessWindowFunction<
  { sum: number; count: number },
  FiredOn,
  string,
  TimeWindow
> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    elements: { sum: number; count: number }[],
    out: Collector<FiredOn>,
  ): void {
    const [{ sum, count }] = elements as [{ sum: number; count: number }];
    out.collect({
      key,
      start: ctx.window.start,
      end: ctx.window.end,
      sum,
      count,
      subtask: this.getRuntimeContext().getIndexOfThisSubtask(),
    });
  }
}

/** Describes a window from all its elements. */
class DescribeElements extends ProcessWindowFunction<Click, FiredOn, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    elements: Click[],
    out: Collector<FiredOn>,
  ): void {
    out.collect({
      key,
      start: ctx.window.start,
      end: ctx.window.end,
      sum: elements.reduce((s, c) => s + c.v, 0),
      count: elements.length,
      subtask: this.getRuntimeContext().getIndexOfThisSubtask(),
    });
  }
}

type WindowFn = (
  keyed: KeyedStream<Click, string>,
  assigner: WindowAssigner<Click, TimeWindow>,
) => SingleOutputStreamOperator<FiredOn>;

/** The four ways to evaluate a window; all must give the same result. */
const FUNCTIONS: [string, WindowFn][] = [
  ['aggregate + ProcessWindowFunction', (k, a) => k.window(a).aggregate(sumCount, new DescribeAggregate())],
  ['process', (k, a) => k.window(a).process(new DescribeElements())],
  [
    'reduce + ProcessWindowFunction',
    (k, a) =>
      k
        .map((c) => ({ ...c, n: 1 }))
        .keyBy((c) => c.user)
        .window(a as unknown as WindowAssigner<Click & { n: number }, TimeWindow>)
        .reduce(
          (x, y) => ({ ...x, v: x.v + y.v, n: x.n + y.n }),
          new (class extends ProcessWindowFunction<Click & { n: number }, FiredOn, string, TimeWindow> {
            process(
              key: string,
              ctx: ProcessWindowContext<TimeWindow>,
              elements: (Click & { n: number })[],
              out: Collector<FiredOn>,
            ): void {
              const [r] = elements as [Click & { n: number }];
              out.collect({
                key,
                start: ctx.window.start,
                end: ctx.window.end,
                sum: r.v,
                count: r.n,
                subtask: this.getRuntimeContext().getIndexOfThisSubtask(),
              });
            }
          })(),
        ),
  ],
  [
    'apply (WindowFunction)',
    (k, a) =>
      k.window(a).apply<FiredOn>((key, window, input, out) =>
        out.collect({
          key,
          start: window.start,
          end: window.end,
          sum: input.reduce((s, c) => s + c.v, 0),
          count: input.length,
          subtask: -1,
        }),
      ),
  ],
];

/** p=1 collection source with a per-event bounded-out-of-orderness watermark. */
function fromCollectionSource(
  clicks: readonly Click[],
): (env: ReturnType<typeof newEnv>) => DataStream<Click> {
  return (env) =>
    env
      .fromCollection(clicks)
      .assignTimestampsAndWatermarks(
        onEveryEvent(WatermarkStrategy.forBoundedOutOfOrderness<Click>(BOUND)).withTimestampAssigner(
          (c) => c.ts,
        ),
      )
      .setParallelism(1);
}

/** p=3 generator source (three contiguous splits) with periodic bounded-out-of-orderness watermarks. */
function fromGeneratorSource(
  clicks: readonly Click[],
): (env: ReturnType<typeof newEnv>) => DataStream<Click> {
  return (env) =>
    env.fromSource(
      new DataGeneratorSource<Click>((i) => clicks[i]!, clicks.length),
      WatermarkStrategy.forBoundedOutOfOrderness<Click>(BOUND).withTimestampAssigner((c) => c.ts),
      'clicks',
    );
}

const SOURCES: [
  string,
  (clicks: readonly Click[]) => (env: ReturnType<typeof newEnv>) => DataStream<Click>,
][] = [
  ['a parallelism-1 collection source, a watermark after every event', fromCollectionSource],
  ['a parallelism-3 generator source, periodic watermarks', fromGeneratorSource],
];

async function runWindows(
  source: (env: ReturnType<typeof newEnv>) => DataStream<Click>,
  windowFn: WindowFn,
  assigner: WindowAssigner<Click, TimeWindow>,
): Promise<FiredOn[]> {
  const env = newEnv(P, 10);
  const trace: Observed<FiredOn>[] = [];
  const windows = windowFn(
    source(env).keyBy((c) => c.user),
    assigner,
  ).name('windows');
  const out = await observe(windows, trace).executeAndCollect();
  // Window results carry the window's max timestamp.
  for (const o of trace) expect(o.ts, JSON.stringify(o)).toBe(o.value.end - 1);
  // Each key's windows are fired by the subtask that owns the key.
  for (const f of out) if (f.subtask !== -1) expect(f.subtask, f.key).toBe(subtaskOf(f.key, P));
  return out;
}

describe('event-time windows at parallelism 3 match the reference', () => {
  const steady = steadyClicks(400, 7);
  const bursty = burstyClicks(11);

  it('the test data is as intended: bounded disorder, keys on every subtask', () => {
    expect(maxDisorder(steady)).toBeLessThan(BOUND);
    expect(maxDisorder(steady)).toBeGreaterThan(10);
    expect(maxDisorder(bursty)).toBeLessThan(BOUND);
    expect(new Set(steady.map((c) => subtaskOf(c.user, P)))).toEqual(new Set([0, 1, 2]));
    expect(new Set(bursty.map((c) => subtaskOf(c.user, P)))).toEqual(new Set([0, 1, 2]));
    // The reference on a hand-checked case: tumbling 10 and negative timestamps.
    expect(
      tumblingReference(
        [
          { user: 'u', ts: -3, v: 1 },
          { user: 'u', ts: 9, v: 2 },
        ],
        10,
      ),
    ).toEqual([
      { key: 'u', start: -10, end: 0, sum: 1, count: 1 },
      { key: 'u', start: 0, end: 10, sum: 2, count: 1 },
    ]);
    expect(
      sessionReference(
        [1, 11, 30, 5].map((ts) => ({ user: 'u', ts, v: 1 })),
        10,
      ),
    ).toEqual([
      { key: 'u', start: 1, end: 21, sum: 3, count: 3 },
      { key: 'u', start: 30, end: 40, sum: 1, count: 1 },
    ]);
  });

  describe.each(SOURCES)('from %s', (_source, source) => {
    it.each(FUNCTIONS)('tumbling 100 ms (%s)', async (_fn, windowFn) => {
      const out = await runWindows(source(steady), windowFn, TumblingEventTimeWindows.of(100));
      expect(out.map(plain).sort(byWindow)).toEqual(tumblingReference(steady, 100));
    });

    it('tumbling 100 ms with offset 30', async () => {
      const out = await runWindows(source(steady), FUNCTIONS[0]![1], TumblingEventTimeWindows.of(100, 30));
      expect(out.map(plain).sort(byWindow)).toEqual(tumblingReference(steady, 100, 30));
    });

    it.each(FUNCTIONS)('sliding 100 ms every 30 ms (%s)', async (_fn, windowFn) => {
      const out = await runWindows(source(steady), windowFn, SlidingEventTimeWindows.of(100, 30));
      expect(out.map(plain).sort(byWindow)).toEqual(slidingReference(steady, 100, 30));
    });

    it.each(FUNCTIONS)('sessions with a 90 ms gap (%s)', async (_fn, windowFn) => {
      const expected = sessionReference(bursty, 90);
      expect(expected.some((s) => s.count > 1)).toBe(true); // sessions do merge
      const out = await runWindows(source(bursty), windowFn, EventTimeSessionWindows.withGap(90));
      expect(out.map(plain).sort(byWindow)).toEqual(expected);
    });

    it('sessions with a gap per click (withDynamicGap)', async () => {
      const gapOf = (c: Click): number => 40 + (c.v % 3) * 30;
      const expected = sessionReference(bursty, gapOf);
      expect(expected).not.toEqual(sessionReference(bursty, 90));
      const out = await runWindows(
        source(bursty),
        FUNCTIONS[1]![1],
        EventTimeSessionWindows.withDynamicGap<Click>(gapOf),
      );
      expect(out.map(plain).sort(byWindow)).toEqual(expected);
    });
  });

  it('windowAll: tumbling over the whole stream, evaluated by one subtask', async () => {
    const env = newEnv(P, 10);
    const trace: Observed<Fired>[] = [];
    class DescribeAll extends ProcessAllWindowFunction<{ sum: number; count: number }, Fired, TimeWindow> {
      process(
        ctx: ProcessWindowContext<TimeWindow>,
        elements: { sum: number; count: number }[],
        out: Collector<Fired>,
      ): void {
        if (this.getRuntimeContext().getNumberOfParallelSubtasks() !== 1)
          throw new Error('windowAll runs at parallelism 1');
        out.collect({ key: '*', start: ctx.window.start, end: ctx.window.end, ...elements[0]! });
      }
    }
    const windows = fromGeneratorSource(steady)(env)
      .windowAll(TumblingEventTimeWindows.of(250))
      .aggregate(sumCount, new DescribeAll());
    expect(windows.getParallelism()).toBe(1);
    const out = await observe(windows, trace).executeAndCollect();
    const expected = tumblingReference(
      steady.map((c) => ({ ...c, user: '*' })),
      250,
    );
    expect(out.sort(byWindow)).toEqual(expected);
    // One subtask, so the results come in window order.
    expect(out.map((f) => f.start)).toEqual(expected.map((f) => f.start));
    for (const o of trace) expect(o.ts).toBe(o.value.end - 1);
  });
});

// ---- count windows -----------------------------------------------------------------------------

describe('count windows at parallelism 3', () => {
  const keys = keysPerSubtask(P, 2, 'k').flat();
  const input = Array.from({ length: 100 }, (_, i) => ({
    k: keys[(i * 7 + (i >> 2)) % keys.length]!,
    v: i + 1,
  }));

  function perKey<T extends { k: string }>(records: readonly T[]): Map<string, T[]> {
    const map = new Map<string, T[]>();
    for (const r of records) map.set(r.k, [...(map.get(r.k) ?? []), r]);
    return map;
  }

  it('countWindow(3): a sum for every 3 elements of a key; the incomplete rest never fires', async () => {
    const out = await newEnv(P)
      .fromCollection(input)
      .keyBy((r) => r.k)
      .countWindow(3)
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .executeAndCollect();
    const actual = perKey(out);
    for (const [k, records] of perKey(input)) {
      const values = records.map((r) => r.v);
      const expected: number[] = [];
      for (let i = 0; i + 3 <= values.length; i += 3)
        expected.push(values[i]! + values[i + 1]! + values[i + 2]!);
      expect(
        (actual.get(k) ?? []).map((r) => r.v),
        k,
      ).toEqual(expected);
    }
    expect(out).toHaveLength([...perKey(input).values()].reduce((n, r) => n + Math.floor(r.length / 3), 0));
  });

  it('countWindow(3, 1): on every element, the sum of the last 3 elements of its key', async () => {
    const out = await newEnv(P)
      .fromCollection(input)
      .keyBy((r) => r.k)
      .countWindow(3, 1)
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .executeAndCollect();
    const actual = perKey(out);
    for (const [k, records] of perKey(input)) {
      const values = records.map((r) => r.v);
      const expected = values.map((_, i) =>
        values.slice(Math.max(0, i - 2), i + 1).reduce((a, b) => a + b, 0),
      );
      expect(
        (actual.get(k) ?? []).map((r) => r.v),
        k,
      ).toEqual(expected);
    }
    expect(out).toHaveLength(input.length);
  });

  it('countWindowAll(4): every 4 elements of the whole stream', async () => {
    const out = await newEnv(P)
      .fromCollection(input.map((r) => r.v))
      .countWindowAll(4)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    const expected = Array.from(
      { length: 25 },
      (_, i) => 4 * i + 1 + (4 * i + 2) + (4 * i + 3) + (4 * i + 4),
    );
    expect(out).toEqual(expected);
  });
});

// ---- lateness ----------------------------------------------------------------------------------

describe('allowed lateness and late data at parallelism 3', () => {
  const [[k0], [k1], [k2]] = keysPerSubtask(P, 1, 'late-') as [[string], [string], [string]];

  interface Labelled {
    readonly kind: 'window' | 'late';
    readonly text: string;
  }

  /** Runs `steps` → keyBy → `windowed` with a late side output; returns main and late output by key. */
  async function runLate(
    steps: readonly Step<Click>[],
    windowed: (
      keyed: KeyedStream<Click, string>,
      late: OutputTag<Click>,
    ) => SingleOutputStreamOperator<FiredOn>,
  ): Promise<{ windows: Map<string, string[]>; late: string[]; trace: Observed<Labelled>[] }> {
    const late = new OutputTag<Click>('late');
    const env = newEnv(P, 0);
    const main = windowed(
      scripted(env, steps).keyBy((c) => c.user),
      late,
    );
    const labelled: DataStream<Labelled> = main
      .map((f): Labelled => ({ kind: 'window', text: `${f.key}[${f.start},${f.end})=${f.sum}` }))
      .union(main.getSideOutput(late).map((c): Labelled => ({ kind: 'late', text: `${c.user}@${c.ts}` })));
    const trace: Observed<Labelled>[] = [];
    await observe(labelled, trace).executeAndCollect();
    const windows = new Map<string, string[]>();
    for (const { value } of trace) {
      if (value.kind !== 'window') continue;
      const key = value.text.slice(0, value.text.indexOf('['));
      windows.set(key, [...(windows.get(key) ?? []), value.text]);
    }
    const lateOut = trace.filter((o) => o.value.kind === 'late').map((o) => o.value.text);
    // A late element keeps its own timestamp on the side output.
    for (const o of trace) if (o.value.kind === 'late') expect(`${o.ts}`).toBe(o.value.text.split('@')[1]);
    return { windows, late: lateOut.sort(), trace };
  }

  const click = (user: string, ts: number, v: number): Step<Click> => rec({ user, ts, v }, ts);

  it('a late-but-allowed element fires its window again at once; after cleanup it goes to the late output', async () => {
    const { windows, late, trace } = await runLate(
      [
        click(k0, 1, 1),
        click(k0, 3, 2),
        click(k1, 2, 100),
        wm(10), // fires k0 [0,10) = 3 and k1 [0,10) = 100
        click(k0, 5, 4), // allowed (cleanup at 9 + 5 = 14): fires k0 [0,10) = 7 at once
        click(k2, 4, 1000), // allowed, into a window that never fired: fires at once
        wm(15), // cleans [0,10) up
        click(k0, 2, 8), // too late: late output
        click(k1, 9, 200), // too late: late output
        click(k0, 12, 16), // [10,20), fires at the end of input
      ],
      (keyed, tag) =>
        keyed
          .window(TumblingEventTimeWindows.of(10))
          .allowedLateness(5)
          .sideOutputLateData(tag)
          .process(new DescribeElements()),
    );
    expect(windows.get(k0)).toEqual([`${k0}[0,10)=3`, `${k0}[0,10)=7`, `${k0}[10,20)=16`]);
    expect(windows.get(k1)).toEqual([`${k1}[0,10)=100`]);
    expect(windows.get(k2)).toEqual([`${k2}[0,10)=1000`]);
    expect(late).toEqual([`${k0}@2`, `${k1}@9`].sort());
    // "At once": the late firings reached the downstream task before Watermark(15) did.
    for (const text of [`${k0}[0,10)=7`, `${k2}[0,10)=1000`]) {
      const seen = trace.find((o) => o.value.text === text)!;
      expect(seen.wm, text).toBeLessThan(15);
    }
  });

  it('sliding windows: an element goes to the late output only when every one of its windows dropped it', async () => {
    const { windows, late } = await runLate(
      [
        click(k0, 12, 1), // [5,15) and [10,20)
        click(k1, 12, 10),
        wm(15), // fires and cleans [5,15)
        click(k0, 13, 2), // [5,15) dropped, [10,20) takes it: not late output
        click(k0, 8, 4), // [0,10) and [5,15) both dropped: late output
        click(k1, 14, 20), // [10,20)
        click(k1, 3, 40), // [-5,5) and [0,10) both dropped: late output
        click(k2, 19, 300), // [10,20) and [15,25)
      ],
      (keyed, tag) =>
        keyed
          .window(SlidingEventTimeWindows.of(10, 5))
          .sideOutputLateData(tag)
          .aggregate(sumCount, new DescribeAggregate()),
    );
    expect(windows.get(k0)).toEqual([`${k0}[5,15)=1`, `${k0}[10,20)=3`]);
    expect(windows.get(k1)).toEqual([`${k1}[5,15)=10`, `${k1}[10,20)=30`]);
    expect(windows.get(k2)).toEqual([`${k2}[10,20)=300`, `${k2}[15,25)=300`]);
    expect(late).toEqual([`${k0}@8`, `${k1}@3`].sort());
  });

  it('sessions: late-but-allowed elements merge sessions that already fired and fire the merged session at once', async () => {
    const { windows, late } = await runLate(
      [
        click(k0, 0, 1), // [0,10)
        click(k0, 25, 2), // [25,35)
        click(k1, 50, 7),
        wm(40), // fires k0 [0,10) = 1 and [25,35) = 2; cleanup only at maxTimestamp + 100
        click(k0, 10, 4), // touches [0,10): [0,20) = 5, fires at once
        click(k0, 18, 8), // bridges [0,20) and [25,35): [0,35) = 15, fires at once
        wm(200), // fires k1 [50,60) and cleans everything up to 99 + ...
        click(k0, 5, 16), // [5,15): cleanup 114 <= 200: late output
      ],
      (keyed, tag) =>
        keyed
          .window(EventTimeSessionWindows.withGap(10))
          .allowedLateness(100)
          .sideOutputLateData(tag)
          .process(new DescribeElements()),
    );
    expect(windows.get(k0)).toEqual([`${k0}[0,10)=1`, `${k0}[25,35)=2`, `${k0}[0,20)=5`, `${k0}[0,35)=15`]);
    expect(windows.get(k1)).toEqual([`${k1}[50,60)=7`]);
    expect(late).toEqual([`${k0}@5`]);
  });

  it('boundaries: a window fires at watermark = maxTimestamp; an element is too late once watermark = maxTimestamp + lateness', async () => {
    const late = new OutputTag<Click>('late');
    const env = newEnv(1, 0);
    const windows = scripted(env, [
      click(k0, 1, 1),
      wm(8), // not yet: [0,10) has maxTimestamp 9
      wm(9), // fires [0,10)
      click(k0, 9, 2), // cleanup at 9 + 5 = 14 > 9: allowed, fires again
      wm(13),
      click(k0, 8, 4), // 14 > 13: still allowed, fires again
      wm(14),
      click(k0, 7, 8), // 14 <= 14: too late
      click(k0, 10, 16), // [10,20) is fine
    ])
      .keyBy((c) => c.user)
      .window(TumblingEventTimeWindows.of(10))
      .allowedLateness(5)
      .sideOutputLateData(late)
      .process(new DescribeElements());
    // Main and late output each get their own recorder, chained to the window operator.
    const main: Observed<string>[] = [];
    const lateTrace: Observed<string>[] = [];
    observe(
      windows.map((f) => `[${f.start},${f.end})=${f.sum}`),
      main,
    ).sinkTo(discardingSink());
    observe(
      windows.getSideOutput(late).map((c) => `late@${c.ts}`),
      lateTrace,
    ).sinkTo(discardingSink());
    await env.execute('boundaries');
    expect(main).toEqual([
      // The first firing came with Watermark(9), before it was forwarded: the recorder still had 8.
      { value: '[0,10)=1', ts: 9, wm: 8 },
      { value: '[0,10)=3', ts: 9, wm: 9 },
      { value: '[0,10)=7', ts: 9, wm: 13 },
      { value: '[10,20)=16', ts: 19, wm: 14 },
    ]);
    expect(lateTrace).toEqual([{ value: 'late@7', ts: 7, wm: 14 }]);
  });

  it('without sideOutputLateData, too-late elements are dropped silently', async () => {
    const env = newEnv(P, 0);
    const out = await scripted(env, [click(k0, 1, 1), wm(20), click(k0, 2, 2), click(k1, 25, 3)])
      .keyBy((c) => c.user)
      .window(TumblingEventTimeWindows.of(10))
      .reduce((a, b) => ({ ...a, v: a.v + b.v }))
      .executeAndCollect();
    expect(out.map((c) => `${c.user}:${c.v}`).sort()).toEqual([`${k0}:1`, `${k1}:3`].sort());
  });
});
