/**
 * The window operator's plan for event-time session windows (fixed or dynamic gap) in the shape
 * HeapWindowOperator describes. Per key it keeps the sessions in flight — Flink's MergingWindowSet
 * mapping, each window with its state window and that state window's contents. A key with one
 * session (the common case) takes MergingWindowSet's one-session path inline; otherwise
 * MergingWindowSet itself decides the merges. Merges apply WindowOperator's merge function to the
 * sessions: the same merge order of contents and timer registrations (EventTimeTrigger's onMerge
 * registers the merge result's timer, its clear deletes the merged windows' timers).
 */
import { DynamicEventTimeSessionWindows } from '../../../api/windowing/assigners/dynamic-event-time-session-windows.js';
import { EventTimeSessionWindows } from '../../../api/windowing/assigners/event-time-session-windows.js';
import type { WindowOperatorSpec } from '../../../api/graph/window-operator-spec.js';
import { parseWindowNamespace, windowNamespace } from '../../../api/windowing/windows/window-namespace.js';
import { TimeWindow } from '../../../api/windowing/windows/time-window.js';
import type { MergingWindowAssigner } from '../../../api/windowing/assigners/merging-window-assigner.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { heapKeyId } from '../../state/heap/heap-key-id.js';
import {
  VOID_NAMESPACE,
  type KeyedStateBackend,
  type KeyedStateHandle,
} from '../../state/keyed-state-backend.js';
import { ValueStateDescriptor } from '../../../api/state/state-descriptor.js';
import type { OperatorContext } from '../stream-operator.js';
import { HeapWindowOperator, NO_CONTENTS } from './heap-window-operator.js';
import type { InternalTimer } from './internal-timer-service.js';
import { MERGING_WINDOWS } from './window-state-names.js';
import { MergingWindowSet } from './merging-window-set.js';
import { WindowTimers } from './window-timers.js';

type MergingSetsState = KeyedStateHandle & {
  value(): [string, string][] | undefined;
  update(value: unknown): void;
};

/** One in-flight session of a key: its window, its state window and the state window's contents. */
class Session {
  /** Where the session's timer is queued: its time and place there (place -1: it has none). */
  due = 0;
  place = -1;

  constructor(
    readonly key: unknown,
    readonly keyId: unknown,
    readonly keyGroup: number,
    public start: number,
    public end: number,
    readonly stateStart: number,
    readonly stateEnd: number,
    public contents: unknown,
  ) {}
}

/**
 * A key's sessions in flight: the session itself when there is one (the common case: one memory
 * access fewer per element), else all of them in MergingWindowSet's order (merge results last).
 */
type KeySessions = Session | Session[];

function indexOfWindow(sessions: readonly Session[], start: number, end: number): number {
  for (let i = 0; i < sessions.length; i++)
    if (sessions[i]!.start === start && sessions[i]!.end === end) return i;
  return -1;
}

export class EventTimeSessionWindowOperator extends HeapWindowOperator {
  static supports(spec: WindowOperatorSpec, backend: KeyedStateBackend | undefined): boolean {
    const assigner = spec.assigner;
    return (
      HeapWindowOperator.hasPlanShape(spec, backend) &&
      (assigner instanceof EventTimeSessionWindows || assigner instanceof DynamicEventTimeSessionWindows)
    );
  }

  /** The fixed gap, or undefined when the assigner computes it per element. */
  private readonly gap: number | undefined;
  private mergingSets!: MergingSetsState;
  private readonly keys = new Map<unknown, KeySessions>();
  private readonly due = new WindowTimers<Session>();

  constructor(ctx: OperatorContext, spec: WindowOperatorSpec) {
    super(ctx, spec, EventTimeSessionWindowOperator.supports(spec, ctx.keyedStateBackend), true);
    this.gap = spec.assigner instanceof EventTimeSessionWindows ? spec.assigner.sessionTimeout : undefined;
  }

  override async open(): Promise<void> {
    this.mergingSets = this.backend.getPartitionedState<MergingSetsState>(
      new ValueStateDescriptor<unknown>(MERGING_WINDOWS),
    );
    await super.open();
  }

  protected addElement(value: unknown, timestamp: number | undefined): void {
    const key = this.ctx.stateKeySelector!(value);
    const keyId = heapKeyId(key);
    const entry = this.keys.get(keyId);
    // A key seen before was checked then; a new one is checked (null, key group) as WindowOperator does.
    if (entry === undefined) this.backend.setCurrentKey(key);
    let start: number;
    let end: number;
    if (this.gap === undefined || timestamp === undefined) {
      const window = this.spec.assigner.assignWindows(
        value,
        timestamp,
        this.assignerContext,
      )[0] as TimeWindow;
      start = window.start;
      end = window.end;
    } else {
      start = timestamp;
      end = timestamp + this.gap;
    }
    const watermark = this.timers.currentWatermark();
    let session: Session;
    let sessions: Session[] | undefined; // the key's sessions, unless it has (at most) one
    if (entry === undefined) {
      session = new Session(
        key,
        keyId,
        this.backend.getCurrentKeyGroupIndex(),
        start,
        end,
        start,
        end,
        NO_CONTENTS,
      );
    } else if (entry instanceof Session) {
      session = this.addToOneSession(entry, start, end, watermark);
      if (session !== entry) sessions = [entry, session];
    } else {
      sessions = entry;
      session = this.addWindow(entry, start, end, watermark);
    }
    if (session.end - 1 <= watermark) {
      // A late window of its own: retired at once (it had no contents or timer yet).
      if (sessions !== undefined && sessions === entry) sessions.splice(sessions.indexOf(session), 1);
      else sessions = undefined;
      if (timestamp! <= watermark) this.lateElement(value, timestamp);
    } else {
      session.contents = this.added(session.contents, value);
      // EventTimeTrigger.onElement registers the window's timer (already there unless the window is new).
      if (session.place < 0) this.queueTimer(session);
      if (entry === undefined) this.keys.set(keyId, session);
    }
    if (sessions !== undefined) this.store(keyId, sessions);
  }

  /** Stores a key's sessions in their KeySessions form. */
  private store(keyId: unknown, sessions: Session[]): void {
    if (sessions.length > 1) this.keys.set(keyId, sessions);
    else if (sessions.length === 1) this.keys.set(keyId, sessions[0]!);
    else this.keys.delete(keyId);
  }

  /**
   * MergingWindowSet.addToOneSession: the new window starts a session (returned, not stored yet),
   * falls inside the key's session, or extends it.
   */
  private addToOneSession(session: Session, start: number, end: number, watermark: number): Session {
    if (!(session.start <= end && session.end >= start)) {
      return new Session(session.key, session.keyId, session.keyGroup, start, end, start, end, NO_CONTENTS);
    }
    const coverStart = Math.min(session.start, start);
    const coverEnd = Math.max(session.end, end);
    if (coverStart === session.start && coverEnd === session.end) return session;
    this.checkMergeNotLate(coverStart, coverEnd, watermark);
    this.dequeueTimer(session);
    session.start = coverStart;
    session.end = coverEnd;
    if (coverEnd - 1 > watermark) this.queueTimer(session);
    return session;
  }

  /**
   * A key with several sessions (or none) in flight: MergingWindowSet decides the merges, with
   * WindowOperator's merge function applied to the sessions; `sessions` takes the set's order.
   */
  private addWindow(sessions: Session[], start: number, end: number, watermark: number): Session {
    const byStateWindow = (window: TimeWindow): Session =>
      sessions.find((s) => s.stateStart === window.start && s.stateEnd === window.end)!;
    const set = new MergingWindowSet(
      this.spec.assigner as MergingWindowAssigner<never, TimeWindow>,
      sessions.map(
        (s) => [new TimeWindow(s.start, s.end), new TimeWindow(s.stateStart, s.stateEnd)] as const,
      ),
    );
    const newWindow = new TimeWindow(start, end);
    const actual = set.addWindow(newWindow, (mergeResult, mergedWindows, stateWindow, mergedStateWindows) => {
      this.checkMergeNotLate(mergeResult.start, mergeResult.end, watermark);
      const target = byStateWindow(stateWindow);
      // EventTimeTrigger: onMerge registers the result's timer, clear deletes the merged windows'.
      for (const merged of mergedWindows) {
        const s = sessions.find((c) => c.start === merged.start && c.end === merged.end);
        if (s !== undefined) this.dequeueTimer(s);
      }
      target.start = mergeResult.start;
      target.end = mergeResult.end;
      if (mergeResult.end - 1 > watermark) this.queueTimer(target);
      target.contents = this.mergedContents(target.contents, mergedStateWindows.map(byStateWindow));
    });
    const first = sessions[0]!;
    const added = new Session(first.key, first.keyId, first.keyGroup, start, end, start, end, NO_CONTENTS);
    const inFlight = [...sessions, added];
    const ordered = set
      .snapshot()
      .map(([, stateWindow]) =>
        inFlight.find((s) => s.stateStart === stateWindow.start && s.stateEnd === stateWindow.end)!,
      );
    // A session the set dropped keeps no timer (WindowOperator's would fire and find no window).
    for (const s of sessions) if (!ordered.includes(s)) this.dequeueTimer(s);
    sessions.splice(0, sessions.length, ...ordered);
    return sessions.find((s) => s.start === actual.start && s.end === actual.end)!;
  }

  /** The contents state's mergeNamespaces: the others folded in order, then into the target. */
  private mergedContents(target: unknown, others: readonly Session[]): unknown {
    let merged: unknown = NO_CONTENTS;
    for (const s of others) {
      if (s.contents === NO_CONTENTS) continue;
      merged = merged === NO_CONTENTS ? s.contents : this.mergeContents(merged, s.contents);
    }
    if (merged === NO_CONTENTS) return target;
    return target === NO_CONTENTS ? merged : this.mergeContents(target, merged);
  }

  private checkMergeNotLate(start: number, end: number, watermark: number): void {
    if (end - 1 > watermark) return;
    throw new FreshetError(
      'WINDOW_MERGED_LATE',
      `The end timestamp of an event-time window cannot become earlier than the current watermark by merging. Current watermark: ${watermark} window: ${new TimeWindow(start, end).toString()}`,
    );
  }

  private queueTimer(session: Session): void {
    session.due = session.end - 1;
    session.place = this.due.add(session.due, session);
  }

  private dequeueTimer(session: Session): void {
    if (session.place < 0) return;
    this.due.remove(session.due, session.place);
    session.place = -1;
  }

  protected fireWindows(timestamp: number): void {
    this.due.fire(timestamp, this.fireSession);
  }

  private readonly fireSession = (session: Session): void => {
    session.place = -1;
    const entry = this.keys.get(session.keyId)!;
    if (entry === session) this.keys.delete(session.keyId);
    else {
      const sessions = entry as Session[];
      sessions.splice(sessions.indexOf(session), 1);
      this.store(session.keyId, sessions);
    }
    this.emitWindow(
      session.key,
      session.keyGroup,
      new TimeWindow(session.start, session.end),
      session.contents,
    );
  };

  /** Every key's sessions, with the backend's current key set to the key. */
  private forEachKey(fn: (sessions: readonly Session[]) => void): void {
    for (const entry of this.keys.values()) {
      const sessions = entry instanceof Session ? [entry] : entry;
      this.backend.setCurrentKey(sessions[0]!.key, sessions[0]!.keyGroup);
      fn(sessions);
    }
  }

  protected copyToState(): void {
    this.forEachKey((sessions) => {
      const pairs: Array<[string, string]> = [];
      for (const s of sessions) {
        const stateNamespace = windowNamespace(new TimeWindow(s.stateStart, s.stateEnd));
        pairs.push([windowNamespace(new TimeWindow(s.start, s.end)), stateNamespace]);
        this.contents.setCurrentNamespace(stateNamespace);
        if (s.contents !== NO_CONTENTS) this.contents.updateInternal(s.contents);
      }
      this.mergingSets.setCurrentNamespace(VOID_NAMESPACE);
      this.mergingSets.update(pairs);
    });
    this.due.forEach((session, time) => {
      this.backend.setCurrentKey(session.key, session.keyGroup);
      this.timers.registerEventTimeTimer(windowNamespace(new TimeWindow(session.start, session.end)), time);
    });
  }

  protected dropCopiedState(): void {
    this.forEachKey((sessions) => {
      this.mergingSets.setCurrentNamespace(VOID_NAMESPACE);
      this.mergingSets.clear();
      for (const s of sessions) {
        this.contents.setCurrentNamespace(windowNamespace(new TimeWindow(s.stateStart, s.stateEnd)));
        this.contents.clear();
      }
    });
  }

  /** Every key's merging window set and its state windows' contents; then the timers, in firing order. */
  protected takeRestoredWindows(timers: readonly InternalTimer[]): void {
    const keys: unknown[] = [];
    this.backend.applyToAllKeys(MERGING_WINDOWS, (key) => keys.push(key));
    for (const key of keys) {
      this.backend.setCurrentKey(key);
      this.mergingSets.setCurrentNamespace(VOID_NAMESPACE);
      const pairs = (this.mergingSets.value() as [string, string][] | undefined) ?? [];
      this.mergingSets.clear();
      const keyId = this.backend.getCurrentKeyId();
      const keyGroup = this.backend.getCurrentKeyGroupIndex();
      const sessions: Session[] = [];
      for (const [windowName, stateName] of pairs) {
        const window = parseWindowNamespace(windowName) as TimeWindow;
        const stateWindow = parseWindowNamespace(stateName) as TimeWindow;
        this.contents.setCurrentNamespace(stateName);
        const stored = this.contents.getInternal();
        this.contents.clear();
        const existing = indexOfWindow(sessions, window.start, window.end);
        if (existing >= 0) sessions.splice(existing, 1);
        sessions.push(
          new Session(
            key,
            keyId,
            keyGroup,
            window.start,
            window.end,
            stateWindow.start,
            stateWindow.end,
            stored ?? NO_CONTENTS,
          ),
        );
      }
      this.store(keyId, sessions);
    }
    for (const timer of timers) {
      const window = parseWindowNamespace(timer.namespace);
      if (!(window instanceof TimeWindow) || window.maxTimestamp() !== timer.timestamp)
        throw this.incompatibleTimer(timer.timestamp, window);
      this.backend.setCurrentKey(timer.key, timer.keyGroup);
      const entry = this.keys.get(this.backend.getCurrentKeyId());
      const sessions = entry === undefined ? [] : entry instanceof Session ? [entry] : entry;
      const at = indexOfWindow(sessions, window.start, window.end);
      // A timer of a window no longer in flight fires nothing in WindowOperator either.
      if (at >= 0 && sessions[at]!.place < 0) this.queueTimer(sessions[at]!);
    }
  }
}
