/**
 * The contexts a window operator hands out: the trigger's (timers and state scoped to key and
 * window), and the window function's (window, time, per-window and global state, side outputs).
 */
import type { OutputTag } from '../../../api/datastream/output-tag.js';
import { UserError } from '../../../common/errors/freshet-error.js';
import type { ProcessWindowContext } from '../../../api/functions/window-functions.js';
import type { AnyStateDescriptor, StateDescriptor } from '../../../api/state/state-descriptor.js';
import type { KeyedStateStore } from '../../../api/state/keyed-state-store.js';
import type { OnMergeContext } from '../../../api/windowing/triggers/trigger-context.js';
import type { Window } from '../../../api/windowing/windows/window.js';
import { windowNamespace } from '../../../api/windowing/windows/window-namespace.js';
import type { KeyedStateBackend, KeyedStateHandle } from '../../state/keyed-state-backend.js';
import { VOID_NAMESPACE } from '../../state/keyed-state-backend.js';
import type { KeyedTimerService } from '../keyed-timer-service.js';
import type { Output } from '../output.js';

/** A state store whose every handle is switched to `namespace()` when handed out. */
export function namespacedStateStore(backend: KeyedStateBackend, namespace: () => string): KeyedStateStore {
  const get = <S>(descriptor: unknown): S => {
    const handle = backend.getPartitionedState<KeyedStateHandle>(descriptor as AnyStateDescriptor);
    handle.setCurrentNamespace(namespace());
    return handle as unknown as S;
  };
  return {
    getState: (d) => get(d),
    getListState: (d) => get(d),
    getMapState: (d) => get(d),
    getReducingState: (d) => get(d),
    getAggregatingState: (d) => get(d),
  };
}

export class WindowTriggerContext implements OnMergeContext {
  private current!: Window;
  /** The current window's state/timer namespace, computed once per window switch. */
  private namespace = '';
  mergedWindows: readonly Window[] = [];

  get window(): Window {
    return this.current;
  }

  set window(window: Window) {
    if (window !== this.current) {
      this.current = window;
      this.namespace = windowNamespace(window);
    }
  }

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly timers: KeyedTimerService,
    private readonly processingTime: () => number,
  ) {}

  getCurrentProcessingTime(): number {
    return this.processingTime();
  }
  getCurrentWatermark(): number {
    return this.timers.currentWatermark();
  }
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(this.namespace, time);
  }
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(this.namespace, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(this.namespace, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(this.namespace, time);
  }

  /** The namespace of the current window (shared with the operator to avoid rebuilding it). */
  currentNamespace(): string {
    return this.namespace;
  }

  getPartitionedState<S>(descriptor: StateDescriptor): S {
    const handle = this.backend.getPartitionedState<KeyedStateHandle>(descriptor as AnyStateDescriptor);
    handle.setCurrentNamespace(this.namespace);
    return handle as unknown as S;
  }

  mergePartitionedState(descriptor: StateDescriptor): void {
    if (this.mergedWindows.length === 0) return;
    const handle = this.backend.getPartitionedState<KeyedStateHandle>(descriptor as AnyStateDescriptor);
    handle.mergeNamespaces(this.namespace, this.mergedWindows.map(windowNamespace));
  }
}

export class WindowProcessContext implements ProcessWindowContext<Window> {
  window!: Window;
  private readonly perWindow: KeyedStateStore;
  private readonly global: KeyedStateStore;

  constructor(
    backend: KeyedStateBackend,
    private readonly timers: KeyedTimerService,
    private readonly processingTime: () => number,
    private readonly sideOutput: Output,
    merging: boolean,
  ) {
    this.perWindow = merging
      ? refusingStateStore()
      : namespacedStateStore(backend, () => windowNamespace(this.window));
    this.global = namespacedStateStore(backend, () => VOID_NAMESPACE);
  }

  currentProcessingTime(): number {
    return this.processingTime();
  }
  currentWatermark(): number {
    return this.timers.currentWatermark();
  }
  windowState(): KeyedStateStore {
    return this.perWindow;
  }
  globalState(): KeyedStateStore {
    return this.global;
  }
  output<X>(outputTag: OutputTag<X>, value: X): void {
    this.sideOutput.collectSide(outputTag.id, value, this.window.maxTimestamp());
  }
}

/** Merging windows (sessions) cannot have per-window state: it would not follow the merges. */
function refusingStateStore(): KeyedStateStore {
  const refuse = (): never => {
    throw new UserError(
      'PER_WINDOW_STATE_WITH_MERGING_WINDOWS',
      'Per-window state is not allowed when using merging windows.',
    );
  };
  return {
    getState: refuse,
    getListState: refuse,
    getMapState: refuse,
    getReducingState: refuse,
    getAggregatingState: refuse,
  };
}
