import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BENCH_EVENTS,
  DEFAULT_BENCH_PARALLELISM,
  NEXMARK_BENCH_QUERIES,
  NexmarkBenchArgumentError,
  parseNexmarkBenchArgs,
} from './nexmark/nexmark-bench-args.js';

describe('parseNexmarkBenchArgs', () => {
  it('defaults to every query on both backends, the default events and parallelism, locally', () => {
    expect(parseNexmarkBenchArgs([])).toEqual({
      queries: NEXMARK_BENCH_QUERIES,
      backends: ['hashmap', 'rocksdb'],
      events: DEFAULT_BENCH_EVENTS,
      parallelism: DEFAULT_BENCH_PARALLELISM,
      jobmanager: undefined,
    });
    expect(NEXMARK_BENCH_QUERIES).toHaveLength(10);
  });

  it('reads queries in the given order without repeats, and every option in both spellings', () => {
    expect(
      parseNexmarkBenchArgs([
        'q5',
        'q0',
        'q5',
        '--events',
        '200000',
        '--parallelism=4',
        '--backends',
        'rocksdb',
      ]),
    ).toEqual({
      queries: ['q5', 'q0'],
      backends: ['rocksdb'],
      events: 200_000,
      parallelism: 4,
      jobmanager: undefined,
    });
    expect(
      parseNexmarkBenchArgs(['-m', 'localhost:8081', '--backends=rocksdb,hashmap,rocksdb']),
    ).toMatchObject({
      backends: ['rocksdb', 'hashmap'],
      jobmanager: 'localhost:8081',
    });
    expect(parseNexmarkBenchArgs(['--jobmanager=http://jm:8081']).jobmanager).toBe('http://jm:8081');
  });

  it.each([
    [['q6'], /unknown query "q6"/],
    [['--events', '0'], /--events must be a positive integer, got "0"/],
    [['--events', '1e6'], /--events must be a positive integer/],
    [['--events'], /--events needs a value/],
    [['--events', '--parallelism', '2'], /--events needs a value/],
    [['--backends', 'heap'], /--backends takes a comma-separated list of hashmap, rocksdb, got "heap"/],
    [['--tps', '5'], /unknown option --tps/],
    [['--events', '5', '--events=6'], /--events is given twice/],
  ])('rejects %j', (args, message) => {
    expect(() => parseNexmarkBenchArgs(args)).toThrow(NexmarkBenchArgumentError);
    expect(() => parseNexmarkBenchArgs(args)).toThrow(message);
  });
});
