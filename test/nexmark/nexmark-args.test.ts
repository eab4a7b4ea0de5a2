import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NEXMARK_EVENTS,
  NexmarkArgumentError,
  parseNexmarkArgs,
} from '../../examples/nexmark/nexmark-args.js';
import { isNexmarkQueryName, nexmarkQuery, NEXMARK_QUERIES } from '../../examples/nexmark/queries.js';

describe('parseNexmarkArgs', () => {
  it('defaults to 10 000 000 events into a DiscardingSink, no checkpoints', () => {
    expect(parseNexmarkArgs([])).toEqual({
      events: DEFAULT_NEXMARK_EVENTS,
      tps: undefined,
      seed: undefined,
      rateLimit: undefined,
      parallelism: undefined,
      sink: 'blackhole',
      checkpointInterval: 0,
      stateBackend: undefined,
    });
    expect(DEFAULT_NEXMARK_EVENTS).toBe(10_000_000);
  });

  it('reads every option, as `--flag value` and `--flag=value`', () => {
    expect(
      parseNexmarkArgs([
        '--events',
        '5000',
        '--tps=200',
        '--seed',
        '3',
        '--rate-limit',
        '1000',
        '--parallelism=4',
        '--sink',
        'print',
        '--checkpoint-interval',
        '500',
        '--state-backend=rocksdb',
      ]),
    ).toEqual({
      events: 5000,
      tps: 200,
      seed: 3,
      rateLimit: 1000,
      parallelism: 4,
      sink: 'print',
      checkpointInterval: 500,
      stateBackend: 'rocksdb',
    });
  });

  it('makes the input unbounded with --unbounded or --events 0', () => {
    expect(parseNexmarkArgs(['--unbounded']).events).toBeUndefined();
    expect(parseNexmarkArgs(['--events', '0']).events).toBeUndefined();
    expect(parseNexmarkArgs(['--unbounded', '--events', '0']).events).toBeUndefined();
  });

  it.each([
    [['--events', '-1'], /--events must be an integer >= 0, got "-1"/],
    [['--events', '1e3'], /--events must be an integer >= 0/],
    [['--parallelism', '0'], /--parallelism must be an integer >= 1/],
    [['--sink', 'kafka'], /--sink must be one of blackhole, print, collect, got "kafka"/],
    [['--state-backend', 'heap'], /--state-backend must be one of hashmap, rocksdb/],
    [['--checkpoint-interval', '5'], /--checkpoint-interval must be 0 \(off\) or at least 10 ms/],
    [['--events'], /--events needs a value/],
    [['--unbounded', '--events', '10'], /--unbounded contradicts --events 10/],
    [['--unbounded', '--sink', 'collect'], /--sink collect needs a bounded input/],
    [['--frobnicate', '1'], /unknown option --frobnicate/],
    [['1000'], /unexpected argument "1000"/],
    [['--seed', '1', '--seed', '2'], /--seed is given twice/],
  ])('rejects %j', (args, message) => {
    let error: unknown;
    try {
      parseNexmarkArgs(args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NexmarkArgumentError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/usage: /);
  });
});

describe('NEXMARK_QUERIES', () => {
  it('names the implemented queries and refuses others', () => {
    expect(Object.keys(NEXMARK_QUERIES)).toEqual([
      'q0',
      'q1',
      'q2',
      'q3',
      'q4',
      'q5',
      'q7',
      'q8',
      'q11',
      'q12',
    ]);
    expect(isNexmarkQueryName('q5')).toBe(true);
    expect(isNexmarkQueryName('q6')).toBe(false);
    expect(isNexmarkQueryName('toString')).toBe(false);
    expect(typeof nexmarkQuery('q7')).toBe('function');
    expect(() => nexmarkQuery('q6')).toThrow(/no Nexmark query "q6": choose one of q0, q1/);
  });
});
