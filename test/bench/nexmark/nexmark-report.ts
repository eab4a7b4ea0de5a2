/**
 * The Nexmark benchmark's figures and how they are printed: one `nexmark.qN[.rocksdb]: …` line per
 * run, and a Markdown table beside Flink 2.0's published events/s per core with ratio columns.
 * Pure: the runs hand in measurements, these functions return text.
 */
import type { NexmarkBenchBackend, NexmarkBenchQuery } from './nexmark-bench-args.js';

/**
 * Flink 2.0 on Nexmark V2, events/s per core (the figures this benchmark compares against).
 */
export const FLINK_PER_CORE: Readonly<Record<NexmarkBenchQuery, number>> = {
  q0: 379_000,
  q1: 395_000,
  q2: 414_000,
  q3: 219_000,
  q4: 28_000,
  q5: 74_500,
  q7: 22_900,
  q8: 162_000,
  q11: 46_000,
  q12: 194_000,
};

/** One measured run of a query on a backend. */
export interface NexmarkMeasurement {
  readonly outcome: 'ok';
  readonly query: NexmarkBenchQuery;
  readonly backend: NexmarkBenchBackend;
  readonly events: number;
  /** Submission → FINISHED, s (includes the wait for the job's final checkpoint). */
  readonly wallSeconds: number;
  /** Submission → the last busy moment before the final checkpoint, s: what the rates use. */
  readonly processingSeconds: number;
  /** Process CPU time (all threads) over submission → FINISHED; undefined on a remote cluster. */
  readonly cpuSeconds: number | undefined;
  /** Completed checkpoints, the final one included; undefined when not known. */
  readonly checkpoints: number | undefined;
}

export interface NexmarkFailure {
  readonly outcome: 'failed';
  readonly query: NexmarkBenchQuery;
  readonly backend: NexmarkBenchBackend;
  readonly message: string;
}

export type NexmarkRunOutcome = NexmarkMeasurement | NexmarkFailure;

export interface NexmarkRates {
  readonly eventsPerSecond: number;
  /** Events per CPU-second; undefined without a CPU figure. */
  readonly perCore: number | undefined;
  /** CPU seconds per processing second; undefined without a CPU figure. */
  readonly cores: number | undefined;
}

export function ratesOf(m: NexmarkMeasurement): NexmarkRates {
  const cpu = m.cpuSeconds;
  return {
    eventsPerSecond: m.events / m.processingSeconds,
    perCore: cpu === undefined || cpu <= 0 ? undefined : m.events / cpu,
    cores: cpu === undefined ? undefined : cpu / m.processingSeconds,
  };
}

/** `nexmark.q5` for hashmap (the default backend), `nexmark.q5.rocksdb` for rocksdb. */
export function figureName(query: NexmarkBenchQuery, backend: NexmarkBenchBackend): string {
  return backend === 'hashmap' ? `nexmark.${query}` : `nexmark.${query}.${backend}`;
}

/** The printed line of one run. */
export function figureLine(run: NexmarkRunOutcome): string {
  const name = figureName(run.query, run.backend);
  if (run.outcome === 'failed') return `${name}: failed: ${firstLine(run.message)}`;
  const rates = ratesOf(run);
  const eventsPerSecond = `${Math.round(rates.eventsPerSecond)} events/s`;
  if (rates.perCore === undefined || rates.cores === undefined) {
    return `${name}: ${eventsPerSecond} (CPU figure not available on a remote cluster)`;
  }
  return `${name}: ${eventsPerSecond}, ${Math.round(rates.perCore)} per core, ${rates.cores.toFixed(2)} cores`;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
  return (line ?? text).trim();
}

/** `412 k`, `74.5 k`, `950`, `1.23 M`: events/s as the published Nexmark tables show them. */
export function formatRate(value: number): string {
  if (value >= 999_500) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 99_950) return `${Math.round(value / 1000)} k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)} k`;
  return Math.round(value).toString();
}

/** Freshet / Flink: two decimals, two significant digits below 0.1 (so 1/40 stays legible). */
export function formatRatio(ratio: number): string {
  return ratio >= 0.095 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

/** The Markdown table of every query: per backend events/s and per core, Flink per core, ratios. */
export function comparisonTable(
  queries: readonly NexmarkBenchQuery[],
  backends: readonly NexmarkBenchBackend[],
  runs: readonly NexmarkRunOutcome[],
): string {
  const header = ['query'];
  for (const backend of backends) header.push(`${backend} events/s`, `${backend} per core`);
  header.push('Flink 2.0 per core');
  for (const backend of backends) header.push(`${backend} / Flink`);
  const rows = queries.map((query) => {
    const row: string[] = [query];
    const perCore: (number | undefined)[] = [];
    for (const backend of backends) {
      const run = runs.find((r) => r.query === query && r.backend === backend);
      if (run === undefined) {
        row.push('–', '–');
        perCore.push(undefined);
      } else if (run.outcome === 'failed') {
        row.push('failed', 'failed');
        perCore.push(undefined);
      } else {
        const rates = ratesOf(run);
        row.push(
          formatRate(rates.eventsPerSecond),
          rates.perCore === undefined ? 'n/a' : formatRate(rates.perCore),
        );
        perCore.push(rates.perCore);
      }
    }
    const flink = FLINK_PER_CORE[query];
    row.push(formatRate(flink));
    for (const value of perCore) row.push(value === undefined ? '–' : formatRatio(value / flink));
    return row;
  });
  return markdownTable(header, rows);
}

/** A Markdown table with padded columns; the first column left-aligned, the others right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((w, c) => (c === 0 ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
