import { describe, expect, it } from 'vitest';
import { Boundedness, InputStatus } from '../../api/connector/source.js';
import { pollUntilEnd } from '../testing/poll-until-end.js';
import { TestingReaderOutput } from '../testing/testing-reader-output.js';
import { CollectionSource, type CollectionSplit } from './collection-source.js';

/** Runs a source at parallelism p with static assignment (split i → subtask i % p). */
async function readAll<T>(source: CollectionSource<T>, parallelism: number): Promise<T[][]> {
  const splits = source.createSplits(parallelism);
  const perSubtask: T[][] = [];
  for (let subtask = 0; subtask < parallelism; subtask++) {
    const reader = source.createReader();
    reader.addSplits(splits.filter((_, i) => i % parallelism === subtask));
    reader.notifyNoMoreSplits();
    perSubtask.push((await pollUntilEnd(reader)).records);
  }
  return perSubtask;
}

describe('CollectionSource', () => {
  const elements = Array.from({ length: 2500 }, (_, i) => `e${i}`);

  it('is bounded', () => {
    expect(new CollectionSource([1]).getBoundedness()).toBe(Boundedness.BOUNDED);
  });

  it.each([1, 2, 3, 4])('emits every element exactly once at parallelism %i', async (p) => {
    const perSubtask = await readAll(new CollectionSource(elements), p);
    expect(perSubtask.flat()).toEqual(elements);
    expect(perSubtask.every((records) => records.length > 0)).toBe(true);
  });

  it('handles fewer elements than subtasks and an empty collection', async () => {
    expect((await readAll(new CollectionSource(['a', 'b']), 4)).flat()).toEqual(['a', 'b']);
    expect((await readAll(new CollectionSource<string>([]), 3)).flat()).toEqual([]);
  });

  it('emits at most 1024 records per poll', () => {
    const reader = new CollectionSource(elements).createReader();
    reader.addSplits(new CollectionSource(elements).createSplits(1));
    const output = new TestingReaderOutput<string>();
    expect(reader.pollNext(output)).toBe(InputStatus.MORE_AVAILABLE);
    expect(output.records).toHaveLength(1024);
  });

  it('waits for splits and ends only after notifyNoMoreSplits', async () => {
    const source = new CollectionSource(['a']);
    const reader = source.createReader();
    const output = new TestingReaderOutput<string>();
    expect(reader.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    const available = reader.isAvailable();
    reader.addSplits(source.createSplits(1));
    await available;
    expect(reader.pollNext(output)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(output.records).toEqual(['a']);
    reader.notifyNoMoreSplits();
    expect(reader.pollNext(output)).toBe(InputStatus.END_OF_INPUT);
  });

  it('continues from a snapshot without loss or duplicates', async () => {
    const source = new CollectionSource(elements);
    const first = source.createReader();
    first.addSplits(source.createSplits(2));
    const output = new TestingReaderOutput<string>();
    first.pollNext(output); // 1024 of split 0
    first.pollNext(output); // the other 226 of split 0
    first.pollNext(output); // 1024 of split 1
    const snapshot: CollectionSplit[] = structuredClone(first.snapshotState(1));
    expect(snapshot).toEqual([{ splitId: '1', from: 1250, to: 2500, next: 2274 }]);
    const restored = source.createReader();
    restored.addSplits(snapshot);
    restored.notifyNoMoreSplits();
    const rest = await pollUntilEnd(restored);
    expect([...output.records, ...rest.records]).toEqual(elements);
  });
});
