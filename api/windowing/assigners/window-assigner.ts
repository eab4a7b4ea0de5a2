/**
 * Assigns each element to zero or more windows (Flink's WindowAssigner). Assigners are pure: the
 * only outside input is the processing-time clock the operator passes in the context.
 */
import type { Trigger } from '../triggers/trigger.js';
import type { Window } from '../windows/window.js';

export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

export abstract class WindowAssigner<T, W extends Window> {
  /**
   * The windows `element` belongs to. `timestamp` is the record's event timestamp (undefined
   * when it has none; event-time assigners then throw a clear error).
   */
  abstract assignWindows(element: T, timestamp: number | undefined, context: WindowAssignerContext): W[];

  /** The trigger used when the job sets none. */
  abstract getDefaultTrigger(): Trigger<T, W>;

  /** True when windows are based on event time (so elements need timestamps and watermarks). */
  abstract isEventTime(): boolean;
}
