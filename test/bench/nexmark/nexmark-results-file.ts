/**
 * bench-results/nexmark.json: every run's figures with the workload, the date and the machine, so a
 * later run can be compared with this one (and the chart redrawn) without running it again.
 */
import { cpus, loadavg, platform, release } from 'node:os';
import type { NexmarkBenchOptions } from './nexmark-bench-args.js';
import { CHECKPOINT_INTERVAL } from './nexmark-runners.js';
import { FLINK_PER_CORE, ratesOf, type NexmarkRunOutcome } from './nexmark-report.js';

export interface NexmarkMachine {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly os: string;
  readonly nodeVersion: string;
  /** 1-minute load average when the benchmark started and ended (the machine may be shared). */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

export function describeMachine(loadAverageAtStart: number): NexmarkMachine {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    os: `${platform()} ${release()}`,
    nodeVersion: process.version,
    loadAverage: { start: loadAverageAtStart, end: loadavg()[0] ?? 0 },
  };
}

export interface NexmarkResultsDocument {
  readonly benchmark: 'nexmark';
  readonly date: string;
  readonly machine: NexmarkMachine;
  readonly workload: Record<string, unknown>;
  readonly definitions: Record<string, string>;
  readonly results: readonly Record<string, unknown>[];
  readonly flinkPerCore: Readonly<Record<string, number>>;
}

export function nexmarkResultsDocument(
  options: NexmarkBenchOptions,
  mode: 'local' | 'remote',
  warmupEvents: number,
  runs: readonly NexmarkRunOutcome[],
  machine: NexmarkMachine,
  date: Date,
): NexmarkResultsDocument {
  return {
    benchmark: 'nexmark',
    date: date.toISOString(),
    machine,
    workload: {
      queries: options.queries,
      backends: options.backends,
      eventsPerRun: options.events,
      parallelism: options.parallelism,
      generator: 'NexmarkSource defaults (connectors/nexmark), bounded, not rate-limited',
      sink: 'blackhole (DiscardingSink)',
      checkpointInterval: CHECKPOINT_INTERVAL,
      checkpointStorage: 'file:// in a temporary directory',
      cluster:
        mode === 'local'
          ? 'embedded MiniCluster with slot worker threads (the freshet run path), one per run'
          : `remote cluster ${options.jobmanager ?? ''}`,
      warmup: `one run of ${warmupEvents} events per backend before the measured runs`,
    },
    definitions: {
      wallSeconds: 'submission → FINISHED (includes the wait for the final checkpoint)',
      processingSeconds:
        mode === 'local'
          ? 'submission → end of the last 100 ms sample in which the process used >= 0.25 cores before the final checkpoint was triggered'
          : "the cluster's job duration (start → end, includes the final checkpoint wait)",
      eventsPerSecond: 'events / processingSeconds',
      cpuSeconds: 'process.cpuUsage() user + system over submission → FINISHED (all threads of the process)',
      perCore: 'events / cpuSeconds',
      cores: 'cpuSeconds / processingSeconds',
    },
    results: runs.map((run) => {
      if (run.outcome === 'failed') return { ...run };
      const rates = ratesOf(run);
      return {
        ...run,
        eventsPerSecond: Math.round(rates.eventsPerSecond),
        perCore: rates.perCore === undefined ? null : Math.round(rates.perCore),
        cores: rates.cores === undefined ? null : Number(rates.cores.toFixed(2)),
        flinkPerCore: FLINK_PER_CORE[run.query],
        perCoreVsFlink:
          rates.perCore === undefined ? null : Number((rates.perCore / FLINK_PER_CORE[run.query]).toFixed(4)),
      };
    }),
    flinkPerCore: FLINK_PER_CORE,
  };
}
