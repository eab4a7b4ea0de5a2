import { describe, expect, it } from 'vitest';
import { CheckpointOptions } from './checkpoint-options.js';

describe('CheckpointOptions.forConfig', () => {
  it('aligns as Flink does', () => {
    const alignment = (type: 'CHECKPOINT' | 'SAVEPOINT', exactlyOnce: boolean, unaligned: boolean) =>
      CheckpointOptions.forConfig(type, 'loc', exactlyOnce, unaligned).alignmentType;
    expect(alignment('CHECKPOINT', true, false)).toBe('ALIGNED');
    expect(alignment('CHECKPOINT', true, true)).toBe('UNALIGNED');
    expect(alignment('SAVEPOINT', true, true)).toBe('ALIGNED');
    expect(alignment('CHECKPOINT', false, false)).toBe('AT_LEAST_ONCE');
    expect(alignment('SAVEPOINT', false, false)).toBe('AT_LEAST_ONCE');
  });
});
