/**
 * The window operator (Flink's WindowOperator and EvictingWindowOperator): assigns each record to
 * windows, keeps per-(key, window) contents in keyed state — an accumulator for reduce/aggregate,
 * the elements otherwise (timestamped when an evictor is set) — asks the trigger after every
 * element and timer, emits fired windows through the user's window function with the window's
 * max timestamp, merges session windows, and cleans a window up at maxTimestamp + allowed
 * lateness. Late records are dropped (counted in `numLateRecordsDropped`) or go to the late-data
 * side output when every window they belong to has already been cleaned up.
 */
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../../api/state/state-descriptor.js';
import type { WindowOperatorSpec } from '../../../api/graph/window-operator-spec.js';
import { MergingWindowAssigner } from '../../../api/windowing/assigners/merging-window-assigner.js';
import type { TimestampedValue } from '../../../api/windowing/evictors/evictor.js';
import { EventTimeTrigger } from '../../../api/windowing/triggers/event-time-trigger.js';
import { isFire, isPurge, TriggerResult } from '../../../api/windowing/triggers/trigger-result.js';
import type { Window } from '../../../api/windowing/windows/window.js';
import { parseWindowNamespace, windowNamespace } from '../../../api/windowing/windows/window-namespace.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { VOID_NAMESPACE, type KeyedStateHandle, type StateAccess } from '../../state/keyed-state-backend.js';
import { AbstractUdfOperator, copyUserFunction } from '../abstract-udf-operator.js';
import { KeyedTimerService } from '../keyed-timer-service.js';
import { TimestampedCollector } from '../simple-operators.js';
import type { OperatorContext } from '../stream-operator.js';
import type { OperatorListStates } from '../../checkpoint/operator-snapshot.js';
import type { InternalTimer } from './internal-timer-service.js';
import { MergingWindowSet } from './merging-window-set.js';
import { WindowProcessContext, WindowTriggerContext } from './window-contexts.js';
import { MERGING_WINDOWS, WINDOW_CONTENTS } from './window-state-names.js';

const MAX_TIME = Number.MAX_SAFE_INTEGER;

type ContentsState = KeyedStateHandle & {
  get(): unknown;
  add(value: unknown): void;
  addIfPresent(value: unknown): boolean;
};
/** Per key: the merging window set as [window, state window] namespace pairs (VOID namespace). */
type MergingSetsState = KeyedStateHandle & {
  value(): [string, string][] | undefined;
  update(value: unknown): void;
};

export class WindowOperator extends AbstractUdfOperator {
  private readonly spec: WindowOperatorSpec;
  private readonly isEventTime: boolean;
  /** Contents kept as a list of elements (process/apply, or any function with an evictor). */
  private readonly keepsList: boolean;
  private readonly merging: MergingWindowAssigner<unknown, Window> | undefined;
  /** The trigger registers the cleanup timer itself on every element it does not fire for. */
  private readonly cleanupIsTriggerTimer: boolean;
  /**
   * EventTimeTrigger on a non-merging window without evictor or lateness: a window that already
   * has contents already has its timer at maxTimestamp (registered when its contents were
   * created, removed only together with them), so an element for it before that time needs no
   * trigger call: the trigger would re-register the queued timer and continue.
   */
  private readonly skipsRepeatTrigger: boolean;
  private readonly timers: KeyedTimerService;
  private readonly triggerContext: WindowTriggerContext;
  private readonly processContext: WindowProcessContext;
  private readonly collector: TimestampedCollector;
  private readonly assignerContext = { getCurrentProcessingTime: () => this.now() };
  private contents!: ContentsState;
  private mergingSets!: MergingSetsState;
  /** Decoded merging window sets by key identity (see mergingWindowSet). */
  private readonly mergingSetCache = new Map<unknown, MergingWindowSet<Window>>();
  /** Sets changed since they were last written to keyed state, by key identity. */
  private readonly dirtySets = new Map<unknown, { key: unknown; set: MergingWindowSet<Window> }>();
  /** Flink's `numLateRecordsDropped` metric. */
  numLateRecordsDropped = 0;

  constructor(ctx: OperatorContext, spec: WindowOperatorSpec) {
    super(ctx, copyUserFunction(spec.userFunction));
    const backend = ctx.keyedStateBackend;
    if (backend === undefined)
      throw new FreshetError('NOT_KEYED', `window operator '${ctx.operatorName}' needs a keyed input`);
    this.spec = spec;
    this.isEventTime = spec.assigner.isEventTime();
    this.keepsList = spec.evictor !== undefined || spec.contents.kind === 'list';
    this.merging = spec.assigner instanceof MergingWindowAssigner ? spec.assigner : undefined;
    this.cleanupIsTriggerTimer =
      this.isEventTime && spec.allowedLateness === 0 && spec.trigger.constructor === EventTimeTrigger;
    this.skipsRepeatTrigger =
      this.cleanupIsTriggerTimer && this.merging === undefined && spec.evictor === undefined;
    this.timers = new KeyedTimerService(
      backend,
      ctx.processingTimeService,
      (timer) => this.onTimer(timer, 'event'),
      (timer) => this.onTimer(timer, 'processing'),

      ctx.timerServices,
    );
    this.triggerContext = new WindowTriggerContext(backend, this.timers, () => this.now());
    this.processContext = new WindowProcessContext(
      backend,
      this.timers,
      () => this.now(),
      this.out,
      this.merging !== undefined,
    );
    this.collector = new TimestampedCollector(this.out);
  }

  override async open(): Promise<void> {
    await super.open();
    const backend = this.ctx.keyedStateBackend!;
    const { contents } = this.spec;
    const descriptor =
      this.keepsList || contents.kind === 'list'
        ? new ListStateDescriptor<unknown>(WINDOW_CONTENTS)
        : contents.kind === 'reduce'
          ? new ReducingStateDescriptor<unknown>(WINDOW_CONTENTS, contents.fn)
          : new AggregatingStateDescriptor<unknown, unknown, unknown>(WINDOW_CONTENTS, contents.fn);
    this.contents = backend.getPartitionedState<ContentsState>(descriptor);
    if (this.merging !== undefined) {
      this.mergingSets = backend.getPartitionedState<MergingSetsState>(
        new ValueStateDescriptor<unknown>(MERGING_WINDOWS),
      );
    }
  }

  /** The key (merging window sets live in the void namespace) and, unless merging, its windows. */
  protected override stateAccesses(value: unknown, timestamp: number | undefined, out: StateAccess[]): void {
    try {
      const key = this.ctx.stateKeySelector!(value);
      out.push({ key, namespace: VOID_NAMESPACE });
      if (this.merging !== undefined) return;
      for (const window of this.spec.assigner.assignWindows(value, timestamp, this.assignerContext))
        out.push({ key, namespace: windowNamespace(window) });
    } catch {
      // processElement fails with the user's error
    }
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    try {
      this.setKeyContext(value);
      const windows = this.spec.assigner.assignWindows(value, timestamp, this.assignerContext);
      let skipped = true;
      if (this.merging !== undefined) {
        const set = this.mergingWindowSet();
        for (const window of windows) {
          const actual = set.addWindow(
            window,
            (mergeResult, mergedWindows, stateResult, mergedStateWindows) => {
              if (this.isEventTime && this.cleanupTime(mergeResult) <= this.timers.currentWatermark()) {
                throw new FreshetError(
                  'WINDOW_MERGED_LATE',
                  `The end timestamp of an event-time window cannot become earlier than the current watermark by merging. Current watermark: ${this.timers.currentWatermark()} window: ${mergeResult.toString()}`,
                );
              }
              this.triggerContext.window = mergeResult;
              this.triggerContext.mergedWindows = mergedWindows;
              this.spec.trigger.onMerge(mergeResult, this.triggerContext);
              this.triggerContext.mergedWindows = [];
              for (const merged of mergedWindows) {
                this.triggerContext.window = merged;
                this.spec.trigger.clear(merged, this.triggerContext);
                // EventTimeTrigger's clear just deleted that very timer.
                if (!this.cleanupIsTriggerTimer) this.deleteCleanupTimer(merged);
              }
              this.contents.mergeNamespaces(
                windowNamespace(stateResult),
                mergedStateWindows.map(windowNamespace),
              );
            },
          );
          if (this.isWindowLate(actual)) {
            set.retireWindow(actual);
            continue;
          }
          skipped = false;
          this.addToWindow(actual, set.getStateWindow(actual)!, value, timestamp);
        }
        this.persist(set);
      } else {
        for (const window of windows) {
          if (this.isWindowLate(window)) continue;
          skipped = false;
          this.addToWindow(window, window, value, timestamp);
        }
      }
      if (skipped && this.isElementLate(timestamp)) {
        if (this.spec.lateDataTag !== undefined)
          this.out.collectSide(this.spec.lateDataTag, value, timestamp);
        else this.numLateRecordsDropped++;
      }
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected override onWatermark(timestamp: number): void {
    try {
      this.timers.advanceWatermark(timestamp);
    } catch (error) {
      throw this.fail(error);
    }
  }

  private addToWindow(
    window: Window,
    stateWindow: Window,
    value: unknown,
    timestamp: number | undefined,
  ): void {
    this.triggerContext.window = window;
    const namespace = this.triggerContext.currentNamespace();
    this.contents.setCurrentNamespace(stateWindow === window ? namespace : windowNamespace(stateWindow));
    if (this.skipsRepeatTrigger && this.contents.addIfPresent(value)) {
      if (window.maxTimestamp() > this.timers.currentWatermark()) return;
      this.act(this.spec.trigger.onElement(value, timestamp, window, this.triggerContext), window);
      return;
    }
    this.contents.add(
      this.spec.evictor === undefined ? value : ({ value, timestamp } satisfies TimestampedValue<unknown>),
    );
    const result = this.spec.trigger.onElement(value, timestamp, window, this.triggerContext);
    this.act(result, window);
    // Flink's EventTimeTrigger just registered this very timer when it continued (cleanup time =
    // maxTimestamp without allowed lateness); registering it again would only find it queued.
    if (!(this.cleanupIsTriggerTimer && result === TriggerResult.CONTINUE))
      this.registerCleanupTimer(window, namespace);
  }

  /** Fires and/or purges the window whose contents `this.contents` points at. */
  private act(result: TriggerResult, window: Window): void {
    if (isFire(result)) {
      const contents = this.readContents();
      if (contents !== undefined) this.emitWindowContents(window, contents);
    }
    if (isPurge(result)) this.contents.clear();
  }

  private onTimer(timer: InternalTimer, domain: 'event' | 'processing'): void {
    const window = parseWindowNamespace(timer.namespace);
    let set: MergingWindowSet<Window> | undefined;
    if (this.merging !== undefined) {
      set = this.mergingWindowSet();
      const stateWindow = set.getStateWindow(window);
      if (stateWindow === undefined) return; // the timer of a window merged away meanwhile
      this.contents.setCurrentNamespace(windowNamespace(stateWindow));
    } else {
      this.contents.setCurrentNamespace(timer.namespace);
    }
    // The trigger hears every timer of a live window, empty or not (act() skips empty contents).
    this.triggerContext.window = window;
    const result =
      domain === 'event'
        ? this.spec.trigger.onEventTime(timer.timestamp, window, this.triggerContext)
        : this.spec.trigger.onProcessingTime(timer.timestamp, window, this.triggerContext);
    this.act(result, window);
    const cleanupDomain = this.isEventTime ? 'event' : 'processing';
    if (domain === cleanupDomain && this.cleanupTime(window) === timer.timestamp)
      // EventTimeTrigger's clear would delete this very timer, which has just left the queue.
      this.clearAllState(window, set, !this.cleanupIsTriggerTimer);
    if (set !== undefined) this.persist(set);
  }

  private emitWindowContents(window: Window, contents: unknown): void {
    let elements: unknown[];
    if (this.spec.evictor !== undefined) {
      const list = contents as TimestampedValue<unknown>[];
      const evictorContext = {
        getCurrentProcessingTime: () => this.now(),
        getCurrentWatermark: () => this.timers.currentWatermark(),
      };
      this.spec.evictor.evictBefore(list, list.length, window, evictorContext);
      elements = this.applyIncremental(list.map((e) => e.value));
      this.invokeWindowFunction(window, elements);
      this.spec.evictor.evictAfter(list, list.length, window, evictorContext);
      (this.contents as unknown as { update(values: unknown[]): void }).update(list);
      return;
    }
    elements = this.spec.contents.kind === 'list' ? (contents as unknown[]) : [contents];
    this.invokeWindowFunction(window, elements);
  }

  /** The window's contents, or undefined when it has none (an empty list counts as none, as in Flink). */
  private readContents(): unknown {
    const contents = this.contents.get();
    if (this.keepsList && Array.isArray(contents) && contents.length === 0) return undefined;
    return contents;
  }

  /** With an evictor the contents are a list even for reduce/aggregate: fold it at firing time. */
  private applyIncremental(values: unknown[]): unknown[] {
    const contents = this.spec.contents;
    if (values.length === 0 || contents.kind === 'list') return values;
    if (contents.kind === 'reduce') {
      const reduce = typeof contents.fn === 'function' ? contents.fn : contents.fn.reduce.bind(contents.fn);
      return [values.reduce((a, b) => reduce(a, b))];
    }
    const fn = contents.fn;
    let acc = fn.createAccumulator();
    for (const v of values) acc = fn.add(v, acc);
    return [fn.getResult(acc)];
  }

  private invokeWindowFunction(window: Window, elements: unknown[]): void {
    this.collector.timestamp = window.maxTimestamp();
    this.processContext.window = window;
    this.spec.emit(
      this.userFunction,
      this.ctx.keyedStateBackend!.getCurrentKey(),
      this.processContext,
      elements,
      this.collector,
    );
  }

  private clearAllState(
    window: Window,
    set: MergingWindowSet<Window> | undefined,
    clearTrigger: boolean,
  ): void {
    this.contents.clear();
    this.triggerContext.window = window;
    if (clearTrigger) this.spec.trigger.clear(window, this.triggerContext);
    this.processContext.window = window;
    this.spec.clear?.(this.userFunction, this.processContext);
    set?.retireWindow(window);
  }

  /**
   * The current key's merging window set. Decoded from keyed state once and then kept in memory;
   * changes are written back to keyed state when the operator is snapshotted (see persist).
   */
  private mergingWindowSet(): MergingWindowSet<Window> {
    const identity = this.ctx.keyedStateBackend!.getCurrentKeyId();
    const cached = this.mergingSetCache.get(identity);
    if (cached !== undefined) return cached;
    let set = this.dirtySets.get(identity)?.set;
    if (set === undefined) {
      this.mergingSets.setCurrentNamespace('');
      const pairs = (this.mergingSets.value() as [string, string][] | undefined) ?? [];
      set = MergingWindowSet.fromNamespaces(this.merging!, pairs);
    }
    this.mergingSetCache.set(identity, set);
    return set;
  }

  /** Notes a change of the current key's set; an empty set leaves the in-memory cache. */
  private persist(set: MergingWindowSet<Window>): void {
    const backend = this.ctx.keyedStateBackend!;
    const changed = set.hasChanged() && !set.queuedForWrite;
    if (!changed && set.size > 0) return;
    const identity = backend.getCurrentKeyId();
    if (changed) {
      set.queuedForWrite = true;
      this.dirtySets.set(identity, { key: backend.getCurrentKey(), set });
    }
    if (set.size === 0) this.mergingSetCache.delete(identity);
  }

  /** Writes every changed merging window set to keyed state (the current key is kept). */
  private writeDirtySets(): void {
    if (this.dirtySets.size === 0) return;
    const backend = this.ctx.keyedStateBackend!;
    const current = backend.getCurrentKey();
    for (const { key, set } of this.dirtySets.values()) {
      backend.setCurrentKey(key);
      this.mergingSets.setCurrentNamespace('');
      if (set.size === 0) this.mergingSets.clear();
      else this.mergingSets.update(set.snapshotNamespaces());
      set.markPersisted();
      set.queuedForWrite = false;
    }
    this.dirtySets.clear();
    if (current !== undefined) backend.setCurrentKey(current);
  }

  /** Keyed state is snapshotted right after this: it must hold every merging window set. */
  snapshotState(): OperatorListStates {
    if (this.merging !== undefined) this.writeDirtySets();
    return {};
  }

  private cleanupTime(window: Window): number {
    if (!this.isEventTime) return window.maxTimestamp();
    const time = window.maxTimestamp() + this.spec.allowedLateness;
    return time >= window.maxTimestamp() && time <= MAX_TIME ? time : MAX_TIME;
  }

  private isWindowLate(window: Window): boolean {
    return this.isEventTime && this.cleanupTime(window) <= this.timers.currentWatermark();
  }

  private isElementLate(timestamp: number | undefined): boolean {
    return (
      this.isEventTime &&
      timestamp !== undefined &&
      timestamp + this.spec.allowedLateness <= this.timers.currentWatermark()
    );
  }

  private registerCleanupTimer(window: Window, namespace: string): void {
    const time = this.cleanupTime(window);
    if (time === MAX_TIME) return;
    if (this.isEventTime) this.timers.registerEventTimeTimer(namespace, time);
    else this.timers.registerProcessingTimeTimer(namespace, time);
  }

  private deleteCleanupTimer(window: Window): void {
    const time = this.cleanupTime(window);
    if (time === MAX_TIME) return;
    if (this.isEventTime) this.timers.deleteEventTimeTimer(windowNamespace(window), time);
    else this.timers.deleteProcessingTimeTimer(windowNamespace(window), time);
  }

  private now(): number {
    return this.ctx.processingTimeService.getCurrentProcessingTime();
  }
}
