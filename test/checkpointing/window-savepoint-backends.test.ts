/**
 * Window state through real savepoints, between the window operator's plans and the general
 * WindowOperator: on the heap backend session and sliding windows run as specialised plans, on
 * RocksDB as WindowOperator. A job is savepointed (and cancelled) mid-stream on one backend at
 * parallelism 2 and restored on the other at parallelism 3; every window's result must equal the
 * result computed directly from the input, none missing. The sink keeps the latest result per
 * (key, window), so results emitted again after the restore (the sink is not transactional)
 * overwrite equal ones.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
  type ProcessWindowContext,
  type Sink,
  type TimeWindow,
} from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { waitFor } from '../support/cli.js';
import {
  captureEnvironment,
  cleanUpMiniClusters,
  describeJob,
  resultWithin,
  submitOnMiniCluster,
  tempDirectory,
} from './checkpoint-fault-support.js';

const KEYS = 7;
const EVENTS = 4200;
const GAP = 500;

interface Event {
  readonly key: number;
  readonly ts: number;
  readonly value: number;
}

/** 10 ms apart, with a 5 s pause every 300 events, so sessions close and new ones start. */
function event(i: number): Event {
  return { key: i % KEYS, ts: i * 10 + Math.floor(i / 300) * 5000, value: i };
}

/** `key/start/end` → sum and count, the latest each run's sink saw. */
const results = new Map<string, string>();
const collect: Sink<string> = {
  createWriter: () => ({
    write: (record: string) => {
      const [window, outcome] = record.split('=');
      results.set(window!, outcome!);
    },
    flush() {},
    close() {},
  }),
};

const sumAndCount = {
  createAccumulator: (): [number, number] => [0, 0],
  add: (e: Event, acc: [number, number]): [number, number] => [acc[0] + e.value, acc[1] + 1],
  getResult: (acc: [number, number]): [number, number] => acc,
  merge: (a: [number, number], b: [number, number]): [number, number] => [a[0] + b[0], a[1] + b[1]],
};

class Label extends ProcessWindowFunction<[number, number], string, number, TimeWindow> {
  process(
    key: number,
    ctx: ProcessWindowContext<TimeWindow>,
    elements: [number, number][],
    out: Collector<string>,
  ): void {
    const [sum, count] = elements[0]!;
    out.collect(`${key}/${ctx.window.start}/${ctx.window.end}=${sum}/${count}`);
  }
}

type Backend = 'hashmap' | 'rocksdb';
type Kind = 'sessions' | 'sliding';

function windowJob(kind: Kind, backend: Backend, parallelism: number) {
  const env = captureEnvironment();
  env.setStateBackend(backend);
  env.setParallelism(parallelism);
  env.setMaxParallelism(16);
  env.enableCheckpointing(200);
  env.configure({ 'restart-strategy.type': 'none' });
  const keyed = env
    .fromSource(
      new DataGeneratorSource(event, EVENTS, RateLimiterStrategy.perSecond(4000)),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
      'events',
    )
    .uid('events')
    .keyBy((e) => e.key);
  const windowed =
    kind === 'sessions'
      ? keyed.window(EventTimeSessionWindows.withGap(GAP))
      : keyed.window(SlidingEventTimeWindows.of(1000, 500));
  windowed.aggregate(sumAndCount, new Label()).uid('windows').sinkTo(collect).uid('collect');
  return env;
}

/** The results computed straight from the input. */
function expected(kind: Kind): Map<string, string> {
  const perWindow = new Map<string, [number, number]>();
  const add = (key: number, start: number, end: number, value: number): void => {
    const id = `${key}/${start}/${end}`;
    const [sum, count] = perWindow.get(id) ?? [0, 0];
    perWindow.set(id, [sum + value, count + 1]);
  };
  const events = Array.from({ length: EVENTS }, (_, i) => event(i));
  for (let key = 0; key < KEYS; key++) {
    const own = events.filter((e) => e.key === key);
    if (kind === 'sliding') {
      for (const e of own) {
        for (let start = e.ts - (e.ts % 500); start > e.ts - 1000; start -= 500)
          add(key, start, start + 1000, e.value);
      }
      continue;
    }
    // Sessions: windows [ts, ts + gap) that overlap or touch merge.
    let session: Event[] = [];
    const close = (): void => {
      if (session.length === 0) return;
      const start = session[0]!.ts;
      const end = session.at(-1)!.ts + GAP;
      for (const e of session) add(key, start, end, e.value);
    };
    for (const e of own) {
      if (session.length > 0 && e.ts > session.at(-1)!.ts + GAP) {
        close();
        session = [];
      }
      session.push(e);
    }
    close();
  }
  return new Map([...perWindow].map(([id, [sum, count]]) => [id, `${sum}/${count}`]));
}

afterEach(async () => {
  await cleanUpMiniClusters();
  results.clear();
});

describe('window state in savepoints, between the window plans and WindowOperator', () => {
  it.each<[Kind, Backend, Backend]>([
    ['sessions', 'hashmap', 'rocksdb'],
    ['sessions', 'rocksdb', 'hashmap'],
    ['sliding', 'hashmap', 'rocksdb'],
    ['sliding', 'rocksdb', 'hashmap'],
  ])(
    '%s: a %s savepoint at parallelism 2 restores into %s at parallelism 3 with every window exact',
    async (kind, from, to) => {
      const reference = expected(kind);
      const checkpoints = await tempDirectory('freshet-wsp-ckpt-');
      const savepoints = await tempDirectory('freshet-wsp-');
      const first = windowJob(kind, from, 2);
      first.configure({ 'state.checkpoints.dir': `file://${checkpoints}` });
      const master = await submitOnMiniCluster(first.getPipeline('windows-first-run'));
      // Mid-stream: some windows fired, most of the input still to come.
      await waitFor(
        () => results.size >= reference.size / 4,
        30_000,
        () => `a quarter of the windows fired (${results.size} of ${reference.size}; ${describeJob(master)})`,
      );
      const path = await master.triggerSavepoint(savepoints, true);
      expect((await resultWithin(master, 30_000)).status).toBe('CANCELED');
      expect(results.size).toBeLessThan(reference.size);

      const second = windowJob(kind, to, 3);
      const restored = await submitOnMiniCluster(second.getPipeline('windows-second-run'), {
        savepoint: { path, allowNonRestoredState: false },
      });
      expect((await resultWithin(restored, 60_000)).status, describeJob(restored)).toBe('FINISHED');
      expect(new Map([...results].sort())).toEqual(new Map([...reference].sort()));
    },
    90_000,
  );
});
