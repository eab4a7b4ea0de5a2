import { describe, expect, it } from 'vitest';
import { Bucket } from './bucket.js';

const naming = { partPrefix: 'part', partSuffix: '.json', operatorUidOrId: 'op', indexOfSubtask: 1 };

describe('Bucket', () => {
  it('names parts and tracks their size and times', () => {
    const bucket = new Bucket(naming);
    const part = bucket.openPart(100);
    expect(part).toMatchObject({
      partIndex: 0,
      finalName: 'part-op-1-0.json',
      inProgressName: '.part-op-1-0.json.inprogress',
    });
    bucket.recordWritten(10, 150);
    expect(bucket.inProgress).toMatchObject({ sizeBytes: 10, creationTime: 100, lastUpdateTime: 150 });
    expect(() => bucket.openPart(200)).toThrow(/still open/);
    expect(bucket.closePart()).toMatchObject({ partIndex: 0, sizeBytes: 10 });
    expect(bucket.closePart()).toBeUndefined();
    expect(bucket.openPart(300).partIndex).toBe(1);
  });

  it('commits pending files right away without checkpoints', () => {
    const bucket = new Bucket(naming);
    bucket.openPart(0);
    bucket.closePart();
    bucket.openPart(0);
    bucket.closePart();
    expect(bucket.takePending().map((file) => file.partIndex)).toEqual([0, 1]);
    expect(bucket.takePending()).toEqual([]);
  });

  it('releases files only when their checkpoint (or a later one) completes', () => {
    const bucket = new Bucket(naming, 5);
    bucket.openPart(0);
    bucket.closePart();
    expect(bucket.prepareCommit(1).map((file) => file.partIndex)).toEqual([5]);
    bucket.openPart(0);
    bucket.closePart();
    expect(bucket.prepareCommit(2).map((file) => file.partIndex)).toEqual([6]);
    bucket.openPart(0);
    bucket.closePart();
    expect(bucket.prepareCommit(3).map((file) => file.partIndex)).toEqual([7]);
    expect(bucket.notifyCheckpointComplete(0)).toEqual([]);
    expect(bucket.notifyCheckpointComplete(2).map((file) => file.partIndex)).toEqual([5, 6]);
    expect(bucket.notifyCheckpointComplete(2)).toEqual([]);
    expect(bucket.takePending().map((file) => file.partIndex)).toEqual([7]);
  });
});
