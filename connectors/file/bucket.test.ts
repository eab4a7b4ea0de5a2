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

  it('continues numbering from a restored counter and refuses a bad one', () => {
    const bucket = new Bucket(naming, 5);
    expect(bucket.openPart(0)).toMatchObject({ partIndex: 5, finalName: 'part-op-1-5.json' });
    expect(bucket.closePart()).toMatchObject({ partIndex: 5, finalName: 'part-op-1-5.json' });
    expect(bucket.nextPartIndex).toBe(6);
    expect(bucket.inProgress).toBeUndefined();
    expect(() => new Bucket(naming, -1)).toThrow(/non-negative/);
    expect(() => new Bucket(naming, 1.5)).toThrow(/non-negative/);
  });
});
