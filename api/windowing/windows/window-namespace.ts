/**
 * Stable string forms of windows, used as keyed-state and timer namespaces: `t:<start>:<end>` for
 * a TimeWindow and `g` for the GlobalWindow. The forms survive snapshots, so never change them.
 */
import { FreshetError } from '../../../common/errors/freshet-error.js';
import { GlobalWindow } from './global-window.js';
import { TimeWindow } from './time-window.js';
import type { Window } from './window.js';

const GLOBAL = 'g';
const TIME_PREFIX = 't:';

/**
 * Recently named time windows, direct-mapped by (start, end): handing out the same string object
 * for the same window lets maps reuse its cached hash (a window is named several times per
 * record). A slot simply takes the newest window that maps to it, so windows that come and go
 * (sessions) cost no cache upkeep.
 */
const CACHE_SLOTS = 4096;
const cachedStarts = new Float64Array(CACHE_SLOTS).fill(Number.NaN);
const cachedEnds = new Float64Array(CACHE_SLOTS);
const cachedNames = new Array<string>(CACHE_SLOTS).fill('');

function timeWindowNamespace(start: number, end: number): string {
  const slot = (Math.imul(start | 0, 0x9e3779b1) ^ Math.imul(end | 0, 0x85ebca6b)) >>> 20;
  if (cachedStarts[slot] === start && cachedEnds[slot] === end) return cachedNames[slot]!;
  const name = `${TIME_PREFIX}${start}:${end}`;
  cachedStarts[slot] = start;
  cachedEnds[slot] = end;
  cachedNames[slot] = name;
  return name;
}

const nameTimeWindow = (window: TimeWindow): string => timeWindowNamespace(window.start, window.end);

export function windowNamespace(window: Window): string {
  if (window instanceof TimeWindow) return window.namespace(nameTimeWindow);
  if (window instanceof GlobalWindow) return GLOBAL;
  throw new FreshetError(
    'UNSUPPORTED_WINDOW_TYPE',
    `cannot name window ${String(window)} as a state namespace: only TimeWindow and GlobalWindow are supported`,
  );
}

/** Recently parsed time-window namespaces (windows are immutable, so one object can serve all). */
const parsedTimeWindows = new Map<string, TimeWindow>();
const MAX_PARSED = 4096;

export function parseWindowNamespace(namespace: string): Window {
  if (namespace === GLOBAL) return GlobalWindow.get();
  const parsed = parsedTimeWindows.get(namespace);
  if (parsed !== undefined) return parsed;
  const window = parseTimeWindowNamespace(namespace);
  if (parsedTimeWindows.size >= MAX_PARSED) parsedTimeWindows.clear();
  parsedTimeWindows.set(namespace, window);
  return window;
}

function parseTimeWindowNamespace(namespace: string): TimeWindow {
  if (namespace.startsWith(TIME_PREFIX)) {
    const parts = namespace.slice(TIME_PREFIX.length).split(':');
    if (parts.length === 2) {
      const start = Number(parts[0]);
      const end = Number(parts[1]);
      if (parts[0] !== '' && parts[1] !== '' && Number.isSafeInteger(start) && Number.isSafeInteger(end)) {
        return new TimeWindow(start, end);
      }
    }
  }
  throw new FreshetError('INVALID_WINDOW_NAMESPACE', `'${namespace}' is not a window namespace`);
}
