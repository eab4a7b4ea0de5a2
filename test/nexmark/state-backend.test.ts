/**
 * The stateful queries with their state in RocksDB and checkpoints taken while they run: the state
 * they keep (tuples, nulls, lists of results) survives serialization, and the results are the same.
 */
import { generateEvents } from 'freshet/connectors';
import { describe, expect, it } from 'vitest';
import { q3 } from '../../examples/nexmark/q3.js';
import { q4 } from '../../examples/nexmark/q4.js';
import { q7 } from '../../examples/nexmark/q7.js';
import { q8 } from '../../examples/nexmark/q8.js';
import { canonical, expectedQ3, expectedQ4, expectedQ7, expectedQ8 } from './nexmark-reference.js';
import { collectQuery, testConfig, type NexmarkTestInput } from './run-nexmark.js';

const INPUT: NexmarkTestInput = { events: 8_000, tps: 200, seed: 17 };
const EVENTS = generateEvents(testConfig(INPUT), INPUT.events);
const ROCKSDB = { stateBackend: 'rocksdb', checkpointInterval: 50 } as const;

describe('Nexmark queries on the RocksDB state backend with checkpoints, parallelism 2', () => {
  it('q3', async () => {
    const out = await collectQuery('q3', q3, INPUT, 2, ROCKSDB);
    expect(canonical(out)).toEqual(canonical(expectedQ3(EVENTS)));
  });

  it('q4', async () => {
    const out = await collectQuery('q4', q4, INPUT, 2, ROCKSDB);
    const last = new Map<number, number>();
    for (const r of out) last.set(r.category, r.avg);
    const expected = expectedQ4(EVENTS);
    expect(Object.fromEntries(last)).toEqual(
      Object.fromEntries([...expected].map(([c, { avg }]) => [c, avg])),
    );
    expect(out).toHaveLength([...expected.values()].reduce((n, e) => n + e.auctions, 0));
  });

  it('q7', async () => {
    const out = await collectQuery('q7', q7, INPUT, 2, ROCKSDB);
    expect(canonical(out)).toEqual(canonical(expectedQ7(EVENTS)));
  });

  it('q8', async () => {
    const out = await collectQuery('q8', q8, INPUT, 2, ROCKSDB);
    expect(canonical(out)).toEqual(canonical(expectedQ8(EVENTS)));
  });
});
