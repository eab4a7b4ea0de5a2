import { describe, expect, it } from 'vitest';
import {
  comparisonTable,
  figureLine,
  formatRate,
  formatRatio,
  ratesOf,
  type NexmarkMeasurement,
} from './nexmark/nexmark-report.js';

function measurement(overrides: Partial<NexmarkMeasurement> = {}): NexmarkMeasurement {
  return {
    outcome: 'ok',
    query: 'q5',
    backend: 'hashmap',
    events: 1_000_000,
    wallSeconds: 12,
    processingSeconds: 4,
    cpuSeconds: 8,
    checkpoints: 1,
    ...overrides,
  };
}

describe('figures', () => {
  it('rates events over processing time and over CPU time', () => {
    expect(ratesOf(measurement())).toEqual({ eventsPerSecond: 250_000, perCore: 125_000, cores: 2 });
  });

  it('prints hashmap as nexmark.qN and rocksdb as nexmark.qN.rocksdb, integers and two-decimal cores', () => {
    expect(figureLine(measurement({ cpuSeconds: 7.32 }))).toBe(
      'nexmark.q5: 250000 events/s, 136612 per core, 1.83 cores',
    );
    expect(figureLine(measurement({ backend: 'rocksdb', query: 'q11', processingSeconds: 3 }))).toBe(
      'nexmark.q11.rocksdb: 333333 events/s, 125000 per core, 2.67 cores',
    );
  });

  it('prints a failure with the first line of its message, and a remote run without CPU', () => {
    expect(
      figureLine({
        outcome: 'failed',
        query: 'q3',
        backend: 'rocksdb',
        message: '\njob ended FAILED: boom\n  at x',
      }),
    ).toBe('nexmark.q3.rocksdb: failed: job ended FAILED: boom');
    expect(figureLine(measurement({ cpuSeconds: undefined }))).toBe(
      'nexmark.q5: 250000 events/s (CPU figure not available on a remote cluster)',
    );
  });

  it('formats rates like the published tables and ratios legibly', () => {
    expect(formatRate(379_000)).toBe('379 k');
    expect(formatRate(74_500)).toBe('74.5 k');
    expect(formatRate(1_234_567)).toBe('1.23 M');
    expect(formatRate(950.4)).toBe('950');
    expect(formatRatio(0.4567)).toBe('0.46');
    expect(formatRatio(1.5)).toBe('1.50');
    expect(formatRatio(0.02345)).toBe('0.023');
  });
});

describe('comparisonTable', () => {
  it('puts each backend beside Flink 2.0 per core with ratio columns', () => {
    const table = comparisonTable(
      ['q0', 'q5'],
      ['hashmap', 'rocksdb'],
      [
        measurement({ query: 'q0', events: 1_000_000, processingSeconds: 2, cpuSeconds: 5 }),
        { outcome: 'failed', query: 'q0', backend: 'rocksdb', message: 'boom' },
        measurement({
          query: 'q5',
          backend: 'rocksdb',
          events: 745_000,
          processingSeconds: 10,
          cpuSeconds: 20,
        }),
      ],
    );
    const lines = table.split('\n');
    expect(lines[0]!.split('|').map((c) => c.trim())).toEqual([
      '',
      'query',
      'hashmap events/s',
      'hashmap per core',
      'rocksdb events/s',
      'rocksdb per core',
      'Flink 2.0 per core',
      'hashmap / Flink',
      'rocksdb / Flink',
      '',
    ]);
    expect(lines[1]).toMatch(/^\|:-+\|(-+:\|){7}$/);
    const cells = (line: string): string[] =>
      line
        .split('|')
        .map((c) => c.trim())
        .slice(1, -1);
    // q0: 500 k events/s, 200 k per core = 0.53 of Flink's 379 k; rocksdb failed.
    expect(cells(lines[2]!)).toEqual(['q0', '500 k', '200 k', 'failed', 'failed', '379 k', '0.53', '–']);
    // q5: hashmap not run; rocksdb 74.5 k events/s, 37.3 k per core = 0.50 of Flink's 74.5 k.
    expect(cells(lines[3]!)).toEqual(['q5', '–', '–', '74.5 k', '37.3 k', '74.5 k', '–', '0.50']);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
