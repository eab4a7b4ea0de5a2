/**
 * Shared pieces of the event-time tests: a scripted stream (records with timestamps and explicit
 * watermarks, in one deterministic order), a recorder that shows what a downstream operator sees
 * (value, timestamp, current watermark), a source the test feeds while the job runs, and a few
 * small helpers. Everything runs on the in-process mini-cluster, so user functions may write to
 * arrays the test reads.
 */
import {
  Boundedness,
  InputStatus,
  ProcessFunction,
  StreamExecutionEnvironment,
  Watermark,
  WatermarkStrategy,
  type Collector,
  type DataStream,
  type ProcessContext,
  type ReaderOutput,
  type SingleOutputStreamOperator,
  type Sink,
  type Source,
  type SourceReader,
  type WatermarkGenerator,
} from 'freshet';
import { assignKeyToParallelOperator } from '../../common/key-groups.js';

/** Our `Long.MIN_VALUE`: the watermark before any arrived. */
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
/** Our `Long.MAX_VALUE`: the watermark at the end of a bounded input. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

export function newEnv(parallelism = 1, autoWatermarkInterval?: number): StreamExecutionEnvironment {
  const env = new StreamExecutionEnvironment();
  env.setParallelism(parallelism);
  if (autoWatermarkInterval !== undefined) env.getConfig().setAutoWatermarkInterval(autoWatermarkInterval);
  return env;
}

/** The error a job run rejected with (fails the test when the job succeeded). */
export async function failureOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('expected the job to fail, but it finished');
  return outcome;
}

/** The message of an error and of every cause under it. */
export function fullMessage(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 10; e = e.cause) parts.push(e.message);
  return parts.join('\n  caused by: ');
}

// ---- scripted input ----------------------------------------------------------------------------

/** One step of a script: a record with its event timestamp, or a watermark. */
export type Step<T> = { readonly value: T; readonly at: number } | { readonly watermark: number };

export const rec = <T>(value: T, at: number): Step<T> => ({ value, at });
export const wm = (timestamp: number): Step<never> => ({ watermark: timestamp });

const isWatermark = <T>(step: Step<T>): step is { readonly watermark: number } => 'watermark' in step;

/**
 * A stream that delivers `steps` in order: records with the given timestamps, and watermarks
 * exactly where the script has them (and MAX_WATERMARK at the end). Everything runs at
 * parallelism 1 in one chain, so no reordering can happen before the first network exchange.
 */
export function scripted<T>(
  env: StreamExecutionEnvironment,
  steps: readonly Step<T>[],
  name = 'script',
): SingleOutputStreamOperator<T> {
  const strategy = WatermarkStrategy.forGenerator<Step<T>>(() => ({
    onEvent: (step, _timestamp, output) => {
      if (isWatermark(step)) output.emitWatermark(new Watermark(step.watermark));
    },
    onPeriodicEmit: () => {},
  })).withTimestampAssigner((step) => (isWatermark(step) ? step.watermark : step.at));
  return env
    .fromCollection(steps, name)
    .assignTimestampsAndWatermarks(strategy)
    .setParallelism(1)
    .filter((step) => !isWatermark(step))
    .setParallelism(1)
    .map((step) => (step as { readonly value: T }).value)
    .setParallelism(1);
}

/**
 * `strategy`'s own generator, but asked for its watermark after every event instead of only
 * periodically: for `forBoundedOutOfOrderness(b)` the watermark after an event is then
 * `maxSeen - b - 1`, deterministically.
 */
export function onEveryEvent<T>(strategy: WatermarkStrategy<T>): WatermarkStrategy<T> {
  return WatermarkStrategy.forGenerator<T>((context): WatermarkGenerator<T> => {
    const inner = strategy.createWatermarkGenerator(context);
    return {
      onEvent: (event, timestamp, output) => {
        inner.onEvent(event, timestamp, output);
        inner.onPeriodicEmit(output);
      },
      onPeriodicEmit: (output) => inner.onPeriodicEmit(output),
    };
  });
}

/** Watermark = the event's timestamp, emitted right after each event (a punctuated generator). */
export function punctuated<T>(timestampOf: (event: T) => number): WatermarkStrategy<T> {
  return WatermarkStrategy.forGenerator<T>(() => ({
    onEvent: (_event, timestamp, output) => output.emitWatermark(new Watermark(timestamp)),
    onPeriodicEmit: () => {},
  })).withTimestampAssigner((event) => timestampOf(event));
}

// ---- observing a stream ------------------------------------------------------------------------

/** What one operator saw of one record. */
export interface Observed<T> {
  readonly value: T;
  readonly ts: number | undefined;
  /** `ctx.timerService().currentWatermark()` when the record arrived. */
  readonly wm: number;
}

/** Records, per record, its value, timestamp and the current watermark, and forwards it. */
export class WatermarkRecorder<T> extends ProcessFunction<T, T> {
  constructor(private readonly trace: Observed<T>[]) {
    super();
  }

  processElement(value: T, ctx: ProcessContext, out: Collector<T>): void {
    this.trace.push({ value, ts: ctx.timestamp(), wm: ctx.timerService().currentWatermark() });
    out.collect(value);
  }
}

/** Appends a parallelism-1 recorder to `stream` (chained when `stream` has parallelism 1). */
export function observe<T>(
  stream: DataStream<T>,
  trace: Observed<T>[],
  name = 'observer',
): SingleOutputStreamOperator<T> {
  return stream.process(new WatermarkRecorder<T>(trace)).name(name).setParallelism(1);
}

/** A sink that drops everything (for jobs whose output the test reads from recorders). */
export function discardingSink<T>(): Sink<T> {
  return {
    createWriter: () => ({
      write: () => {},
      flush: () => {},
      close: () => {},
    }),
  };
}

// ---- a source the test feeds -------------------------------------------------------------------

/**
 * A parallelism-1 source the test pushes records into while the job runs; it ends when the test
 * calls `finish()`. The job stays alive (and its timers keep running) until then.
 */
export class ControlledSource<T> implements Source<T, string> {
  private readonly queue: { value: T; timestamp: number | undefined }[] = [];
  private finished = false;
  private waiters: (() => void)[] = [];
  /** How many records the reader has emitted. */
  emitted = 0;

  push(...values: T[]): void {
    for (const value of values) this.queue.push({ value, timestamp: undefined });
    this.wake();
  }

  pushWithTimestamp(value: T, timestamp: number): void {
    this.queue.push({ value, timestamp });
    this.wake();
  }

  finish(): void {
    this.finished = true;
    this.wake();
  }

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  createSplits(parallelism: number): string[] {
    if (parallelism !== 1) throw new Error('a ControlledSource runs at parallelism 1');
    return ['only'];
  }

  createReader(): SourceReader<T, string> {
    return {
      addSplits: () => {},
      notifyNoMoreSplits: () => {},
      pollNext: (output: ReaderOutput<T>): InputStatus => {
        for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
          if (next.timestamp === undefined) output.collect(next.value);
          else output.collect(next.value, next.timestamp);
          this.emitted++;
        }
        return this.finished ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () =>
        this.queue.length > 0 || this.finished
          ? Promise.resolve()
          : new Promise<void>((resolve) => this.waiters.push(resolve)),
      snapshotState: () => [],
    };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

// ---- keys --------------------------------------------------------------------------------------

/** The subtask (0-based) that owns `key` at `parallelism` with the default max parallelism 128. */
export function subtaskOf(key: unknown, parallelism: number, maxParallelism = 128): number {
  return assignKeyToParallelOperator(key, maxParallelism, parallelism);
}

/** The first `perSubtask` keys `${prefix}${i}` owned by each subtask, subtask 0 first. */
export function keysPerSubtask(parallelism: number, perSubtask: number, prefix = 'key-'): string[][] {
  const result: string[][] = Array.from({ length: parallelism }, () => []);
  for (let i = 0; result.some((keys) => keys.length < perSubtask); i++) {
    if (i > 100_000) throw new Error('could not find keys for every subtask');
    const key = `${prefix}${i}`;
    const keys = result[subtaskOf(key, parallelism)]!;
    if (keys.length < perSubtask) keys.push(key);
  }
  return result;
}

/** A deterministic pseudo-random sequence (a 32-bit LCG), for test data. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
