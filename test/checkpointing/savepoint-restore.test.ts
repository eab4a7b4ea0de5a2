/**
 * Savepoints on the embedded cluster, in Flink's rescaling scenario: 42 integer keys, each emitted
 * 1000 times into a keyed sum (maxParallelism 13) at parallelism 2; a savepoint is taken and the
 * job cancelled; the job restarts from it at parallelism 3 (and 1) with 500 more elements per key:
 * every key's sum is 1500, from the subtask owning its key group, nothing lost or doubled. A
 * savepoint whose state the job cannot place, or a changed maxParallelism, is refused clearly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WatermarkStrategy, type Sink } from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { waitFor } from '../support/cli.js';
import {
  captureEnvironment,
  cleanUpMiniClusters,
  describeJob,
  resultWithin,
  submitOnMiniCluster,
  tempDirectory,
} from './checkpoint-fault-support.js';

const KEYS = 42;

interface KeyCount {
  readonly key: number;
  readonly sum: number;
}

/** The latest sum per key each run's sink saw (the embedded cluster shares this process's memory). */
const latest = new Map<number, number>();
const collect: Sink<KeyCount> = {
  createWriter: () => ({
    write: (record: KeyCount) => void latest.set(record.key, record.sum),
    flush() {},
    close() {},
  }),
};

type Backend = 'hashmap' | 'rocksdb';

function keyedSumJob(
  parallelism: number,
  perKey: number,
  maxParallelism = 13,
  sourceUid = 'numbers',
  backend: Backend = 'hashmap',
) {
  const env = captureEnvironment();
  env.setStateBackend(backend);
  env.setParallelism(parallelism);
  env.setMaxParallelism(maxParallelism);
  env.enableCheckpointing(200);
  env.configure({ 'restart-strategy.type': 'none' });
  env
    .fromSource(
      new DataGeneratorSource(
        (i) => ({ key: i % KEYS, sum: 1 }),
        KEYS * perKey,
        RateLimiterStrategy.perSecond(20_000),
      ),
      WatermarkStrategy.noWatermarks(),
      'numbers',
    )
    .uid(sourceUid)
    .keyBy((e) => e.key)
    .reduce((a, b) => ({ key: a.key, sum: a.sum + b.sum }))
    .uid('sum-per-key')
    .sinkTo(collect)
    .uid('collect');
  return env;
}

afterEach(async () => {
  await cleanUpMiniClusters();
  latest.clear();
});

async function savepointAfterFirstRun(backend: Backend = 'hashmap'): Promise<string> {
  const checkpoints = await tempDirectory('freshet-sp-ckpt-');
  const savepoints = await tempDirectory('freshet-sp-');
  const env = keyedSumJob(2, 1000, 13, 'numbers', backend);
  env.configure({ 'state.checkpoints.dir': `file://${checkpoints}` });
  const master = await submitOnMiniCluster(env.getPipeline('savepoint-first-run'));
  await waitFor(
    () => latest.size === KEYS && [...latest.values()].every((sum) => sum === 1000),
    30_000,
    () => `every key at 1000 (${latest.size} keys seen; ${describeJob(master)})`,
  );
  const path = await master.triggerSavepoint(savepoints, true);
  expect((await resultWithin(master, 30_000)).status).toBe('CANCELED');
  expect(path.startsWith(`file://${savepoints}/savepoint-`)).toBe(true);
  latest.clear();
  return path;
}

describe('savepoints', () => {
  it.each<[number, Backend, Backend]>([
    [3, 'hashmap', 'hashmap'],
    [1, 'hashmap', 'hashmap'],
    [3, 'rocksdb', 'rocksdb'],
    [1, 'rocksdb', 'rocksdb'],
    [3, 'hashmap', 'rocksdb'],
    [1, 'rocksdb', 'hashmap'],
  ])(
    'restores the keyed sums at parallelism %i (%s savepoint into %s) and continues them exactly',
    async (parallelism, from, to) => {
      const path = await savepointAfterFirstRun(from);
      // A new source (another uid): its predecessor's read positions are skipped.
      const env = keyedSumJob(parallelism, 500, 13, 'more-numbers', to);
      const master = await submitOnMiniCluster(env.getPipeline('savepoint-second-run'), {
        savepoint: { path, allowNonRestoredState: true },
      });
      expect((await resultWithin(master, 60_000)).status, describeJob(master)).toBe('FINISHED');
      expect(latest.size).toBe(KEYS);
      for (const [key, sum] of latest) expect(sum, `key ${key}`).toBe(1500);
    },
    90_000,
  );

  it('refuses state for an operator the job lacks unless non-restored state is allowed', async () => {
    const path = await savepointAfterFirstRun();
    const env = keyedSumJob(2, 500, 13, 'more-numbers');
    await expect(
      submitOnMiniCluster(env.getPipeline('savepoint-unmatched'), {
        savepoint: { path, allowNonRestoredState: false },
      }),
    ).rejects.toMatchObject({ code: 'UNMATCHED_SAVEPOINT_STATE' });
    // The stored uid names the operator whose state has no place.
    await expect(
      submitOnMiniCluster(env.getPipeline('savepoint-unmatched-again'), {
        savepoint: { path, allowNonRestoredState: false },
      }),
    ).rejects.toThrow(/numbers \(/);
  }, 90_000);

  it('refuses a changed maxParallelism of a keyed operator', async () => {
    const path = await savepointAfterFirstRun();
    const env = keyedSumJob(2, 500, 32, 'numbers');
    await expect(
      submitOnMiniCluster(env.getPipeline('savepoint-max-parallelism'), {
        savepoint: { path, allowNonRestoredState: true },
      }),
    ).rejects.toMatchObject({ code: 'MAX_PARALLELISM_MISMATCH' });
  }, 90_000);

  it('a savepoint into a directory that cannot be written fails, and the job keeps running', async () => {
    const checkpoints = await tempDirectory('freshet-sp-ckpt-');
    const good = await tempDirectory('freshet-sp-');
    const blocker = join(await tempDirectory('freshet-sp-bad-'), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const env = keyedSumJob(2, 100_000, 13, 'numbers', 'rocksdb');
    env.configure({ 'state.checkpoints.dir': `file://${checkpoints}` });
    const master = await submitOnMiniCluster(env.getPipeline('savepoint-unwritable'));
    await waitFor(
      () => latest.size === KEYS,
      30_000,
      () => `every key seen (${describeJob(master)})`,
    );
    await expect(master.triggerSavepoint(`file://${blocker}/savepoints`, false)).rejects.toThrow(/a-file/);
    expect(master.status).toBe('RUNNING');
    const path = await master.triggerSavepoint(good, true);
    expect(path.startsWith(`file://${good}/savepoint-`)).toBe(true);
    expect((await resultWithin(master, 30_000)).status).toBe('CANCELED');
  }, 90_000);

  it('fails clearly for a path without _metadata', async () => {
    const empty = await tempDirectory('freshet-sp-empty-');
    const env = keyedSumJob(2, 10);
    await expect(
      submitOnMiniCluster(env.getPipeline('savepoint-missing'), {
        savepoint: { path: `file://${empty}`, allowNonRestoredState: false },
      }),
    ).rejects.toThrow(/_metadata/);
  });
});
