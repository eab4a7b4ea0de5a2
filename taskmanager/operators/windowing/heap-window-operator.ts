/**
 * What the window operator's specialised plans share (AlignedWindowOperator,
 * EventTimeSessionWindowOperator). Both compute exactly what WindowOperator computes for one
 * common shape — event-time windows with the default EventTimeTrigger, no evictor, no allowed
 * lateness, pre-aggregated contents (reduce/aggregate), the heap state backend — and keep their
 * windows in plain per-key objects instead of keyed state, namespace strings and timer objects.
 * In that shape a window's timer exists exactly while the window does, so a window stands for its
 * timer (see WindowTimers).
 *
 * Checkpoints see WindowOperator's layout: before keyed state is snapshotted, a plan writes its
 * windows to keyed state under their window namespaces and their timers to the timer service (in
 * firing order); that copy is dropped again before the next element or watermark. On restore a
 * plan takes both back, so savepoints move freely between the plans and WindowOperator (when the
 * job changes state backend, say).
 */
import { resolveMethod } from '../../../api/functions/functions.js';
import type { WindowOperatorSpec } from '../../../api/graph/window-operator-spec.js';
import { AggregatingStateDescriptor, ReducingStateDescriptor } from '../../../api/state/state-descriptor.js';
import { EventTimeTrigger } from '../../../api/windowing/triggers/event-time-trigger.js';
import type { Window } from '../../../api/windowing/windows/window.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import type { OperatorListStates } from '../../checkpoint/operator-snapshot.js';
import { HeapKeyedStateBackend } from '../../state/heap/heap-keyed-state-backend.js';
import type { KeyedStateBackend, KeyedStateHandle } from '../../state/keyed-state-backend.js';
import { AbstractUdfOperator, copyUserFunction } from '../abstract-udf-operator.js';
import { KeyedTimerService } from '../keyed-timer-service.js';
import { TimestampedCollector } from '../simple-operators.js';
import type { OperatorContext } from '../stream-operator.js';
import type { InternalTimer } from './internal-timer-service.js';
import { WindowProcessContext } from './window-contexts.js';
import { WINDOW_CONTENTS } from './window-state-names.js';

/** A window without contents (a null element cleared them); its timer stays, as in WindowOperator. */
export const NO_CONTENTS: unique symbol = Symbol('no contents');

type ContentsState = KeyedStateHandle & {
  getInternal(): unknown;
  updateInternal(value: unknown): void;
};

export abstract class HeapWindowOperator extends AbstractUdfOperator {
  /** The shape every plan needs; each plan adds its assigners. */
  static hasPlanShape(spec: WindowOperatorSpec, backend: KeyedStateBackend | undefined): boolean {
    return (
      backend instanceof HeapKeyedStateBackend &&
      spec.trigger.constructor === EventTimeTrigger &&
      spec.evictor === undefined &&
      spec.allowedLateness === 0 &&
      spec.contents.kind !== 'list'
    );
  }

  protected readonly spec: WindowOperatorSpec;
  protected readonly backend: KeyedStateBackend;
  /** The watermark, and the timers of a checkpoint's copy of the windows. */
  protected readonly timers: KeyedTimerService;
  protected readonly assignerContext = { getCurrentProcessingTime: () => this.now() };
  protected contents!: ContentsState;
  /** Combines two windows' contents (merging windows), as the contents state merges namespaces. */
  protected readonly mergeContents: (a: unknown, b: unknown) => unknown;
  private readonly accumulate: (value: unknown, contents: unknown) => unknown;
  private readonly result: (contents: unknown) => unknown;
  private readonly processContext: WindowProcessContext;
  private readonly collector: TimestampedCollector;
  /** A checkpoint's copy of the windows is in keyed state and the timer service. */
  private copiedToState = false;
  /** Flink's `numLateRecordsDropped` metric. */
  numLateRecordsDropped = 0;

  constructor(ctx: OperatorContext, spec: WindowOperatorSpec, supported: boolean, merging: boolean) {
    super(ctx, copyUserFunction(spec.userFunction));
    const backend = ctx.keyedStateBackend;
    const contents = spec.contents;
    if (backend === undefined || !supported || contents.kind === 'list') {
      throw new FreshetError(
        'UNSUPPORTED_WINDOW_PLAN',
        `window operator '${ctx.operatorName}' does not have the shape of ${new.target.name}`,
      );
    }
    this.spec = spec;
    this.backend = backend;
    if (contents.kind === 'aggregate') {
      const fn = contents.fn;
      this.accumulate = (value, acc) => fn.add(value, acc === NO_CONTENTS ? fn.createAccumulator() : acc);
      this.result = (acc) => fn.getResult(acc);
      this.mergeContents = (a, b) => fn.merge(a, b);
    } else {
      const reduce = resolveMethod<(a: unknown, b: unknown) => unknown>(
        contents.fn,
        'reduce',
        `the ReduceFunction of reducing state '${WINDOW_CONTENTS}'`,
      );
      this.accumulate = (value, current) => (current === NO_CONTENTS ? value : reduce(current, value));
      this.result = (current) => current;
      this.mergeContents = reduce;
    }
    this.timers = new KeyedTimerService(
      backend,
      ctx.processingTimeService,
      () => undefined,
      () => undefined,
      ctx.timerServices,
    );
    this.processContext = new WindowProcessContext(backend, this.timers, () => this.now(), this.out, merging);
    this.collector = new TimestampedCollector(this.out);
  }

  override async open(): Promise<void> {
    await super.open();
    const contents = this.spec.contents;
    this.contents = this.backend.getPartitionedState<ContentsState>(
      contents.kind === 'reduce'
        ? new ReducingStateDescriptor<unknown>(WINDOW_CONTENTS, contents.fn)
        : new AggregatingStateDescriptor<unknown, unknown, unknown>(
            WINDOW_CONTENTS,
            (contents as Extract<typeof contents, { kind: 'aggregate' }>).fn,
          ),
    );
    this.takeRestoredWindows(this.timers.timers.takeEventTimeTimers());
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    try {
      if (this.copiedToState) this.dropStateCopy();
      this.addElement(value, timestamp);
    } catch (error) {
      throw this.fail(error);
    }
  }

  protected override onWatermark(timestamp: number): void {
    try {
      if (this.copiedToState) this.dropStateCopy();
      this.timers.advanceWatermark(timestamp);
      this.fireWindows(timestamp);
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Keyed state and timers are snapshotted right after this: copy the windows into them. */
  snapshotState(): OperatorListStates {
    if (this.copiedToState) this.dropStateCopy();
    const current = this.backend.getCurrentKey();
    this.copyToState();
    this.copiedToState = true;
    if (current !== undefined) this.backend.setCurrentKey(current);
    return {};
  }

  /** Assigns one element to its windows (the key is not set in the backend). */
  protected abstract addElement(value: unknown, timestamp: number | undefined): void;
  /** Fires (emitWindow) every window whose timer the watermark `timestamp` passed, in timer order. */
  protected abstract fireWindows(timestamp: number): void;
  /** Writes every window to keyed state and its timer to `timers` (in firing order). */
  protected abstract copyToState(): void;
  /** Removes from keyed state what copyToState wrote (the timers are gone already). */
  protected abstract dropCopiedState(): void;
  /** Takes restored windows out of keyed state; `timers` are their timers, in firing order. */
  protected abstract takeRestoredWindows(timers: readonly InternalTimer[]): void;

  /** `contents` with `value` added; adding null clears them (Flink's heap states). */
  protected added(contents: unknown, value: unknown): unknown {
    return value === undefined || value === null ? NO_CONTENTS : this.accumulate(value, contents);
  }

  /** A late element that went into no window: to the late-data side output, or dropped and counted. */
  protected lateElement(value: unknown, timestamp: number | undefined): void {
    if (this.spec.lateDataTag !== undefined) this.out.collectSide(this.spec.lateDataTag, value, timestamp);
    else this.numLateRecordsDropped++;
  }

  /** As WindowOperator when a window's timer fires: emit its contents, then clean the window up. */
  protected emitWindow(key: unknown, keyGroup: number, window: Window, contents: unknown): void {
    this.backend.setCurrentKey(key, keyGroup);
    this.processContext.window = window;
    if (contents !== NO_CONTENTS) {
      this.collector.timestamp = window.maxTimestamp();
      this.spec.emit(this.userFunction, key, this.processContext, [this.result(contents)], this.collector);
    }
    this.spec.clear?.(this.userFunction, this.processContext);
  }

  /** The error for restored timers this plan never registers (a savepoint of another job shape). */
  protected incompatibleTimer(timestamp: number, window: Window): FreshetError {
    return new FreshetError(
      'INCOMPATIBLE_WINDOW_STATE',
      `window operator '${this.ctx.operatorName}': the restored state has a timer at ${timestamp} for window ${window.toString()}, which this window assigner with EventTimeTrigger never registers; was the savepoint taken with another window assigner or trigger?`,
    );
  }

  private dropStateCopy(): void {
    this.copiedToState = false;
    this.timers.timers.takeEventTimeTimers();
    this.dropCopiedState();
  }

  private now(): number {
    return this.ctx.processingTimeService.getCurrentProcessingTime();
  }
}
