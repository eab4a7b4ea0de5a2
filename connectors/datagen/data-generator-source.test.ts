import { describe, expect, it } from 'vitest';
import { Boundedness, InputStatus, type Source } from '../../api/connector/source.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { pollUntilEnd } from '../testing/poll-until-end.js';
import { TestingReaderOutput } from '../testing/testing-reader-output.js';
import { TestingSourceReaderContext } from '../testing/testing-source-reader-context.js';
import { DataGeneratorSource } from './data-generator-source.js';
import { NumberSequenceSource } from './number-sequence-source.js';
import type { SequenceSplit } from './sequence-source-reader.js';

/** Reads a bounded source at parallelism p with static assignment (split i → subtask i % p). */
async function readAll<T>(source: Source<T, SequenceSplit>, parallelism: number): Promise<T[][]> {
  const splits = source.createSplits!(parallelism);
  const perSubtask: T[][] = [];
  for (let subtask = 0; subtask < parallelism; subtask++) {
    const reader = source.createReader(new TestingSourceReaderContext(subtask, parallelism));
    reader.addSplits(splits.filter((_, i) => i % parallelism === subtask));
    reader.notifyNoMoreSplits();
    perSubtask.push((await pollUntilEnd(reader)).records);
  }
  return perSubtask;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('DataGeneratorSource', () => {
  it.each([1, 2, 3, 4])('emits indices 0..count-1 exactly once at parallelism %i', async (p) => {
    const source = new DataGeneratorSource((index) => index, 5000);
    expect(source.getBoundedness()).toBe(Boundedness.BOUNDED);
    const perSubtask = await readAll(source, p);
    expect(perSubtask.flat()).toEqual(range(0, 5000));
    for (const records of perSubtask) expect(records.length).toBeGreaterThanOrEqual(Math.floor(5000 / p));
  });

  it.each([1, 2, 3, 4])('interleaves an unbounded sequence over %i subtasks without gaps', (p) => {
    const source = new DataGeneratorSource((index) => index, Number.POSITIVE_INFINITY);
    expect(source.getBoundedness()).toBe(Boundedness.CONTINUOUS_UNBOUNDED);
    const splits = source.createSplits(p);
    const seen: number[] = [];
    for (let subtask = 0; subtask < p; subtask++) {
      const reader = source.createReader(new TestingSourceReaderContext(subtask, p));
      reader.addSplits(splits.filter((_, i) => i % p === subtask));
      reader.notifyNoMoreSplits();
      const output = new TestingReaderOutput<number>();
      for (let poll = 0; poll < 3; poll++) expect(reader.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
      expect(output.records.every((index) => index % p === subtask)).toBe(true);
      seen.push(...output.records);
    }
    seen.sort((a, b) => a - b);
    expect(seen).toEqual(range(0, 3 * 1024 * p));
  });

  it('continues from a snapshot (bounded and unbounded) without loss or duplicates', async () => {
    for (const count of [10_000, Number.POSITIVE_INFINITY]) {
      const source = new DataGeneratorSource((index) => `r${index}`, count);
      const context = new TestingSourceReaderContext(1, 2);
      const first = source.createReader(context);
      first.addSplits([source.createSplits(2)[1] as SequenceSplit]);
      const output = new TestingReaderOutput<string>();
      first.pollNext(output);
      first.pollNext(output);
      // Through JSON, as a checkpoint would carry it.
      const snapshot = JSON.parse(JSON.stringify(first.snapshotState(7))) as SequenceSplit[];
      first.pollNext(output); // emitted after the checkpoint: lost with the failed attempt
      const beforeFailure = output.records.slice(0, 2048);

      const restored = source.createReader(context);
      restored.addSplits(snapshot);
      restored.notifyNoMoreSplits();
      const bounded = count !== Number.POSITIVE_INFINITY;
      expect(snapshot).toEqual([
        { splitId: '1', next: bounded ? 7048 : 4097, end: bounded ? 10_000 : null, stride: bounded ? 1 : 2 },
      ]);
      const rest = await pollUntilEnd(restored, bounded ? {} : { maxRecords: 2000 });
      const all = [...beforeFailure, ...rest.records];
      const expected = bounded
        ? range(5000, 10_000).map((i) => `r${i}`)
        : range(0, all.length).map((i) => `r${2 * i + 1}`);
      expect(all).toEqual(expected);
    }
  });

  it('random records are deterministic per index, across restores and parallelisms', async () => {
    const source = () =>
      DataGeneratorSource.random(42, 3000, (rng, index) => ({
        index,
        user: rng.nextString(6),
        amount: rng.nextInt(1, 100),
        ratio: rng.nextDouble(),
      }));
    const atP1 = (await readAll(source(), 1)).flat();
    const atP3 = (await readAll(source(), 3)).flat();
    expect(atP3).toEqual(atP1);
    expect(new Set(atP1.map((record) => record.user)).size).toBeGreaterThan(2900);
    const other = (
      await readAll(
        DataGeneratorSource.random(43, 10, (rng) => rng.nextString(8)),
        1,
      )
    ).flat();
    const same = (
      await readAll(
        DataGeneratorSource.random(42, 10, (rng) => rng.nextString(8)),
        1,
      )
    ).flat();
    expect(other).not.toEqual(same);
  });

  it('rejects a bad count', () => {
    expect(() => new DataGeneratorSource((i) => i, -1)).toThrow(UserError);
    expect(() => new DataGeneratorSource((i) => i, 1.5)).toThrow(/non-negative integer or Infinity/);
  });
});

describe('NumberSequenceSource', () => {
  it.each([1, 2, 3, 4])('emits from..to inclusive exactly once at parallelism %i', async (p) => {
    const source = new NumberSequenceSource(-5, 2500);
    expect((await readAll(source, p)).flat()).toEqual(range(-5, 2501));
  });

  it('handles a single number and rejects from > to', async () => {
    expect((await readAll(new NumberSequenceSource(7, 7), 2)).flat()).toEqual([7]);
    expect(() => new NumberSequenceSource(2, 1)).toThrow(UserError);
  });
});
