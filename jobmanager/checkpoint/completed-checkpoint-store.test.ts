import { describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';
import { DefaultCompletedCheckpointStore } from './completed-checkpoint-store.js';

const jobId = JobId.generate();

function completed(id: number, properties = CheckpointProperties.checkpoint()): CompletedCheckpoint {
  const checkpointId = CheckpointId.of(id);
  return {
    jobId,
    checkpointId,
    timestamp: id * 100,
    completionTimestamp: id * 100 + 10,
    properties,
    metadata: { checkpointId, timestamp: id * 100, isSavepoint: false, operatorStates: [] },
    location: `memory://chk-${id}`,
    externalPointer: `memory://chk-${id}`,
    stateSize: 0,
  };
}

describe('DefaultCompletedCheckpointStore', () => {
  it('keeps the newest num-retained checkpoints and returns the subsumed ones', () => {
    const store = new DefaultCompletedCheckpointStore(2);
    expect(store.addCheckpointAndSubsumeOldestOne(completed(1))).toEqual([]);
    expect(store.addCheckpointAndSubsumeOldestOne(completed(2))).toEqual([]);
    expect(store.addCheckpointAndSubsumeOldestOne(completed(3)).map((c) => c.checkpointId)).toEqual([1]);
    expect(store.all().map((c) => c.checkpointId)).toEqual([2, 3]);
    expect(store.latest()?.checkpointId).toBe(3);
    expect(store.contains(CheckpointId.of(2))).toBe(true);
    expect(store.contains(CheckpointId.of(1))).toBe(false);
  });

  it('with one retained, each new checkpoint subsumes the previous one', () => {
    const store = new DefaultCompletedCheckpointStore(1);
    store.addCheckpointAndSubsumeOldestOne(completed(1));
    expect(store.addCheckpointAndSubsumeOldestOne(completed(2)).map((c) => c.location)).toEqual([
      'memory://chk-1',
    ]);
  });

  it('starts from recovered checkpoints in ID order and trims them on the next add', () => {
    const store = new DefaultCompletedCheckpointStore(1, [completed(5), completed(3)]);
    expect(store.latest()?.checkpointId).toBe(5);
    expect(store.addCheckpointAndSubsumeOldestOne(completed(6)).map((c) => c.checkpointId)).toEqual([3, 5]);
  });

  it('is empty at first', () => {
    expect(new DefaultCompletedCheckpointStore(1).latest()).toBeUndefined();
  });

  it('refuses savepoints, older checkpoints and a retention below 1', () => {
    const store = new DefaultCompletedCheckpointStore(1);
    expect(() =>
      store.addCheckpointAndSubsumeOldestOne(completed(1, CheckpointProperties.savepoint())),
    ).toThrow(/savepoints are owned by the user/);
    store.addCheckpointAndSubsumeOldestOne(completed(4));
    expect(() => store.addCheckpointAndSubsumeOldestOne(completed(4))).toThrow(/not newer/);
    expect(() => new DefaultCompletedCheckpointStore(0)).toThrow(/at least 1/);
  });
});
