/**
 * A test harness for one keyed one-input operator (after Flink's
 * KeyedOneInputStreamOperatorTestHarness): it builds the operator with
 *
 * - a recording Output: main records (value + timestamp), watermarks, watermark status and
 *   side-output records, all in ONE list in the order the operator emitted them;
 * - a manual {@link TestingProcessingTimeService}: time only moves when the test calls
 *   `setProcessingTime(t)`, which then fires every due callback synchronously, earliest first;
 * - a HeapKeyedStateBackend owning all key groups (`maxParallelism` 128, subtask 0 of 1);
 * - a StreamingRuntimeContext over that backend, and the key selector as state key selector.
 *
 * Window operators: the easiest way to get a `WindowOperatorSpec` is to let the public API build
 * it, exactly as a job would. {@link windowOperatorSpec} builds a throw-away job
 * (`env.fromElements().keyBy(key)` → your `.window(…)…reduce(…)`), takes the job's StreamGraph
 * (`env.getPipeline().streamGraph.nodes`), finds the node whose `operator.kind === 'window'` and
 * returns its `operator.window` (the spec) and `stateKeySelector`.
 * {@link KeyedOneInputStreamOperatorTestHarness.forWindow} does that and wraps the spec in a
 * WindowOperator:
 *
 * ```ts
 * const h = KeyedOneInputStreamOperatorTestHarness.forWindow<Tuple, string>(
 *   (t) => t[0],
 *   (keyed) => keyed.window(TumblingEventTimeWindows.of(3000)).reduce(sum),
 * );
 * await h.open();
 * h.processElement(['key2', 1], 3999);
 * h.processWatermark(2999);
 * expect(h.extractOutput()).toEqual([record(['key2', 3], 2999), watermark(2999)]);
 * ```
 */
import { StreamExecutionEnvironment, type KeyedStream, type WatermarkStatus } from 'freshet';

import type { WindowOperatorSpec } from '../../api/graph/window-operator-spec.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../common/key-groups.js';
import { KeyedTimerService } from '../../taskmanager/operators/keyed-timer-service.js';
import type { InternalTimersSnapshot } from '../../taskmanager/operators/windowing/internal-timer-service.js';
import type { KeyedStateSnapshot } from '../../taskmanager/state/keyed-state-backend.js';
import type { Output } from '../../taskmanager/operators/output.js';
import type { ProcessingTimeService } from '../../taskmanager/operators/processing-time-service.js';
import type { OperatorContext, StreamOperator } from '../../taskmanager/operators/stream-operator.js';
import {
  createWindowOperator,
  type AnyWindowOperator,
} from '../../taskmanager/operators/windowing/create-window-operator.js';
import { HeapKeyedStateBackend } from '../../taskmanager/state/heap/heap-keyed-state-backend.js';
import { StreamingRuntimeContext, type TaskInfo } from '../../taskmanager/task/streaming-runtime-context.js';

// ------------------------------------------------------------------------------------------------
// Output elements
// ------------------------------------------------------------------------------------------------

export interface RecordElement {
  readonly kind: 'record';
  readonly value: unknown;
  readonly timestamp: number | undefined;
}
export interface WatermarkElement {
  readonly kind: 'watermark';
  readonly timestamp: number;
}
export interface SideOutputElement {
  readonly kind: 'side';
  readonly tag: string;
  readonly value: unknown;
  readonly timestamp: number | undefined;
}
export interface WatermarkStatusElement {
  readonly kind: 'status';
  readonly status: WatermarkStatus;
}
export type OutputElement = RecordElement | WatermarkElement | SideOutputElement | WatermarkStatusElement;

/** A main-output record (Flink's `new StreamRecord<>(value, timestamp)`). */
export function record(value: unknown, timestamp?: number): RecordElement {
  return { kind: 'record', value, timestamp };
}
/** A watermark (Flink's `new Watermark(timestamp)`). */
export function watermark(timestamp: number): WatermarkElement {
  return { kind: 'watermark', timestamp };
}
/** A record on the side output `tag` (an OutputTag's id). */
export function sideRecord(tag: string, value: unknown, timestamp?: number): SideOutputElement {
  return { kind: 'side', tag, value, timestamp };
}

function compareRecords(a: RecordElement | SideOutputElement, b: RecordElement | SideOutputElement): number {
  const ta = a.timestamp ?? Number.NEGATIVE_INFINITY;
  const tb = b.timestamp ?? Number.NEGATIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const va = JSON.stringify(a.value);
  const vb = JSON.stringify(b.value);
  return va < vb ? -1 : va > vb ? 1 : 0;
}

/**
 * The output with the records between two consecutive watermarks sorted (by timestamp, then by
 * value): what Flink's `TestHarnessUtil.assertOutputEqualsSorted` compares. Watermark positions
 * stay exactly where they are, so `expect(sortedWithinWatermarks(actual)).toEqual(
 * sortedWithinWatermarks(expected))` checks that every record came out before the same watermark
 * as expected, without depending on the order in which timers of equal timestamp fire.
 */
export function sortedWithinWatermarks(elements: readonly OutputElement[]): OutputElement[] {
  const result: OutputElement[] = [];
  let run: Array<RecordElement | SideOutputElement> = [];
  const flush = (): void => {
    result.push(...run.sort(compareRecords));
    run = [];
  };
  for (const element of elements) {
    if (element.kind === 'record' || element.kind === 'side') {
      run.push(element);
    } else {
      flush();
      result.push(element);
    }
  }
  flush();
  return result;
}

// ------------------------------------------------------------------------------------------------
// Processing time
// ------------------------------------------------------------------------------------------------

interface ScheduledCallback {
  readonly time: number;
  readonly seq: number;
  readonly callback: (time: number) => void;
  cancelled: boolean;
}

/**
 * A ProcessingTimeService whose clock only the test moves (Flink's TestProcessingTimeService).
 * `setProcessingTime(t)` sets the clock to `t`, then runs every callback with time `<= t`, earliest
 * first (ties in registration order), including callbacks registered while it runs.
 */
export class TestingProcessingTimeService implements ProcessingTimeService {
  private now: number;
  private seq = 0;
  private queue: ScheduledCallback[] = [];

  constructor(initialTime = 0) {
    this.now = initialTime;
  }

  getCurrentProcessingTime(): number {
    return this.now;
  }

  registerTimer(time: number, callback: (time: number) => void): () => void {
    const entry: ScheduledCallback = { time, seq: this.seq++, callback, cancelled: false };
    this.queue.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  setProcessingTime(time: number): void {
    if (time < this.now) throw new Error(`processing time cannot go back (from ${this.now} to ${time})`);
    this.now = time;
    for (;;) {
      this.queue = this.queue.filter((e) => !e.cancelled);
      let next: ScheduledCallback | undefined;
      for (const e of this.queue) {
        if (
          e.time <= time &&
          (next === undefined || e.time < next.time || (e.time === next.time && e.seq < next.seq))
        ) {
          next = e;
        }
      }
      if (next === undefined) return;
      next.cancelled = true;
      next.callback(next.time);
    }
  }

  /** Number of callbacks still waiting (a gauge for tests). */
  numPendingCallbacks(): number {
    return this.queue.filter((e) => !e.cancelled).length;
  }
}

// ------------------------------------------------------------------------------------------------
// The harness
// ------------------------------------------------------------------------------------------------

/** Records everything an operator emits, in emission order. */
export class RecordingOutput implements Output {
  readonly elements: OutputElement[] = [];

  collect(value: unknown, timestamp: number | undefined): void {
    this.elements.push({ kind: 'record', value, timestamp });
  }
  collectSide(tag: string, value: unknown, timestamp: number | undefined): void {
    this.elements.push({ kind: 'side', tag, value, timestamp });
  }
  emitWatermark(timestamp: number): void {
    this.elements.push({ kind: 'watermark', timestamp });
  }
  emitWatermarkStatus(status: WatermarkStatus): void {
    this.elements.push({ kind: 'status', status });
  }
}

export interface HarnessOptions {
  readonly maxParallelism?: number;
  readonly operatorName?: string;
  readonly initialProcessingTime?: number;
}

export type OperatorFactory<OP extends StreamOperator> = (ctx: OperatorContext) => OP;

export class KeyedOneInputStreamOperatorTestHarness<IN, OP extends StreamOperator = StreamOperator> {
  readonly output = new RecordingOutput();
  readonly processingTimeService: TestingProcessingTimeService;
  readonly keyedStateBackend: HeapKeyedStateBackend;
  readonly operator: OP;
  /** The operator's keyed timer services, as a task's chain collects them for checkpoints. */
  readonly timerServices: KeyedTimerService[] = [];
  private opened = false;
  private closed = false;

  constructor(
    factory: OperatorFactory<OP>,
    readonly keySelector: (value: IN) => unknown,
    options: HarnessOptions = {},
  ) {
    const maxParallelism = options.maxParallelism ?? 128;
    const operatorName = options.operatorName ?? 'operator-under-test';
    this.processingTimeService = new TestingProcessingTimeService(options.initialProcessingTime ?? 0);
    this.keyedStateBackend = new HeapKeyedStateBackend({
      keyGroupRange: computeKeyGroupRangeForOperatorIndex(maxParallelism, 1, 0),
      maxParallelism,
    });
    const task: TaskInfo = {
      jobId: 'test-job',
      taskName: operatorName,
      subtaskIndex: 0,
      parallelism: 1,
      maxParallelism,
      attemptNumber: 0,
    };
    this.operator = factory({
      operatorName,
      output: this.output,
      runtimeContext: new StreamingRuntimeContext(task, operatorName, this.keyedStateBackend),
      keyedStateBackend: this.keyedStateBackend,
      stateKeySelector: keySelector as (value: unknown) => unknown,
      processingTimeService: this.processingTimeService,
      autoWatermarkInterval: 200,
      timerServices: this.timerServices,
    });
  }

  /**
   * A harness around a WindowOperator whose spec the public API builds: `build` gets
   * `env.fromElements().keyBy(keySelector)` and returns the windowed result stream.
   */
  static forWindow<IN, K>(
    keySelector: (value: IN) => K,
    build: (keyed: KeyedStream<IN, K>) => unknown,
    options: HarnessOptions & { readonly plan?: 'auto' | 'general' } = {},
  ): KeyedOneInputStreamOperatorTestHarness<IN, AnyWindowOperator> {
    const { spec, stateKeySelector } = windowOperatorSpec(keySelector, build);
    return new KeyedOneInputStreamOperatorTestHarness<IN, AnyWindowOperator>(
      (ctx) => createWindowOperator(ctx, spec, options.plan),
      stateKeySelector,
      options,
    );
  }

  async open(): Promise<void> {
    if (this.opened) throw new Error('harness already opened');
    this.opened = true;
    await this.operator.open();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.operator.close();
    this.keyedStateBackend.dispose();
  }

  processElement(value: IN, timestamp?: number): void {
    this.operator.processElement(value, timestamp);
  }

  processWatermark(timestamp: number): void {
    this.operator.processWatermark(timestamp);
  }

  processWatermarkStatus(status: WatermarkStatus): void {
    this.operator.processWatermarkStatus(status);
  }

  async endInput(): Promise<void> {
    await this.operator.endInput();
  }

  setProcessingTime(time: number): void {
    this.processingTimeService.setProcessingTime(time);
  }

  getProcessingTime(): number {
    return this.processingTimeService.getCurrentProcessingTime();
  }

  /** Everything emitted so far (main records, watermarks, side outputs, status), in order. */
  extractOutput(): OutputElement[] {
    return [...this.output.elements];
  }

  /** Flink's `getOutput()`: main records and watermarks only, in order. */
  getOutput(): Array<RecordElement | WatermarkElement> {
    return this.output.elements.filter(
      (e): e is RecordElement | WatermarkElement => e.kind === 'record' || e.kind === 'watermark',
    );
  }

  /** Flink's `getSideOutput(tag)`: the records sent to side output `tag`, in order. */
  getSideOutput(tag: string): SideOutputElement[] {
    return this.output.elements.filter((e): e is SideOutputElement => e.kind === 'side' && e.tag === tag);
  }

  /** The values of the main records (Flink's `extractOutputValues`). */
  extractOutputValues(): unknown[] {
    return this.output.elements.filter((e) => e.kind === 'record').map((e) => e.value);
  }

  clearOutput(): void {
    this.output.elements.length = 0;
  }

  /** Every keyed-state entry (all state names, keys and namespaces), from a backend snapshot. */
  keyedStateEntries(): KeyedStateEntry[] {
    // As a checkpoint sees it: operators write what they keep in memory when asked to snapshot.
    this.operator.snapshotState?.(0);
    const entries: KeyedStateEntry[] = [];
    for (const states of this.keyedStateBackend.snapshot().keyGroups.values()) {
      for (const [state, rows] of states) {
        for (const [key, namespace, value] of rows) entries.push({ state, key, namespace, value });
      }
    }
    return entries;
  }

  /** What a checkpoint takes of the operator: its keyed state and the timers of its timer services. */
  snapshot(): OperatorTestSnapshot {
    this.operator.snapshotState?.(0);
    return {
      keyed: this.keyedStateBackend.snapshot(),
      timers: this.timerServices.map((service) => service.timers.snapshot()),
    };
  }

  /** Flink's `initializeState(snapshot)`: loads a snapshot of this operator's kind; call before open. */
  initializeState(snapshot: OperatorTestSnapshot): void {
    if (this.opened) throw new Error('initializeState must come before open');
    this.keyedStateBackend.restore(snapshot.keyed);
    snapshot.timers.forEach((timers, i) =>
      this.timerServices[i]?.restore(timers, this.keyedStateBackend.keyGroupRange),
    );
  }

  /** Flink's `numKeyedStateEntries()`. */
  numKeyedStateEntries(): number {
    return this.keyedStateEntries().length;
  }

  /**
   * Flink's `numEventTimeTimers()` / `numProcessingTimeTimers()`, for operators that keep their
   * timers in a KeyedTimerService field named `timers` (as the window operator does; the field is
   * private, tests reach into it).
   */
  numEventTimeTimers(namespace?: string): number {
    // As a checkpoint sees them: operators that keep windows their own way copy their timers.
    this.operator.snapshotState?.(0);
    return this.timerService().timers.numEventTimeTimers(namespace);
  }

  numProcessingTimeTimers(namespace?: string): number {
    return this.timerService().timers.numProcessingTimeTimers(namespace);
  }

  private timerService(): KeyedTimerService {
    const timers = (this.operator as unknown as { timers?: unknown }).timers;
    if (!(timers instanceof KeyedTimerService)) {
      throw new Error('the operator under test keeps no KeyedTimerService in a field named `timers`');
    }
    return timers;
  }
}

export interface OperatorTestSnapshot {
  readonly keyed: KeyedStateSnapshot;
  readonly timers: InternalTimersSnapshot[];
}

export interface KeyedStateEntry {
  readonly state: string;
  readonly key: unknown;
  readonly namespace: string;
  readonly value: unknown;
}

// ------------------------------------------------------------------------------------------------
// Window operator spec from the public API
// ------------------------------------------------------------------------------------------------

export interface BuiltWindowOperator {
  readonly spec: WindowOperatorSpec;
  readonly stateKeySelector: (value: unknown) => unknown;
}

/**
 * Builds a throw-away job `env.fromElements().keyBy(keySelector)` → `build(keyed)` and returns the
 * WindowOperatorSpec and state key selector of the (single) window operator in its StreamGraph.
 */
export function windowOperatorSpec<IN, K>(
  keySelector: (value: IN) => K,
  build: (keyed: KeyedStream<IN, K>) => unknown,
): BuiltWindowOperator {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(1);
  build(env.fromElements<IN>().keyBy(keySelector));
  const windows = [...env.getPipeline().streamGraph.nodes.values()].filter(
    (n) => n.operator.kind === 'window',
  );
  if (windows.length !== 1)
    throw new Error(`expected one window operator in the job, found ${windows.length}`);
  const node = windows[0]!;
  if (node.operator.kind !== 'window') throw new Error('unreachable');
  if (node.stateKeySelector === undefined) throw new Error('the window operator has no state key selector');
  return {
    spec: node.operator.window,
    stateKeySelector: node.stateKeySelector as (value: unknown) => unknown,
  };
}
