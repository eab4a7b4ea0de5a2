/**
 * The window operator's plan for event-time tumbling and sliding windows (windows aligned across
 * keys) in the shape HeapWindowOperator describes. Per key it keeps its open windows' starts and
 * contents side by side; per window end, the keys whose window ends then, in the order their
 * timers were registered. An element costs a key lookup and one accumulate per window.
 */
import type { WindowOperatorSpec } from '../../../api/graph/window-operator-spec.js';
import { SlidingEventTimeWindows } from '../../../api/windowing/assigners/sliding-event-time-windows.js';
import { TumblingEventTimeWindows } from '../../../api/windowing/assigners/tumbling-event-time-windows.js';
import { parseWindowNamespace, windowNamespace } from '../../../api/windowing/windows/window-namespace.js';
import { TimeWindow } from '../../../api/windowing/windows/time-window.js';
import { heapKeyId } from '../../state/heap/heap-key-id.js';
import type { KeyedStateBackend } from '../../state/keyed-state-backend.js';
import type { InternalTimer } from './internal-timer-service.js';
import type { OperatorContext } from '../stream-operator.js';
import { HeapWindowOperator, NO_CONTENTS } from './heap-window-operator.js';
import { WindowTimers } from './window-timers.js';

/** One key's open windows: starts and contents (accumulator or reduced value) side by side. */
class KeyWindows {
  readonly starts: number[] = [];
  readonly contents: unknown[] = [];

  constructor(
    readonly key: unknown,
    readonly keyId: unknown,
    readonly keyGroup: number,
  ) {}
}

export class AlignedWindowOperator extends HeapWindowOperator {
  static supports(spec: WindowOperatorSpec, backend: KeyedStateBackend | undefined): boolean {
    const assigner = spec.assigner;
    return (
      HeapWindowOperator.hasPlanShape(spec, backend) &&
      (assigner instanceof TumblingEventTimeWindows || assigner instanceof SlidingEventTimeWindows)
    );
  }

  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  /** Key identity → the key's open windows. */
  private readonly keys = new Map<unknown, KeyWindows>();
  /** Per window maxTimestamp, the keys with that window open, in timer registration order. */
  private readonly due = new WindowTimers<KeyWindows>();

  constructor(ctx: OperatorContext, spec: WindowOperatorSpec) {
    super(ctx, spec, AlignedWindowOperator.supports(spec, ctx.keyedStateBackend), false);
    const assigner = spec.assigner as TumblingEventTimeWindows | SlidingEventTimeWindows;
    this.size = assigner.size;
    this.slide = assigner instanceof SlidingEventTimeWindows ? assigner.slide : assigner.size;
    this.offset = assigner.offset;
  }

  protected addElement(value: unknown, timestamp: number | undefined): void {
    const key = this.ctx.stateKeySelector!(value);
    const keyId = heapKeyId(key);
    let windows = this.keys.get(keyId);
    // A key seen before was checked then; a new one is checked (null, key group) as WindowOperator does.
    if (windows === undefined) this.backend.setCurrentKey(key);
    if (timestamp === undefined) this.spec.assigner.assignWindows(value, timestamp, this.assignerContext);
    const time = timestamp!;
    const watermark = this.timers.currentWatermark();
    const { size, slide } = this;
    let skipped = true;
    // The windows in the order the assigner lists them, latest first.
    for (
      let start = TimeWindow.getWindowStartWithOffset(time, this.offset, slide);
      start > time - size;
      start -= slide
    ) {
      const maxTimestamp = start + size - 1;
      if (maxTimestamp <= watermark) continue; // cleaned up already
      skipped = false;
      if (windows === undefined) {
        windows = new KeyWindows(key, keyId, this.backend.getCurrentKeyGroupIndex());
        this.keys.set(keyId, windows);
      }
      this.addToWindow(windows, start, maxTimestamp, value);
    }
    if (skipped && time <= watermark) this.lateElement(value, timestamp);
  }

  private addToWindow(windows: KeyWindows, start: number, maxTimestamp: number, value: unknown): void {
    const { starts, contents } = windows;
    for (let i = 0; i < starts.length; i++) {
      if (starts[i] === start) {
        contents[i] = this.added(contents[i], value);
        return;
      }
    }
    starts.push(start);
    contents.push(this.added(NO_CONTENTS, value));
    this.due.add(maxTimestamp, windows);
  }

  protected fireWindows(timestamp: number): void {
    this.due.fire(timestamp, this.fireWindow);
  }

  private readonly fireWindow = (windows: KeyWindows, maxTimestamp: number): void => {
    const start = maxTimestamp + 1 - this.size;
    const { starts, contents } = windows;
    const i = starts.indexOf(start);
    const value = contents[i];
    const last = starts.length - 1;
    starts[i] = starts[last]!;
    contents[i] = contents[last];
    starts.pop();
    contents.pop();
    if (last === 0) this.keys.delete(windows.keyId);
    this.emitWindow(windows.key, windows.keyGroup, TimeWindow.of(start, start + this.size), value);
  };

  protected copyToState(): void {
    this.forEachWindow((namespace, contents) => {
      this.contents.setCurrentNamespace(namespace);
      if (contents !== NO_CONTENTS) this.contents.updateInternal(contents);
    });
    this.due.forEach((windows, time) => {
      this.backend.setCurrentKey(windows.key, windows.keyGroup);
      this.timers.registerEventTimeTimer(this.namespaceOf(time + 1 - this.size), time);
    });
  }

  protected dropCopiedState(): void {
    this.forEachWindow((namespace) => {
      this.contents.setCurrentNamespace(namespace);
      this.contents.clear();
    });
  }

  /** Calls `fn` for every open window with the backend's current key set to the window's key. */
  private forEachWindow(fn: (namespace: string, contents: unknown) => void): void {
    for (const windows of this.keys.values()) {
      this.backend.setCurrentKey(windows.key, windows.keyGroup);
      for (let i = 0; i < windows.starts.length; i++)
        fn(this.namespaceOf(windows.starts[i]!), windows.contents[i]);
    }
  }

  private namespaceOf(start: number): string {
    return windowNamespace(TimeWindow.of(start, start + this.size));
  }

  /** Each restored timer is a window, in firing order (the order WindowOperator would fire them in). */
  protected takeRestoredWindows(timers: readonly InternalTimer[]): void {
    for (const timer of timers) {
      const window = parseWindowNamespace(timer.namespace);
      if (
        !(window instanceof TimeWindow) ||
        window.end - window.start !== this.size ||
        window.maxTimestamp() !== timer.timestamp
      ) {
        throw this.incompatibleTimer(timer.timestamp, window);
      }
      this.backend.setCurrentKey(timer.key, timer.keyGroup);
      this.contents.setCurrentNamespace(timer.namespace);
      const stored = this.contents.getInternal();
      this.contents.clear();
      const keyId = this.backend.getCurrentKeyId();
      let windows = this.keys.get(keyId);
      if (windows === undefined) {
        windows = new KeyWindows(timer.key, keyId, timer.keyGroup);
        this.keys.set(keyId, windows);
      }
      windows.starts.push(window.start);
      windows.contents.push(stored === undefined ? NO_CONTENTS : stored);
      this.due.add(timer.timestamp, windows);
    }
  }
}
