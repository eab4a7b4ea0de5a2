/**
 * KeyedProcessFunction timers end to end on the in-process runtime: the scenarios of Flink's
 * KeyedProcessOperatorTest (timestamp/watermark/processing-time queries, event-time and
 * processing-time timers with and without state, side outputs, a null output tag), plus timer
 * deduplication per (key, timestamp), deletion, the order of timer output and watermarks as a
 * downstream operator sees it, and timers on a non-keyed stream.
 *
 * Flink's harness shows the watermarks an operator emits; a job does not. Here a parallelism-1
 * recorder downstream (see `observe`) notes, for every record, `currentWatermark()` on arrival:
 * a timer output seen with the *previous* watermark proves the timer fired before the watermark
 * that triggered it was forwarded. Processing-time scenarios run on a real clock, so they use a
 * source the test keeps open until the timers it waits for have fired.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  OutputTag,
  ProcessFunction,
  TimeDomain,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ProcessContext,
  type ValueState,
} from 'freshet';
import { waitFor } from '../support/cli.js';
import {
  ControlledSource,
  MAX_WATERMARK,
  MIN_WATERMARK,
  failureOf,
  fullMessage,
  keysPerSubtask,
  newEnv,
  observe,
  rec,
  scripted,
  wm,
  type Observed,
  type Step,
} from './support.js';

const WAIT_MS = 10_000;

/** Runs `steps` → keyBy(key) → process(fn) → recorder at parallelism 1; returns what the recorder saw. */
async function runKeyed<I, O, K>(
  steps: readonly Step<I>[],
  key: (value: I) => K,
  fn: KeyedProcessFunction<K, I, O>,
): Promise<Observed<O>[]> {
  const env = newEnv(1, 0);
  const trace: Observed<O>[] = [];
  const out = await observe(
    scripted(env, steps).keyBy(key).process(fn).name('keyed-process'),
    trace,
  ).executeAndCollect();
  expect(out).toEqual(trace.map((o) => o.value));
  return trace;
}

/**
 * Runs a job over a ControlledSource (records without timestamps, no watermarks) → keyBy → fn →
 * recorder, pushes `input`, waits until `done(trace)`, then ends the input and the job.
 */
async function runProcessingTime<I, O, K>(
  input: readonly I[],
  key: (value: I) => K,
  fn: KeyedProcessFunction<K, I, O>,
  done: (trace: readonly Observed<O>[]) => boolean,
): Promise<Observed<O>[]> {
  const env = newEnv(1, 0);
  const source = new ControlledSource<I>();
  const trace: Observed<O>[] = [];
  const job = observe(
    env.fromSource(source, WatermarkStrategy.noWatermarks(), 'controlled').keyBy(key).process(fn),
    trace,
  ).executeAndCollect();
  // Surface a failed job at once instead of waiting for the deadline.
  let failure: Error | undefined;
  job.catch((error: unknown) => (failure = error instanceof Error ? error : new Error('the job failed')));
  source.push(...input);
  try {
    await waitFor(
      () => {
        if (failure !== undefined) throw failure;
        return done(trace);
      },
      WAIT_MS,
      () => `the timers to fire; saw ${JSON.stringify(trace)}`,
    );
  } finally {
    source.finish();
  }
  await job;
  return trace;
}

/** What a timer saw of itself. */
interface Fired {
  readonly key: unknown;
  readonly timestamp: number;
  readonly domain: TimeDomain;
  readonly ctxTimestamp: number | undefined;
  readonly watermark: number;
  readonly now: number;
}

let pending: ControlledSource<unknown>[] = [];
afterEach(() => {
  for (const source of pending) source.finish();
  pending = [];
});

// ---- ports of Flink's KeyedProcessOperatorTest -------------------------------------------------

/** Outputs `value + "TIME:" + (watermark or processing time) + " TS:" + timestamp` (Flink's QueryingFlatMapFunction). */
class QueryingFunction extends KeyedProcessFunction<number, number, string> {
  constructor(private readonly domain: TimeDomain) {
    super();
  }

  processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
    const time =
      this.domain === TimeDomain.EVENT_TIME
        ? ctx.timerService().currentWatermark()
        : ctx.timerService().currentProcessingTime();
    out.collect(`${value}TIME:${time} TS:${String(ctx.timestamp())}`);
  }

  override onTimer(): void {}
}

/** Emits the input, registers a timer 5 ms after now; the timer emits 1777 (Flink's TriggeringFlatMapFunction). */
class TriggeringFunction extends KeyedProcessFunction<number, number, number> {
  constructor(
    private readonly domain: TimeDomain,
    private readonly fired: Fired[],
  ) {
    super();
  }

  processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<number>): void {
    out.collect(value);
    const timers = ctx.timerService();
    if (this.domain === TimeDomain.EVENT_TIME) timers.registerEventTimeTimer(timers.currentWatermark() + 5);
    else timers.registerProcessingTimeTimer(timers.currentProcessingTime() + 5);
  }

  override onTimer(timestamp: number, ctx: KeyedOnTimerContext<number>, out: Collector<number>): void {
    this.fired.push({
      key: ctx.getCurrentKey(),
      timestamp,
      domain: ctx.timeDomain(),
      ctxTimestamp: ctx.timestamp(),
      watermark: ctx.timerService().currentWatermark(),
      now: ctx.timerService().currentProcessingTime(),
    });
    out.collect(1777);
  }
}

/**
 * The first element of a key stores itself and sets a timer 5 ms after now; the second clears
 * the state and deletes the timer at now + 4 (= the first one's when the clock moved by 1). The
 * timer emits the state it finds (Flink's TriggeringStatefulFlatMapFunction). `now` is the
 * watermark, or for processing time a scripted offset from a base a little in the future, so
 * that the real clock cannot reach a timer before every record was processed.
 */
class TriggeringStatefulFunction extends KeyedProcessFunction<number, { v: number; pt: number }, string> {
  private state!: ValueState<number>;
  private base: number | undefined;

  constructor(
    private readonly domain: TimeDomain,
    private readonly domains: TimeDomain[],
  ) {
    super();
  }

  override open(): void {
    this.state = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('seen-element'));
  }

  private now(ctx: KeyedProcessContext<number>, pt: number): number {
    const timers = ctx.timerService();
    if (this.domain === TimeDomain.EVENT_TIME) return timers.currentWatermark();
    this.base ??= timers.currentProcessingTime() + 500;
    return this.base + pt;
  }

  processElement(
    input: { v: number; pt: number },
    ctx: KeyedProcessContext<number>,
    out: Collector<string>,
  ): void {
    const timers = ctx.timerService();
    const now = this.now(ctx, input.pt);
    if (this.state.value() === undefined) {
      out.collect(`INPUT:${input.v}`);
      this.state.update(input.v);
      if (this.domain === TimeDomain.EVENT_TIME) timers.registerEventTimeTimer(now + 5);
      else timers.registerProcessingTimeTimer(now + 5);
    } else {
      this.state.clear();
      if (this.domain === TimeDomain.EVENT_TIME) timers.deleteEventTimeTimer(now + 4);
      else timers.deleteProcessingTimeTimer(now + 4);
    }
  }

  override onTimer(_timestamp: number, ctx: KeyedOnTimerContext<number>, out: Collector<string>): void {
    this.domains.push(ctx.timeDomain());
    out.collect(`STATE:${String(this.state.value())}`);
  }
}

describe("KeyedProcessFunction (Flink's KeyedProcessOperatorTest)", () => {
  it('testKeyQuerying: getCurrentKey() is the key of the record; outputs keep the record timestamp', async () => {
    class KeyQuerying extends KeyedProcessFunction<number, [number, string], string> {
      processElement(
        value: [number, string],
        ctx: KeyedProcessContext<number>,
        out: Collector<string>,
      ): void {
        if (ctx.getCurrentKey() !== value[0])
          throw new Error(`key ${ctx.getCurrentKey()} is not ${value[0]}`);
        out.collect(value[1]);
      }
    }
    const trace = await runKeyed(
      [rec<[number, string]>([5, '5'], 12), rec<[number, string]>([42, '42'], 13)],
      (v) => v[0],
      new KeyQuerying(),
    );
    expect(trace.map(({ value, ts }) => ({ value, ts }))).toEqual([
      { value: '5', ts: 12 },
      { value: '42', ts: 13 },
    ]);
  });

  it('testTimestampAndWatermarkQuerying: ctx.timestamp() and currentWatermark() as the record arrives', async () => {
    const trace = await runKeyed(
      [wm(17), rec(5, 12), wm(42), rec(6, 13)],
      (v) => v,
      new QueryingFunction(TimeDomain.EVENT_TIME),
    );
    expect(trace).toEqual([
      { value: '5TIME:17 TS:12', ts: 12, wm: 17 },
      { value: '6TIME:42 TS:13', ts: 13, wm: 42 },
    ]);
  });

  it('testTimestampAndProcessingTimeQuerying: currentProcessingTime() is the clock; no timestamp reads as undefined', async () => {
    const before = Date.now();
    const trace: Observed<string>[] = [];
    await observe(
      newEnv(1)
        .fromElements(5, 6)
        .keyBy((v) => v)
        .process(new QueryingFunction(TimeDomain.PROCESSING_TIME)),
      trace,
    ).executeAndCollect();
    const after = Date.now();
    expect(trace).toHaveLength(2);
    trace.forEach(({ value, ts }, i) => {
      const match = /^(\d+)TIME:(\d+) TS:(.*)$/.exec(value);
      expect(match, value).not.toBeNull();
      expect(Number(match![1])).toBe([5, 6][i]);
      expect(Number(match![2])).toBeGreaterThanOrEqual(before);
      expect(Number(match![2])).toBeLessThanOrEqual(after);
      expect(match![3]).toBe('undefined'); // Flink: TS:null
      expect(ts).toBeUndefined();
    });
  });

  it('testEventTimeTimers: the timer fires at its watermark, with its timestamp, before the watermark goes on', async () => {
    const fired: Fired[] = [];
    const trace = await runKeyed(
      [wm(0), rec(17, 42), wm(5)],
      (v) => v,
      new TriggeringFunction(TimeDomain.EVENT_TIME, fired),
    );
    // Flink: Watermark(0), (17 @ 42), (1777 @ 5), Watermark(5). The recorder sees 1777 still under
    // watermark 0: the timer output overtook watermark 5.
    expect(trace).toEqual([
      { value: 17, ts: 42, wm: 0 },
      { value: 1777, ts: 5, wm: 0 },
    ]);
    expect(fired).toEqual([
      expect.objectContaining({
        key: 17,
        timestamp: 5,
        domain: TimeDomain.EVENT_TIME,
        ctxTimestamp: 5,
        watermark: 5,
      }),
    ]);
  });

  it('testProcessingTimeTimers: the timer fires once the clock passes it; its output has no timestamp', async () => {
    const fired: Fired[] = [];
    const registeredAfter = Date.now();
    const trace = await runProcessingTime(
      [17],
      (v) => v,
      new TriggeringFunction(TimeDomain.PROCESSING_TIME, fired),
      (t) => t.length >= 2,
    );
    expect(trace.map(({ value, ts }) => ({ value, ts }))).toEqual([
      { value: 17, ts: undefined },
      { value: 1777, ts: undefined },
    ]);
    expect(fired).toHaveLength(1);
    const [timer] = fired;
    expect(timer).toMatchObject({ key: 17, domain: TimeDomain.PROCESSING_TIME });
    expect(timer!.timestamp).toBeGreaterThanOrEqual(registeredAfter + 5);
    expect(timer!.ctxTimestamp === undefined || timer!.ctxTimestamp === timer!.timestamp).toBe(true);
  });

  it('testEventTimeTimerWithState: timers and state do not leak between keys; a deleted timer stays silent', async () => {
    const domains: TimeDomain[] = [];
    const at = (v: number, ts: number): Step<{ v: number; pt: number }> => rec({ v, pt: 0 }, ts);
    const trace = await runKeyed(
      [
        wm(1),
        at(17, 0), // timer at 6
        at(13, 0), // timer at 6
        wm(2),
        at(42, 1), // timer at 7
        at(13, 1), // deletes 13's timer at 6
        wm(6),
        wm(7),
      ],
      (input) => input.v,
      new TriggeringStatefulFunction(TimeDomain.EVENT_TIME, domains),
    );
    // Flink: W1, INPUT:17@0, INPUT:13@0, W2, INPUT:42@1, STATE:17@6, W6, STATE:42@7, W7.
    expect(trace).toEqual([
      { value: 'INPUT:17', ts: 0, wm: 1 },
      { value: 'INPUT:13', ts: 0, wm: 1 },
      { value: 'INPUT:42', ts: 1, wm: 2 },
      { value: 'STATE:17', ts: 6, wm: 2 },
      { value: 'STATE:42', ts: 7, wm: 6 },
    ]);
    expect(domains).toEqual([TimeDomain.EVENT_TIME, TimeDomain.EVENT_TIME]);
  });

  it('testProcessingTimeTimerWithState: timers and state do not leak between keys; a deleted timer stays silent', async () => {
    const domains: TimeDomain[] = [];
    const trace = await runProcessingTime(
      [
        { v: 17, pt: 1 }, // timer at base + 6
        { v: 13, pt: 1 }, // timer at base + 6
        { v: 13, pt: 2 }, // deletes 13's timer at base + 6
        { v: 42, pt: 2 }, // timer at base + 7
      ],
      (input) => input.v,
      new TriggeringStatefulFunction(TimeDomain.PROCESSING_TIME, domains),
      (t) => t.some((o) => o.value === 'STATE:42'),
    );
    // 13's timer would have fired before 42's (base + 6 < base + 7), so it was deleted.
    expect(trace.map(({ value, ts }) => ({ value, ts }))).toEqual([
      { value: 'INPUT:17', ts: undefined },
      { value: 'INPUT:13', ts: undefined },
      { value: 'INPUT:42', ts: undefined },
      { value: 'STATE:17', ts: undefined },
      { value: 'STATE:42', ts: undefined },
    ]);
    expect(domains).toEqual([TimeDomain.PROCESSING_TIME, TimeDomain.PROCESSING_TIME]);
  });

  it('testSideOutput: ctx.output() goes to each tag with the record timestamp', async () => {
    const ints = new OutputTag<number>('int-out');
    const texts = new OutputTag<string>('text-out');
    class SideOutputs extends KeyedProcessFunction<number, number, string> {
      processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
        out.collect(`IN:${value}`);
        ctx.output(ints, value);
        ctx.output(texts, `text-${value}`);
      }
    }
    const env = newEnv(1, 0);
    const main = scripted(env, [rec(42, 17)])
      .keyBy((v) => v)
      .process(new SideOutputs());
    const trace: Observed<string>[] = [];
    await observe(
      main.union(
        main.getSideOutput(ints).map((v) => `int:${v}`),
        main.getSideOutput(texts).map((v) => `text:${v}`),
      ),
      trace,
    ).executeAndCollect();
    expect(
      trace.map(({ value, ts }) => ({ value, ts })).sort((a, b) => a.value.localeCompare(b.value)),
    ).toEqual([
      { value: 'IN:42', ts: 17 },
      { value: 'int:42', ts: 17 },
      { value: 'text:text-42', ts: 17 },
    ]);
  });

  it('testNullOutputTagRefusal: ctx.output(null, …) fails the job, naming the operator', async () => {
    class NullTag extends KeyedProcessFunction<number, number, string> {
      processElement(value: number, ctx: KeyedProcessContext<number>): void {
        ctx.output(null as unknown as OutputTag<number>, value);
      }
    }
    const error = await failureOf(
      newEnv(1)
        .fromElements(5)
        .keyBy((v) => v)
        .process(new NullTag())
        .name('null-tagger')
        .executeAndCollect(),
    );
    expect(error.message).toContain('null-tagger');
  });

  it('ctx.output(null, …) is refused with an error about the OutputTag (Flink: "OutputTag must not be null.")', async () => {
    class NullTag extends KeyedProcessFunction<number, number, string> {
      processElement(value: number, ctx: KeyedProcessContext<number>): void {
        ctx.output(null as unknown as OutputTag<number>, value);
      }
    }
    const error = await failureOf(
      newEnv(1)
        .fromElements(5)
        .keyBy((v) => v)
        .process(new NullTag())
        .name('null-tagger')
        .executeAndCollect(),
    );
    expect(fullMessage(error)).toMatch(/OutputTag/);
  });
});

// ---- timer semantics beyond the port -----------------------------------------------------------

describe('event-time timers', () => {
  /** Registers the event-time timers `timersOf(value)`; deletes `deletesOf(value)`; a timer emits `key@timestamp`. */
  class Timers<T> extends KeyedProcessFunction<string, T, string> {
    constructor(
      private readonly timersOf: (value: T, watermark: number) => number[],
      private readonly deletesOf: (value: T) => number[] = () => [],
      private readonly onFire: (timestamp: number, register: (t: number) => void) => void = () => {},
    ) {
      super();
    }

    processElement(value: T, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
      out.collect(`in:${ctx.getCurrentKey()}`);
      const timers = ctx.timerService();
      for (const t of this.timersOf(value, timers.currentWatermark())) timers.registerEventTimeTimer(t);
      for (const t of this.deletesOf(value)) timers.deleteEventTimeTimer(t);
    }

    override onTimer(timestamp: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
      if (ctx.timestamp() !== timestamp)
        throw new Error(`ctx.timestamp() ${ctx.timestamp()} in timer ${timestamp}`);
      out.collect(`${ctx.getCurrentKey()}@${timestamp}`);
      this.onFire(timestamp, (t) => ctx.timerService().registerEventTimeTimer(t));
    }
  }

  const byKey = (value: { k: string }): string => value.k;

  it('are unique per (key, timestamp): registering the same one again does not make it fire twice', async () => {
    const trace = await runKeyed(
      [rec({ k: 'a' }, 1), rec({ k: 'a' }, 2), rec({ k: 'b' }, 3), rec({ k: 'a' }, 4), wm(100)],
      byKey,
      new Timers<{ k: string }>(() => [50, 50]),
    );
    const fired = trace.filter((o) => !o.value.startsWith('in:'));
    expect(fired.map((o) => o.value).sort()).toEqual(['a@50', 'b@50']);
    for (const o of fired) expect(o).toMatchObject({ ts: 50, wm: MIN_WATERMARK });
  });

  it('fire in timestamp order across keys, each with its key current', async () => {
    const trace = await runKeyed(
      [rec({ k: 'a', t: 30 }, 1), rec({ k: 'b', t: 10 }, 1), rec({ k: 'c', t: 20 }, 1), wm(25), wm(40)],
      byKey,
      new Timers<{ k: string; t: number }>((v) => [v.t]),
    );
    expect(trace.filter((o) => !o.value.startsWith('in:'))).toEqual([
      { value: 'b@10', ts: 10, wm: MIN_WATERMARK },
      { value: 'c@20', ts: 20, wm: MIN_WATERMARK },
      { value: 'a@30', ts: 30, wm: 25 },
    ]);
  });

  it('a deleted timer never fires, not even at the end of input; deleting an unknown timer is a no-op', async () => {
    const trace = await runKeyed(
      [
        rec({ k: 'a', op: 'set' }, 1),
        rec({ k: 'b', op: 'set' }, 1),
        rec({ k: 'a', op: 'delete' }, 2), // deletes a@10 and a@1000, and a@555 that was never set
        wm(50),
      ],
      byKey,
      new Timers<{ k: string; op: string }>(
        (v) => (v.op === 'set' ? [10, 20, 1000] : []),
        (v) => (v.op === 'delete' ? [10, 1000, 555] : []),
      ),
    );
    expect(trace.filter((o) => !o.value.startsWith('in:')).map((o) => o.value)).toEqual([
      'b@10',
      'a@20',
      'b@20',
      'b@1000',
    ]);
  });

  it('pending timers fire at the end of a bounded input (MAX_WATERMARK), in timestamp order', async () => {
    const fired: number[] = [];
    class AtEnd extends KeyedProcessFunction<string, string, string> {
      processElement(value: string, ctx: KeyedProcessContext<string>): void {
        ctx.timerService().registerEventTimeTimer(value === 'late' ? 5_000 : 3_000);
      }
      override onTimer(timestamp: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
        fired.push(ctx.timerService().currentWatermark());
        out.collect(`${ctx.getCurrentKey()}@${timestamp}`);
      }
    }
    const trace = await runKeyed([rec('late', 1), rec('early', 2), wm(100)], (v) => v, new AtEnd());
    expect(trace).toEqual([
      { value: 'early@3000', ts: 3_000, wm: 100 },
      { value: 'late@5000', ts: 5_000, wm: 100 },
    ]);
    expect(fired).toEqual([MAX_WATERMARK, MAX_WATERMARK]);
  });

  it('a timer at MAX_WATERMARK fires at the end of input', async () => {
    const trace = await runKeyed(
      [rec({ k: 'a' }, 1), wm(1_000_000)],
      byKey,
      new Timers<{ k: string }>(() => [MAX_WATERMARK]),
    );
    expect(trace.map((o) => o.value)).toEqual(['in:a', `a@${MAX_WATERMARK}`]);
    expect(trace[1]).toMatchObject({ ts: MAX_WATERMARK, wm: 1_000_000 });
  });

  it('a timer set at or below the current watermark fires at the next watermark, not at once', async () => {
    const trace = await runKeyed(
      [wm(10), rec({ k: 'a', t: 5 }, 11), rec({ k: 'b', t: 10 }, 12), wm(20)],
      byKey,
      new Timers<{ k: string; t: number }>((v) => [v.t]),
    );
    expect(trace).toEqual([
      { value: 'in:a', ts: 11, wm: 10 },
      { value: 'in:b', ts: 12, wm: 10 },
      { value: 'a@5', ts: 5, wm: 10 },
      { value: 'b@10', ts: 10, wm: 10 },
    ]);
  });

  it('a timer that onTimer sets within the new watermark fires in the same advance, before the watermark goes on', async () => {
    const trace = await runKeyed(
      [rec({ k: 'a' }, 1), wm(100), rec({ k: 'a' }, 101)],
      byKey,
      new Timers<{ k: string }>(
        (_v, watermark) => (watermark < 0 ? [5] : []),
        () => [],
        (t, register) => {
          if (t < 8) register(t + 1);
        },
      ),
    );
    expect(trace).toEqual([
      { value: 'in:a', ts: 1, wm: MIN_WATERMARK },
      { value: 'a@5', ts: 5, wm: MIN_WATERMARK },
      { value: 'a@6', ts: 6, wm: MIN_WATERMARK },
      { value: 'a@7', ts: 7, wm: MIN_WATERMARK },
      { value: 'a@8', ts: 8, wm: MIN_WATERMARK },
      { value: 'in:a', ts: 101, wm: 100 },
    ]);
  });

  it('ctx.output() in an event-time onTimer carries the timer timestamp', async () => {
    const side = new OutputTag<string>('timer-side');
    class SideInTimer extends KeyedProcessFunction<string, string, string> {
      processElement(_value: string, ctx: KeyedProcessContext<string>): void {
        ctx.timerService().registerEventTimeTimer(7);
      }
      override onTimer(timestamp: number, ctx: KeyedOnTimerContext<string>): void {
        ctx.output(side, `side@${timestamp}`);
      }
    }
    const trace: Observed<string>[] = [];
    const main = scripted(newEnv(1, 0), [rec('a', 1), wm(10)])
      .keyBy((v) => v)
      .process(new SideInTimer());
    await observe(main.getSideOutput(side), trace).executeAndCollect();
    expect(trace.map(({ value, ts }) => ({ value, ts }))).toEqual([{ value: 'side@7', ts: 7 }]);
  });

  it.each([1, 2])(
    'timer output reaches a downstream task before the watermark that fired it (keyed parallelism %i)',
    async (parallelism) => {
      // Keys on every subtask; each key sets timers at ts + 5 and ts + 25; a watermark follows every record.
      const keys = keysPerSubtask(parallelism, 3).flat();
      const steps: Step<{ k: string; at: number }>[] = [];
      for (let i = 0; i < 60; i++) {
        const k = keys[i % keys.length]!;
        steps.push(rec({ k, at: i * 10 }, i * 10), wm(i * 10 - 3));
      }
      const env = newEnv(1, 0);
      const trace: Observed<string>[] = [];
      const keyed = scripted(env, steps)
        .keyBy(byKey)
        .process(new Timers<{ k: string; at: number }>((v) => [v.at + 5, v.at + 25]))
        .setParallelism(parallelism)
        .disableChaining();
      await observe(keyed, trace).executeAndCollect();

      const fired = trace.filter((o) => !o.value.startsWith('in:'));
      const expectedFired = new Set(
        steps.flatMap((s) => ('value' in s ? [`${s.value.k}@${s.at + 5}`, `${s.value.k}@${s.at + 25}`] : [])),
      );
      expect(new Set(fired.map((o) => o.value))).toEqual(expectedFired);
      expect(fired).toHaveLength(expectedFired.size);
      for (const o of fired) {
        // The watermark that fired timer t is >= t; the downstream task had not seen it yet.
        expect(o.wm, JSON.stringify(o)).toBeLessThan(o.ts!);
      }
      // The downstream watermark never goes back.
      for (let i = 1; i < trace.length; i++) expect(trace[i]!.wm).toBeGreaterThanOrEqual(trace[i - 1]!.wm);
    },
  );
});

describe('processing-time timers', () => {
  it('are unique per (key, timestamp) and can be deleted', async () => {
    const fired: string[] = [];
    class ProcTimers extends KeyedProcessFunction<string, string, string> {
      private base: number | undefined;
      processElement(value: string, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
        const timers = ctx.timerService();
        this.base ??= timers.currentProcessingTime() + 300;
        out.collect(`in:${value}`);
        if (value === 'a') {
          timers.registerProcessingTimeTimer(this.base + 10);
          timers.registerProcessingTimeTimer(this.base + 10);
          timers.registerProcessingTimeTimer(this.base + 20); // deleted below
          timers.registerProcessingTimeTimer(this.base + 30);
          timers.deleteProcessingTimeTimer(this.base + 20);
        } else {
          timers.registerProcessingTimeTimer(this.base + 10);
          timers.registerProcessingTimeTimer(this.base + 40);
        }
      }
      override onTimer(timestamp: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>): void {
        const label = `${ctx.getCurrentKey()}+${timestamp - this.base!}`;
        fired.push(label);
        out.collect(label);
      }
    }
    const trace = await runProcessingTime(
      ['a', 'b'],
      (v) => v,
      new ProcTimers(),
      () => fired.includes('b+40'),
    );
    expect(fired).toEqual(['a+10', 'b+10', 'a+30', 'b+40']);
    expect(trace.map((o) => o.value)).toEqual(['in:a', 'in:b', 'a+10', 'b+10', 'a+30', 'b+40']);
  });

  it('a processing-time timer fires only once the clock is past its time (Flink delays it to timestamp + 1)', async () => {
    // 100 keys, each with a timer of its own millisecond (2 ms apart), so 100 separate wake-ups;
    // with Node's timers about two in three fire at or before their millisecond.
    class Spread extends KeyedProcessFunction<number, number, number> {
      private base: number | undefined;
      processElement(value: number, ctx: KeyedProcessContext<number>): void {
        this.base ??= ctx.timerService().currentProcessingTime() + 20;
        ctx.timerService().registerProcessingTimeTimer(this.base + 2 * value);
      }
      override onTimer(timestamp: number, ctx: KeyedOnTimerContext<number>, out: Collector<number>): void {
        fired.push({
          key: ctx.getCurrentKey(),
          timestamp,
          domain: ctx.timeDomain(),
          ctxTimestamp: ctx.timestamp(),
          watermark: ctx.timerService().currentWatermark(),
          now: ctx.timerService().currentProcessingTime(),
        });
        out.collect(timestamp);
      }
    }
    const keys = Array.from({ length: 100 }, (_, i) => i);
    const fired: Fired[] = [];
    await runProcessingTime(
      keys,
      (v) => v,
      new Spread(),
      () => fired.length === keys.length,
    );
    const early = fired.filter((f) => f.now <= f.timestamp);
    expect(early, `${early.length} of ${fired.length} timers fired before the clock passed them`).toEqual([]);
  });

  it('in a processing-time onTimer, ctx.timestamp() is the timer timestamp and side outputs carry it (Flink OnTimerContext.timestamp() = timer.getTimestamp())', async () => {
    const side = new OutputTag<number>('proc-side');
    const seen: (number | undefined)[] = [];
    class ProcTimestamp extends KeyedProcessFunction<number, number, number> {
      processElement(value: number, ctx: KeyedProcessContext<number>, out: Collector<number>): void {
        out.collect(value);
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 5);
      }
      override onTimer(timestamp: number, ctx: KeyedOnTimerContext<number>, out: Collector<number>): void {
        seen.push(ctx.timestamp(), timestamp);
        ctx.output(side, timestamp);
        out.collect(-1);
      }
    }
    const env = newEnv(1, 0);
    const source = new ControlledSource<number>();
    pending.push(source);
    const sideTrace: Observed<number>[] = [];
    const main = env
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'controlled')
      .keyBy((v) => v)
      .process(new ProcTimestamp());
    const job = observe(main.getSideOutput(side), sideTrace).executeAndCollect();
    source.push(1);
    await waitFor(() => sideTrace.length > 0, WAIT_MS, 'the processing-time timer');
    source.finish();
    await job;
    // The main output of a processing-time timer has no timestamp (Flink erases it) …
    // … but the context reports the timer's time, and side outputs carry it.
    expect(seen[0]).toBe(seen[1]);
    expect(sideTrace[0]!.ts).toBe(sideTrace[0]!.value);
  });
});

describe('timers on a non-keyed stream', () => {
  it.each([
    ['registerEventTimeTimer', (ctx: ProcessContext) => ctx.timerService().registerEventTimeTimer(10)],
    [
      'registerProcessingTimeTimer',
      (ctx: ProcessContext) => ctx.timerService().registerProcessingTimeTimer(10),
    ],
    ['deleteEventTimeTimer', (ctx: ProcessContext) => ctx.timerService().deleteEventTimeTimer(10)],
    ['deleteProcessingTimeTimer', (ctx: ProcessContext) => ctx.timerService().deleteProcessingTimeTimer(10)],
  ])('%s fails the job with an error naming the operator and keyed streams', async (_name, call) => {
    class Unkeyed extends ProcessFunction<number, number> {
      processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
        call(ctx);
        out.collect(value);
      }
    }
    const error = await failureOf(
      newEnv(1).fromElements(1, 2).process(new Unkeyed()).name('unkeyed-timers').executeAndCollect(),
    );
    expect(error.message).toContain('unkeyed-timers');
    expect(error.message).toMatch(/keyed stream/i);
  });

  it('currentWatermark() and currentProcessingTime() work on a non-keyed stream', async () => {
    const trace: Observed<number>[] = [];
    await observe(scripted(newEnv(1, 0), [rec(1, 5), wm(7), rec(2, 9)]), trace).executeAndCollect();
    expect(trace).toEqual([
      { value: 1, ts: 5, wm: MIN_WATERMARK },
      { value: 2, ts: 9, wm: 7 },
    ]);
  });
});
