/**
 * docs/nexmark.svg: per query, Freshet's events/s per core on each measured backend beside Flink
 * 2.0's published figure, as a grouped bar chart on a log scale.
 */
import { renderBarChart, type BarChartSeries } from './bar-chart-svg.js';
import type { NexmarkBenchBackend, NexmarkBenchQuery } from './nexmark-bench-args.js';
import { FLINK_PER_CORE, formatRate, ratesOf, type NexmarkRunOutcome } from './nexmark-report.js';

const BACKEND_COLORS: Readonly<Record<NexmarkBenchBackend, string>> = {
  hashmap: '#2a7ab9',
  rocksdb: '#e08a1e',
};
const FLINK_COLOR = '#7a7a7a';

export function nexmarkChartSvg(
  queries: readonly NexmarkBenchQuery[],
  backends: readonly NexmarkBenchBackend[],
  runs: readonly NexmarkRunOutcome[],
  subtitle: string,
): string {
  const series: BarChartSeries[] = [
    ...backends.map((backend) => ({ label: `Freshet ${backend}`, color: BACKEND_COLORS[backend] })),
    { label: 'Flink 2.0 (Nexmark V2)', color: FLINK_COLOR },
  ];
  const groups = queries.map((query) => ({
    label: query,
    values: [
      ...backends.map((backend) => {
        const run = runs.find((r) => r.query === query && r.backend === backend);
        return run?.outcome === 'ok' ? ratesOf(run).perCore : undefined;
      }),
      FLINK_PER_CORE[query],
    ],
  }));
  return renderBarChart({
    title: `Nexmark: events/s per core (${subtitle})`,
    valueLabel: 'events/s per core',
    series,
    groups,
    formatValue: formatRate,
  });
}
