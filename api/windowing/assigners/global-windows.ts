/**
 * Puts every element of a key into the single GlobalWindow (Flink's GlobalWindows). Its default
 * trigger never fires, so it is used with a custom trigger (`countWindow` is GlobalWindows plus a
 * CountTrigger); `createWithEndOfStreamTrigger()` fires once when a bounded input ends.
 */
import { EndOfStreamTrigger } from '../triggers/end-of-stream-trigger.js';
import { NeverTrigger } from '../triggers/never-trigger.js';
import type { Trigger } from '../triggers/trigger.js';
import { GlobalWindow } from '../windows/global-window.js';
import { WindowAssigner, type WindowAssignerContext } from './window-assigner.js';

export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private constructor(private readonly defaultTrigger: Trigger<unknown, GlobalWindow>) {
    super();
  }

  static create(): GlobalWindows {
    return new GlobalWindows(new NeverTrigger());
  }

  static createWithEndOfStreamTrigger(): GlobalWindows {
    return new GlobalWindows(new EndOfStreamTrigger());
  }

  assignWindows(
    _element: unknown,
    _timestamp: number | undefined,
    _context: WindowAssignerContext,
  ): GlobalWindow[] {
    return [GlobalWindow.get()];
  }

  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return this.defaultTrigger;
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return 'GlobalWindows()';
  }
}
