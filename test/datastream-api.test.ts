/**
 * DataStream API behaviour end to end on the in-process runtime (`executeAndCollect`, `execute`):
 * transformations, rich functions, keyed state, errors, side outputs and partitioning.
 */
import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  Boundedness,
  KeyedProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  OutputTag,
  ProcessFunction,
  ReducingStateDescriptor,
  RichFilterFunction,
  RichFlatMapFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type AggregatingState,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  type ListState,
  type MapState,
  type ProcessContext,
  type ReducingState,
  type Sink,
  type Source,
  type SourceReader,
  type ValueState,
} from 'freshet';
import { assignKeyToParallelOperator } from '../common/key-groups.js';

function newEnv(parallelism = 1): StreamExecutionEnvironment {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  return env;
}

async function failureOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the job to fail');
  return outcome;
}

const sorted = <T>(values: readonly T[]): T[] => [...values].sort();
const numerically = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

// ---- fakes -------------------------------------------------------------------------------------

interface Landed<T> {
  readonly subtask: number;
  readonly value: T;
}

/** A sink that records, per record, which of its subtasks received it (each writer knows its own subtask). */
function recordingSink<T>(landed: Landed<T>[]): Sink<T> {
  return {
    createWriter: (context) => ({
      write: (value) => {
        landed.push({ subtask: context.indexOfSubtask, value });
      },
      flush() {},
      close() {},
    }),
  };
}

interface Tagged {
  readonly from: number;
  readonly i: number;
}

/** A bounded source whose subtask k emits `perSubtask` records `{ from: k, i }`. */
class SubtaskTaggingSource implements Source<Tagged, number> {
  constructor(private readonly perSubtask: number) {}
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }
  createSplits(parallelism: number): number[] {
    return Array.from({ length: parallelism }, (_, i) => i);
  }
  createReader(context: { readonly indexOfSubtask: number }): SourceReader<Tagged, number> {
    const perSubtask = this.perSubtask;
    let emitted = 0;
    let splits = 0;
    return {
      addSplits: (added) => {
        splits += added.length;
      },
      notifyNoMoreSplits() {},
      pollNext(output) {
        if (splits === 0) return 'END_OF_INPUT';
        while (emitted < perSubtask) output.collect({ from: context.indexOfSubtask, i: emitted++ });
        return 'END_OF_INPUT';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [],
    };
  }
}

function countsPerSubtask(landed: readonly Landed<unknown>[], parallelism: number): number[] {
  const counts = new Array<number>(parallelism).fill(0);
  for (const l of landed) counts[l.subtask]!++;
  return counts;
}

// ---- transformations ---------------------------------------------------------------------------

describe('map / filter / flatMap / union', () => {
  it('chains map, filter and flatMap as functions, in order at parallelism 1', async () => {
    const out = await newEnv(1)
      .fromElements(1, 2, 3, 4, 5)
      .map((x) => x * 10)
      .filter((x) => x !== 30)
      .flatMap<string>((x, collector) => {
        collector.collect(`${x}`);
        if (x > 30) collector.collect(`${x}!`);
      })
      .executeAndCollect();
    expect(out).toEqual(['10', '20', '40', '40!', '50', '50!']);
  });

  it('accepts objects with the Flink method names and Rich* subclasses', async () => {
    class Even extends RichFilterFunction<number> {
      filter(value: number): boolean {
        return value % 2 === 0;
      }
    }
    class Twice extends RichFlatMapFunction<number, number> {
      flatMap(value: number, out: Collector<number>): void {
        out.collect(value);
        out.collect(value);
      }
    }
    const out = await newEnv(2)
      .fromElements(1, 2, 3, 4)
      .map({ map: (x: number) => x + 1 })
      .filter(new Even())
      .flatMap(new Twice())
      .executeAndCollect();
    expect(numerically(out)).toEqual([2, 2, 4, 4]);
  });

  it('runs every record exactly once at parallelism 3', async () => {
    const input = Array.from({ length: 500 }, (_, i) => i);
    const out = await newEnv(3)
      .fromCollection(input)
      .map((x) => x * 2)
      .filter((x) => x % 3 !== 0)
      .executeAndCollect();
    expect(numerically(out)).toEqual(input.map((x) => x * 2).filter((x) => x % 3 !== 0));
  });

  it('union merges all inputs (including one stream twice)', async () => {
    const env = newEnv(2);
    const a = env.fromElements('a1', 'a2');
    const b = env.fromElements('b1');
    const c = env.fromElements('c1', 'c2', 'c3').map((s) => s.toUpperCase());
    const out = await a.union(b, c, b).executeAndCollect();
    expect(sorted(out)).toEqual(['C1', 'C2', 'C3', 'a1', 'a2', 'b1', 'b1']);
  });

  it('executeAndCollect of an empty input is an empty array', async () => {
    const out = await newEnv(2)
      .fromElements(1, 2, 3)
      .filter(() => false)
      .executeAndCollect();
    expect(out).toEqual([]);
  });
});

// ---- rich functions ----------------------------------------------------------------------------

describe('rich functions', () => {
  it('are opened before and closed after processing, once per parallel subtask', async () => {
    const events: string[] = [];
    const indices = new Set<number>();
    class Tracker extends RichMapFunction<number, number> {
      override open(): void {
        const ctx = this.getRuntimeContext();
        indices.add(ctx.getIndexOfThisSubtask());
        expect(ctx.getNumberOfParallelSubtasks()).toBe(3);
        expect(ctx.getMaxNumberOfParallelSubtasks()).toBe(128);
        expect(ctx.getAttemptNumber()).toBe(0);
        expect(ctx.getTaskName()).toMatch(/^tracked \([123]\/3\)#0$/);
        events.push('open');
      }
      map(value: number): number {
        events.push('map');
        return value;
      }
      override close(): void {
        events.push('close');
      }
    }
    const out = await newEnv(3)
      .fromElements(1, 2, 3, 4, 5, 6)
      .map(new Tracker())
      .name('tracked')
      .executeAndCollect();
    expect(numerically(out)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.filter((e) => e === 'open')).toHaveLength(3);
    expect(events.filter((e) => e === 'close')).toHaveLength(3);
    expect(events.filter((e) => e === 'map')).toHaveLength(6);
    expect(events[0]).toBe('open');
    expect(events[events.length - 1]).toBe('close');
    expect([...indices].sort()).toEqual([0, 1, 2]);
  });

  it('are closed when their task fails, as Flink closes operators on failure too', async () => {
    const events: string[] = [];
    class Tracker extends RichMapFunction<number, number> {
      override open(): void {
        events.push('open');
      }
      map(value: number): number {
        if (value === 3) throw new Error('boom at 3');
        return value;
      }
      override close(): void {
        events.push('close');
      }
    }
    await expect(
      newEnv(1).fromElements(1, 2, 3, 4).map(new Tracker()).name('failing').executeAndCollect(),
    ).rejects.toThrow(/boom at 3/);
    expect(events).toEqual(['open', 'close']);
  });

  it('a function that is not rich gets no lifecycle calls and still runs', async () => {
    const out = await newEnv(1)
      .fromElements('x')
      .map((s) => s + s)
      .executeAndCollect();
    expect(out).toEqual(['xx']);
  });

  it('getRuntimeContext() before open is an error', () => {
    class Early extends RichMapFunction<number, number> {
      map(v: number): number {
        return v;
      }
    }
    expect(() => new Early().getRuntimeContext()).toThrow(/open\(\)/);
  });

  it('each parallel instance has its own function copy: getIndexOfThisSubtask() in map() is the index of the subtask calling it (p=3)', async () => {
    class IndexTagger extends RichMapFunction<number, [number, number]> {
      map(value: number): [number, number] {
        const ctx = this.getRuntimeContext();
        expect(ctx.getNumberOfParallelSubtasks()).toBe(3);
        return [ctx.getIndexOfThisSubtask(), value];
      }
    }
    const out = await newEnv(3)
      .fromElements(1, 2, 3, 4, 5, 6)
      .rebalance()
      .map(new IndexTagger())
      .executeAndCollect();
    // Round robin from one producer: every subtask gets two of the six records. In-process, all
    // subtasks share one IndexTagger whose runtime context is the last one set (subtask 2).
    const perSubtask = [0, 1, 2].map((s) => out.filter(([i]) => i === s).length);
    expect(perSubtask).toEqual([2, 2, 2]);
  });
});

// ---- keyed state -------------------------------------------------------------------------------

interface Event {
  readonly k: string;
  readonly v: number;
}

interface Snapshot {
  readonly key: string;
  readonly count: number | undefined;
  readonly list: number[];
  readonly parity: Record<string, number>;
  readonly sum: number | undefined;
  readonly avg: number | undefined;
  readonly flagged: boolean;
}

/** Uses every keyed state kind; a record with v = 0 clears them all for its key. */
class AllStates extends KeyedProcessFunction<string, Event, Snapshot> {
  private count!: ValueState<number>;
  private list!: ListState<number>;
  private parity!: MapState<string, number>;
  private sum!: ReducingState<number>;
  private avg!: AggregatingState<number, number>;
  private flagged!: ValueState<boolean>;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
    this.flagged = ctx.getState(new ValueStateDescriptor<boolean>('flagged', false));
    this.list = ctx.getListState(new ListStateDescriptor<number>('list'));
    this.parity = ctx.getMapState(new MapStateDescriptor<string, number>('parity'));
    this.sum = ctx.getReducingState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
    this.avg = ctx.getAggregatingState(
      new AggregatingStateDescriptor<number, { s: number; n: number }, number>('avg', {
        createAccumulator: () => ({ s: 0, n: 0 }),
        add: (value, acc) => ({ s: acc.s + value, n: acc.n + 1 }),
        getResult: (acc) => acc.s / acc.n,
        merge: (a, b) => ({ s: a.s + b.s, n: a.n + b.n }),
      }),
    );
  }

  processElement(event: Event, ctx: KeyedProcessContext<string>, out: Collector<Snapshot>): void {
    if (ctx.getCurrentKey() !== event.k)
      throw new Error(`current key ${ctx.getCurrentKey()} is not ${event.k}`);
    if (event.v === 0) {
      for (const s of [this.count, this.list, this.parity, this.sum, this.avg, this.flagged]) s.clear();
    } else {
      this.count.update((this.count.value() ?? 0) + 1);
      this.list.add(event.v);
      const parity = event.v % 2 === 0 ? 'even' : 'odd';
      this.parity.put(parity, (this.parity.get(parity) ?? 0) + 1);
      this.sum.add(event.v);
      this.avg.add(event.v);
      if (event.v > 100) this.flagged.update(true);
    }
    out.collect({
      key: ctx.getCurrentKey(),
      count: this.count.value(),
      list: this.list.get(),
      parity: Object.fromEntries(this.parity.entries()),
      sum: this.sum.get(),
      avg: this.avg.get(),
      flagged: this.flagged.value() ?? false,
    });
  }
}

const keyedEvents: Event[] = [
  { k: 'a', v: 1 },
  { k: 'b', v: 10 },
  { k: 'a', v: 2 },
  { k: 'c', v: 5 },
  { k: 'b', v: 200 },
  { k: 'a', v: 3 },
  { k: 'c', v: 0 },
  { k: 'c', v: 7 },
  { k: 'd', v: 4 },
];

function lastPerKey(out: readonly Snapshot[]): Record<string, Snapshot> {
  const last: Record<string, Snapshot> = {};
  for (const s of out) last[s.key] = s;
  return last;
}

const expectedFinalStates: Record<string, Snapshot> = {
  a: { key: 'a', count: 3, list: [1, 2, 3], parity: { odd: 2, even: 1 }, sum: 6, avg: 2, flagged: false },
  b: { key: 'b', count: 2, list: [10, 200], parity: { even: 2 }, sum: 210, avg: 105, flagged: true },
  c: { key: 'c', count: 1, list: [7], parity: { odd: 1 }, sum: 7, avg: 7, flagged: false },
  d: { key: 'd', count: 1, list: [4], parity: { even: 1 }, sum: 4, avg: 4, flagged: false },
};

describe('keyed state', () => {
  it('every keyed state kind works in a KeyedProcessFunction, isolated per key', async () => {
    const out = await newEnv(1)
      .fromCollection(keyedEvents)
      .keyBy((e) => e.k)
      .process(new AllStates())
      .executeAndCollect();
    expect(out).toHaveLength(keyedEvents.length);
    expect(lastPerKey(out)).toEqual(expectedFinalStates);
    // Clearing 'c' left an empty state behind: missing values read as undefined / [] / {}.
    const cleared = out.find((s) => s.key === 'c' && s.count === undefined)!;
    expect(cleared).toEqual({
      key: 'c',
      count: undefined,
      list: [],
      parity: {},
      sum: undefined,
      avg: undefined,
      flagged: false,
    });
  });

  it('each parallel instance has its own function copy: keyed state in a KeyedProcessFunction works at parallelism 2', async () => {
    const out = await newEnv(2)
      .fromCollection(keyedEvents)
      .keyBy((e) => e.k)
      .process(new AllStates())
      .executeAndCollect();
    expect(lastPerKey(out)).toEqual(expectedFinalStates);
  });

  it('a RichMapFunction on a keyed stream has value state per key', async () => {
    class RunningCount extends RichMapFunction<string, string> {
      private seen!: ValueState<number>;
      override open(): void {
        this.seen = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('seen'));
      }
      map(word: string): string {
        const n = (this.seen.value() ?? 0) + 1;
        this.seen.update(n);
        return `${word}#${n}`;
      }
    }
    const out = await newEnv(1)
      .fromElements('x', 'y', 'x', 'z', 'x', 'y')
      .keyBy((w) => w)
      .map(new RunningCount())
      .executeAndCollect();
    expect(out).toEqual(['x#1', 'y#1', 'x#2', 'z#1', 'x#3', 'y#2']);
  });

  it('keyed state on a non-keyed stream fails the job with an error mentioning keyBy and the operator', async () => {
    class Misplaced extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().getState(new ValueStateDescriptor<number>('nope'));
      }
      map(v: number): number {
        return v;
      }
    }
    const error = await failureOf(
      newEnv(1).fromElements(1, 2).map(new Misplaced()).name('misplaced-op').executeAndCollect(),
    );
    expect(error.message).toContain('keyBy');
    expect(error.message).toContain('misplaced-op');
  });

  it('keyBy sends every record of a key to one subtask (sum per key is complete)', async () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i % 17}`);
    const out = await newEnv(3)
      .fromCollection(words)
      .map((w) => ({ w, n: 1 }))
      .keyBy((r) => r.w)
      .sum('n')
      .executeAndCollect();
    const finals = new Map<string, number>();
    for (const r of out) finals.set(r.w, Math.max(finals.get(r.w) ?? 0, r.n));
    expect(finals.size).toBe(17);
    for (let k = 0; k < 17; k++) expect(finals.get(`w${k}`)).toBe(words.filter((w) => w === `w${k}`).length);
  });
});

// ---- failures ----------------------------------------------------------------------------------

describe('failures', () => {
  it('a user function that throws fails the job with an error naming the operator', async () => {
    const error = await failureOf(
      newEnv(2)
        .fromElements(1, 2, 3)
        .map((x) => {
          if (x === 2) throw new Error('kaboom');
          return x;
        })
        .name('boom-op')
        .executeAndCollect(),
    );
    expect(error.message).toContain("'boom-op'");
    expect(error.message).toContain('kaboom');
    expect((error as { code?: string }).code).toBe('JOB_FAILED');
  });

  it('a throwing open() fails the job with an error naming the operator', async () => {
    class BadOpen extends RichMapFunction<number, number> {
      override open(): void {
        throw new Error('cannot connect');
      }
      map(v: number): number {
        return v;
      }
    }
    const error = await failureOf(
      newEnv(1).fromElements(1).map(new BadOpen()).name('opener').executeAndCollect(),
    );
    expect(error.message).toContain("'opener'");
    expect(error.message).toContain('cannot connect');
  });

  it('a throwing key selector fails the job', async () => {
    const error = await failureOf(
      newEnv(2)
        .fromElements<{ k?: string }>({ k: 'a' }, {})
        .keyBy((r) => {
          if (r.k === undefined) throw new Error('no key here');
          return r.k;
        })
        .reduce((a) => a)
        .executeAndCollect(),
    );
    expect(error.message).toContain('no key here');
  });
});

// ---- side outputs ------------------------------------------------------------------------------

describe('side outputs', () => {
  const odds = new OutputTag<string>('odds');

  class Splitter extends ProcessFunction<number, number> {
    processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
      if (value % 2 === 0) out.collect(value);
      else ctx.output(odds, `odd-${value}`);
    }
  }

  it('ctx.output(tag) goes to getSideOutput(tag), the rest to the main output', async () => {
    const main = newEnv(1).fromElements(1, 2, 3, 4, 5).process(new Splitter());
    const side: DataStream<string> = main.getSideOutput(odds);
    const out = await main
      .map((n): [string, string] => ['main', String(n)])
      .union(side.map((s): [string, string] => ['side', s]))
      .executeAndCollect();
    expect(out.filter(([where]) => where === 'main').map(([, v]) => v)).toEqual(['2', '4']);
    expect(out.filter(([where]) => where === 'side').map(([, v]) => v)).toEqual(['odd-1', 'odd-3', 'odd-5']);
  });

  it('a side output crosses the network to a consumer of another parallelism', async () => {
    const out = await newEnv(2)
      .fromCollection(Array.from({ length: 20 }, (_, i) => i))
      .process(new Splitter())
      .setParallelism(2)
      .getSideOutput(odds)
      .map((s) => s.toUpperCase())
      .setParallelism(3)
      .executeAndCollect();
    expect(sorted(out)).toEqual(sorted(Array.from({ length: 10 }, (_, i) => `ODD-${2 * i + 1}`)));
  });

  it('a side output nobody consumes is dropped; another tag does not receive it', async () => {
    const other = new OutputTag<string>('other');
    const main = newEnv(1).fromElements(1, 2, 3).process(new Splitter());
    expect(await main.getSideOutput(other).executeAndCollect()).toEqual([]);
  });
});

// ---- partitioning ------------------------------------------------------------------------------

describe('partitioning, as seen by the consumer subtasks', () => {
  const six = [1, 2, 3, 4, 5, 6];

  async function land<T>(
    build: (env: StreamExecutionEnvironment, sink: Sink<T>) => void,
    parallelism = 1,
  ): Promise<Landed<T>[]> {
    const landed: Landed<T>[] = [];
    const env = newEnv(parallelism);
    build(env, recordingSink(landed));
    await env.execute('partitioning');
    return landed;
  }

  it('broadcast to parallelism 3 gives every subtask every record', async () => {
    const landed = await land<number>((env, sink) =>
      env
        .fromElements(...six)
        .broadcast()
        .sinkTo(sink)
        .setParallelism(3),
    );
    expect(landed).toHaveLength(18);
    for (let s = 0; s < 3; s++) {
      expect(landed.filter((l) => l.subtask === s).map((l) => l.value)).toEqual(six);
    }
  });

  it('global sends everything to subtask 0', async () => {
    const landed = await land<number>((env, sink) =>
      env
        .fromElements(...six)
        .global()
        .sinkTo(sink)
        .setParallelism(3),
    );
    expect(countsPerSubtask(landed, 3)).toEqual([6, 0, 0]);
    expect(landed.map((l) => l.value)).toEqual(six);
  });

  it('rebalance spreads round robin: equal counts, consecutive records on consecutive subtasks', async () => {
    const landed = await land<number>((env, sink) =>
      env
        .fromElements(...six)
        .rebalance()
        .sinkTo(sink)
        .setParallelism(3),
    );
    expect(countsPerSubtask(landed, 3)).toEqual([2, 2, 2]);
    for (let s = 0; s < 3; s++) {
      const values = landed.filter((l) => l.subtask === s).map((l) => l.value);
      expect(values[1]! - values[0]!).toBe(3);
    }
  });

  it('the default partitioning between different parallelisms is rebalance', async () => {
    const landed = await land<number>((env, sink) =>
      env
        .fromElements(...six)
        .sinkTo(sink)
        .setParallelism(3),
    );
    expect(countsPerSubtask(landed, 3)).toEqual([2, 2, 2]);
  });

  it('shuffle delivers every record exactly once, to subtasks in range', async () => {
    const input = Array.from({ length: 300 }, (_, i) => i);
    const landed = await land<number>((env, sink) =>
      env.fromCollection(input).shuffle().sinkTo(sink).setParallelism(3),
    );
    expect(numerically(landed.map((l) => l.value))).toEqual(input);
    expect(landed.every((l) => l.subtask >= 0 && l.subtask < 3)).toBe(true);
    // With 300 random picks, every subtask gets some.
    expect(countsPerSubtask(landed, 3).every((c) => c > 0)).toBe(true);
  });

  it('rescale 2 → 4 keeps each producer within its block of consumers, spread round robin', async () => {
    const landed = await land<Tagged>((env, sink) =>
      env
        .fromSource(new SubtaskTaggingSource(8), WatermarkStrategy.noWatermarks(), 'tagging')
        .setParallelism(2)
        .rescale()
        .sinkTo(sink)
        .setParallelism(4),
    );
    expect(landed).toHaveLength(16);
    for (const l of landed) expect([0, 1].includes(l.subtask)).toBe(l.value.from === 0);
    expect(countsPerSubtask(landed, 4)).toEqual([4, 4, 4, 4]);
  });

  it('forward keeps records in the same subtask index', async () => {
    const landed = await land<Tagged>((env, sink) =>
      env
        .fromSource(new SubtaskTaggingSource(5), WatermarkStrategy.noWatermarks(), 'tagging')
        .setParallelism(3)
        .forward()
        .sinkTo(sink)
        .setParallelism(3)
        .disableChaining(),
    );
    expect(landed).toHaveLength(15);
    for (const l of landed) expect(l.subtask).toBe(l.value.from);
  });

  it('keyBy sends a key to the subtask owning its key group', async () => {
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    const landed = await land<string>((env, sink) =>
      env
        .fromCollection([...keys, ...keys])
        .keyBy((k) => k)
        .sinkTo(sink)
        .setParallelism(3),
    );
    expect(landed).toHaveLength(100);
    for (const l of landed) expect(l.subtask).toBe(assignKeyToParallelOperator(l.value, 128, 3));
    expect(countsPerSubtask(landed, 3).every((c) => c > 0)).toBe(true);
  });
});
