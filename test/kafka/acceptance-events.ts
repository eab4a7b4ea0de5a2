/**
 * The input of the Kafka acceptance test and the results it must produce, computed independently
 * of the job: N JSON events `{key, ts, n}` over ten keys, their event timestamps spread evenly over
 * `spanMs` of event time with a seeded jitter of up to ±`jitterMs`, event n going to partition
 * `n % partitions` (so within a partition timestamps never go back by more than 2 × jitter).
 */
export interface AcceptanceEvent {
  readonly key: string;
  readonly ts: number;
  readonly n: number;
}

export interface WindowCountRow {
  readonly windowStart: number;
  readonly key: string;
  readonly count: number;
}

export interface AcceptanceEventsOptions {
  readonly events: number;
  readonly spanMs: number;
  readonly jitterMs: number;
  /** Event time of event 0 (a multiple of the window size keeps windows aligned with the span). */
  readonly baseTs: number;
  readonly keys: number;
  readonly seed: number;
}

/** mulberry32: a small deterministic PRNG in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function acceptanceEvents(options: AcceptanceEventsOptions): AcceptanceEvent[] {
  const next = random(options.seed);
  return Array.from({ length: options.events }, (_, n) => {
    const jitter = Math.round((next() * 2 - 1) * options.jitterMs);
    const offset = Math.floor((n * options.spanMs) / options.events) + jitter;
    return {
      key: `k${Math.floor(next() * options.keys)}`,
      ts: options.baseTs + Math.max(0, offset),
      n,
    };
  });
}

/** One row per (window, key) with events: what a 1 s tumbling count must emit exactly once. */
export function expectedWindowCounts(events: readonly AcceptanceEvent[], windowMs: number): WindowCountRow[] {
  const counts = new Map<string, WindowCountRow>();
  for (const e of events) {
    const windowStart = Math.floor(e.ts / windowMs) * windowMs;
    const id = `${windowStart}|${e.key}`;
    const row = counts.get(id);
    counts.set(id, { windowStart, key: e.key, count: (row?.count ?? 0) + 1 });
  }
  return sortRows([...counts.values()]);
}

/** Rows in a canonical order (window start, then key), for comparing outputs as multisets. */
export function sortRows(rows: readonly WindowCountRow[]): WindowCountRow[] {
  return [...rows].sort(
    (a, b) => a.windowStart - b.windowStart || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
