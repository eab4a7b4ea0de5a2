/**
 * The one window that holds every element of a key (Flink's GlobalWindow). It never ends on its
 * own: its max timestamp is the end of event time, so only a custom trigger (or the end of a
 * bounded input) fires it.
 */
import { Window } from './window.js';

export class GlobalWindow extends Window {
  private static readonly INSTANCE = new GlobalWindow();

  private constructor() {
    super();
  }

  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }

  /** The end of event time (our `Long.MAX_VALUE`, the same value as `MAX_WATERMARK`). */
  maxTimestamp(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  equals(other: unknown): boolean {
    return other instanceof GlobalWindow;
  }

  override toString(): string {
    return 'GlobalWindow';
  }
}
