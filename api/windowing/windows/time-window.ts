/**
 * A window over the half-open time span [start, end) (Flink's TimeWindow), plus the two pieces of
 * arithmetic every time-based assigner shares: aligning a timestamp to a window start and merging
 * overlapping (or touching) windows into their cover.
 */
import { Window } from './window.js';

/** Told about each group of windows that merges into one; `toBeMerged` has more than one window. */
export type MergeCallback<W> = (toBeMerged: W[], mergeResult: W) => void;

/**
 * Recently made windows, direct-mapped by (start, end) (see TimeWindow.of). A slot simply takes
 * the newest window that maps to it.
 */
const SHARED_SLOTS = 4096;
const sharedStarts = new Float64Array(SHARED_SLOTS).fill(Number.NaN);
const sharedEnds = new Float64Array(SHARED_SLOTS);
const sharedWindows = new Array<TimeWindow | undefined>(SHARED_SLOTS).fill(undefined);

export class TimeWindow extends Window {
  /**
   * The window [start, end), shared with earlier callers: windows are immutable values, and the
   * aligned assigners hand out the same few windows for every element, so they allocate none.
   */
  static of(start: number, end: number): TimeWindow {
    const slot = (Math.imul(start | 0, 0x9e3779b1) ^ Math.imul(end | 0, 0x85ebca6b)) >>> 20;
    if (sharedStarts[slot] === start && sharedEnds[slot] === end) return sharedWindows[slot]!;
    const window = new TimeWindow(start, end);
    sharedStarts[slot] = start;
    sharedEnds[slot] = end;
    sharedWindows[slot] = window;
    return window;
  }

  /** This window's state namespace once named (see window-namespace); a private field, so it is no part of the value. */
  #namespace: string | undefined = undefined;

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }

  /**
   * This window's namespace, made by `name` on the first call only: a window held across records
   * (a session in a merging window set, a shared aligned window) is named once.
   */
  namespace(name: (window: TimeWindow) => string): string {
    return (this.#namespace ??= name(this));
  }

  getStart(): number {
    return this.start;
  }

  getEnd(): number {
    return this.end;
  }

  /** `end - 1`: the window is [start, end). */
  maxTimestamp(): number {
    return this.end - 1;
  }

  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  /** True when the two windows overlap or touch (one ends where the other starts). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that covers both this window and `other`. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  override toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the window of length `windowSize` (aligned to `offset`) that contains
   * `timestamp`. Safe for negative timestamps: the remainder is folded into [0, windowSize).
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const remainder = (timestamp - offset) % windowSize;
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /**
   * Merges windows that overlap or touch. Windows are taken in order of their start; each run of
   * windows that intersects the cover built so far collapses into that cover. The callback hears
   * about every run of more than one distinct window (equal windows count once).
   */
  static mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    let cover: TimeWindow | undefined;
    let members: TimeWindow[] = [];
    const flush = (): void => {
      if (cover !== undefined && members.length > 1) callback(members, cover);
    };
    for (const candidate of sorted) {
      if (cover !== undefined && cover.intersects(candidate)) {
        cover = cover.cover(candidate);
        if (!members.some((m) => m.equals(candidate))) members.push(candidate);
      } else {
        flush();
        cover = candidate;
        members = [candidate];
      }
    }
    flush();
  }
}
