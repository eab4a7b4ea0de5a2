/**
 * AlignedWindowOperator and EventTimeSessionWindowOperator against WindowOperator: the same random inputs (keys, timestamps around
 * the watermark, late elements, null elements, watermarks, checkpoints restored into either
 * operator) must give the same output in the same order, the same late-data side output and
 * metric, and the same snapshots (state entries and timers, in firing order).
 */
import {
  EventTimeSessionWindows,
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type Collector,
  type KeyedStream,
  type ProcessWindowContext,
  type TimeWindow,
  type WindowAssigner,
} from 'freshet';
import { describe, expect, it } from 'vitest';

import {
  KeyedOneInputStreamOperatorTestHarness,
  type OperatorTestSnapshot,
} from '../support/keyed-operator-test-harness.js';
import { AlignedWindowOperator } from '../../taskmanager/operators/windowing/aligned-window-operator.js';
import { EventTimeSessionWindowOperator } from '../../taskmanager/operators/windowing/event-time-session-window-operator.js';
import type { AnyWindowOperator } from '../../taskmanager/operators/windowing/create-window-operator.js';
import { WindowOperator } from '../../taskmanager/operators/windowing/window-operator.js';

type Event = [key: string, value: number] | null;
type Plan = 'auto' | 'general';

/** Null elements are keyed too (they clear a window's contents, as Flink's heap states do). */
const keyOf = (e: Event): string => (e === null ? 'null' : e[0]);

/** Concatenation is order-sensitive: any difference in the order elements are added shows. */
const concat = (a: Event, b: Event): Event => [`${a![0]}+${b![0]}`, a![1] * 31 + b![1]];
const listAggregate = {
  createAccumulator: (): number[] => [],
  add: (e: Event, acc: number[]): number[] => [...acc, e![1]],
  getResult: (acc: number[]): string => acc.join(','),
  merge: (a: number[], b: number[]): number[] => [...a, ...b],
};

/** Labels results with the window, counts firings per window and key in window and global state. */
class Labelled extends ProcessWindowFunction<unknown, unknown, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    elements: unknown[],
    out: Collector<unknown>,
  ): void {
    const perWindow = ctx.windowState().getState(new ValueStateDescriptor<number>('firings'));
    const global = ctx.globalState().getState(new ValueStateDescriptor<number>('firings'));
    perWindow.update((perWindow.value() ?? 0) + 1);
    global.update((global.value() ?? 0) + 1);
    out.collect([key, ctx.window.start, ctx.window.end, elements, perWindow.value(), global.value()]);
  }

  override clear(ctx: ProcessWindowContext<TimeWindow>): void {
    ctx.windowState().getState(new ValueStateDescriptor<number>('firings')).clear();
  }
}

/** Labels results with the window and counts firings per key in global state (sessions have no window state). */
class SessionLabelled extends ProcessWindowFunction<unknown, unknown, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    elements: unknown[],
    out: Collector<unknown>,
  ): void {
    const global = ctx.globalState().getState(new ValueStateDescriptor<number>('firings'));
    global.update((global.value() ?? 0) + 1);
    out.collect([key, ctx.window.start, ctx.window.end, elements, global.value()]);
  }
}

interface Shape {
  readonly name: string;
  readonly plan: typeof AlignedWindowOperator | typeof EventTimeSessionWindowOperator;
  readonly assigner: () => WindowAssigner<unknown, TimeWindow>;
  readonly build: (windowed: ReturnType<KeyedStream<Event, string>['window']>) => unknown;
}

const LATE = new OutputTag<Event>('late');
const shapes: Shape[] = [
  {
    name: 'tumbling reduce',
    plan: AlignedWindowOperator,
    assigner: () => TumblingEventTimeWindows.of(10),
    build: (w) => w.reduce(concat),
  },
  {
    name: 'tumbling with offset, aggregate, late side output',
    plan: AlignedWindowOperator,
    assigner: () => TumblingEventTimeWindows.of(7, -3),
    build: (w) => w.sideOutputLateData(LATE).aggregate(listAggregate),
  },
  {
    name: 'sliding aggregate with a process window function',
    plan: AlignedWindowOperator,
    assigner: () => SlidingEventTimeWindows.of(12, 4),
    build: (w) => w.aggregate(listAggregate, new Labelled()),
  },
  {
    name: 'sliding with offset, reduce with a process window function, late side output',
    plan: AlignedWindowOperator,
    assigner: () => SlidingEventTimeWindows.of(9, 3, 1),
    build: (w) => w.sideOutputLateData(LATE).reduce(concat, new Labelled()),
  },
  {
    name: 'sessions, reduce',
    plan: EventTimeSessionWindowOperator,
    assigner: () => EventTimeSessionWindows.withGap(4),
    build: (w) => w.reduce(concat),
  },
  {
    name: 'sessions, aggregate with a process window function, late side output',
    plan: EventTimeSessionWindowOperator,
    assigner: () => EventTimeSessionWindows.withGap(6),
    build: (w) => w.sideOutputLateData(LATE).aggregate(listAggregate, new SessionLabelled()),
  },
  {
    name: 'sessions with a dynamic gap, aggregate',
    plan: EventTimeSessionWindowOperator,
    assigner: () =>
      EventTimeSessionWindows.withDynamicGap((e: unknown) => 1 + (((e as Event)?.[1] ?? 0) % 9)),
    build: (w) => w.aggregate(listAggregate),
  },
];

function harness(shape: Shape, plan: Plan): KeyedOneInputStreamOperatorTestHarness<Event, AnyWindowOperator> {
  return KeyedOneInputStreamOperatorTestHarness.forWindow<Event, string>(
    keyOf,
    (keyed) => shape.build(keyed.window(shape.assigner())),
    { plan },
  );
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step =
  | { kind: 'element'; event: Event; timestamp: number }
  | { kind: 'watermark'; timestamp: number }
  | { kind: 'checkpoint'; restoreInto: Plan };

/** How a scenario's stream looks: keys, how far the watermark jumps, where timestamps fall. */
interface Stream {
  readonly keys: number;
  readonly watermarkStep: number;
  /** Timestamps fall in [watermark - behind, watermark - behind + span). */
  readonly behind: number;
  readonly span: number;
}

const STREAMS: Stream[] = [
  { keys: 6, watermarkStep: 15, behind: 12, span: 40 },
  // Few keys spread wide: many windows (sessions) per key, merges of several at once.
  { keys: 2, watermarkStep: 30, behind: 20, span: 80 },
];

function scenario(seed: number, length: number, stream: Stream): Step[] {
  const next = random(seed);
  const steps: Step[] = [];
  let watermark = -40;
  for (let i = 0; i < length; i++) {
    const roll = next();
    if (roll < 0.1) {
      watermark += Math.floor(next() * stream.watermarkStep);
      steps.push({ kind: 'watermark', timestamp: watermark });
    } else if (roll < 0.12) {
      steps.push({ kind: 'checkpoint', restoreInto: next() < 0.5 ? 'auto' : 'general' });
    } else {
      // Some late, some far ahead.
      const timestamp = watermark - stream.behind + Math.floor(next() * stream.span);
      const event: Event = next() < 0.03 ? null : [`k${Math.floor(next() * stream.keys)}`, i];
      steps.push({ kind: 'element', event, timestamp });
    }
  }
  steps.push({ kind: 'watermark', timestamp: Number.MAX_SAFE_INTEGER });
  return steps;
}

interface Run {
  readonly output: unknown[];
  readonly dropped: number;
  readonly snapshots: OperatorTestSnapshot[];
  readonly plans: string[];
}

async function run(shape: Shape, plan: Plan, steps: readonly Step[]): Promise<Run> {
  let h = harness(shape, plan);
  await h.open();
  const output: unknown[] = [];
  const snapshots: OperatorTestSnapshot[] = [];
  const plans = [h.operator.constructor.name];
  let dropped = 0;
  let watermark: number | undefined;
  for (const step of steps) {
    if (step.kind === 'element') h.processElement(step.event, step.timestamp);
    else if (step.kind === 'watermark') h.processWatermark((watermark = step.timestamp));
    else {
      const snapshot = h.snapshot();
      snapshots.push(snapshot);
      output.push(...h.extractOutput());
      dropped += h.operator.numLateRecordsDropped;
      await h.close();
      h = harness(shape, step.restoreInto);
      h.initializeState(snapshot);
      await h.open();
      plans.push(h.operator.constructor.name);
      // A restored operator sees the watermark again before new elements, as after a recovery.
      if (watermark !== undefined) h.processWatermark(watermark);
      output.push({ restoredAtWatermark: watermark });
      h.clearOutput();
    }
  }
  output.push(...h.extractOutput());
  dropped += h.operator.numLateRecordsDropped;
  await h.close();
  return { output, dropped, snapshots, plans };
}

/**
 * Snapshot entries compared as a set (tables list them in insertion order), a merging window
 * set's pairs too (WindowOperator writes a set's order as of its last change; the order of
 * windows that do not overlap has no effect); timers exactly, in firing order.
 */
function comparable(snapshot: OperatorTestSnapshot): unknown {
  const entries: string[] = [];
  for (const [group, states] of snapshot.keyed.keyGroups) {
    for (const [state, rows] of states) {
      for (const [key, namespace, value] of rows) {
        const stored =
          state === 'merging-window-set' ? (value as string[][]).map((p) => p.join('→')).sort() : value;
        entries.push(JSON.stringify([group, state, key, namespace, stored]));
      }
    }
  }
  return { entries: entries.sort(), timers: snapshot.timers.map((t) => [...t]) };
}

describe('the specialised window plans compute what WindowOperator computes', () => {
  it.each(shapes)('picks the specialised plan for $name', (shape) => {
    expect(harness(shape, 'auto').operator).toBeInstanceOf(shape.plan);
    expect(harness(shape, 'general').operator).toBeInstanceOf(WindowOperator);
  });

  for (const shape of shapes) {
    it(`${shape.name}: random inputs, checkpoints restored into either operator`, async () => {
      for (let seed = 1; seed <= 24; seed++) {
        const steps = scenario(seed * 7919 + shape.name.length, 400, STREAMS[seed % STREAMS.length]!);
        const general = await run(
          shape,
          'general',
          steps.map((s) => (s.kind === 'checkpoint' ? { ...s, restoreInto: 'general' } : s)),
        );
        const aligned = await run(shape, 'auto', steps);
        expect(aligned.plans).toContain(shape.plan.name);
        expect(aligned.output, `seed ${seed}`).toEqual(general.output);
        expect(aligned.dropped, `seed ${seed}`).toBe(general.dropped);
        expect(aligned.snapshots.map(comparable), `seed ${seed}`).toEqual(general.snapshots.map(comparable));
        // The scenario is not trivial: windows fired, some elements were late.
        expect(
          general.output.filter((e) => (e as { kind?: string }).kind === 'record').length,
        ).toBeGreaterThan(20);
        expect(
          general.dropped + general.output.filter((e) => (e as { kind?: string }).kind === 'side').length,
        ).toBeGreaterThan(0);
      }
    });
  }

  it.each(['auto', 'general'] as const)('%s: sessions have no per-window state', async (plan) => {
    const h = harness({ ...shapes[4]!, build: (w) => w.reduce(concat, new Labelled()) }, plan);
    await h.open();
    h.processElement(['a', 1], 5);
    expect(() => h.processWatermark(100)).toThrow(
      /Per-window state is not allowed when using merging windows/,
    );
  });

  it('rejects restored timers its assigner never registers, naming the operator', async () => {
    const shape = shapes[0]!;
    const other = KeyedOneInputStreamOperatorTestHarness.forWindow<Event, string>(
      keyOf,
      (keyed) => keyed.window(TumblingEventTimeWindows.of(20)).reduce(concat),
      { plan: 'general' },
    );
    await other.open();
    other.processElement(['a', 1], 5);
    const snapshot = other.snapshot();
    await other.close();
    const h = harness(shape, 'auto');
    h.initializeState(snapshot);
    await expect(h.open()).rejects.toThrow(
      /restored state has a timer at 19 for window TimeWindow\{start=0, end=20\}.*another window assigner/,
    );
  });
});
