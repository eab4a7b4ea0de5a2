import { describe, expect, it } from 'vitest';
import { CheckpointId } from './checkpoint-id.js';
import { StandaloneCheckpointIdCounter } from './checkpoint-id-counter.js';

describe('CheckpointId', () => {
  it('accepts positive integers only', () => {
    expect(CheckpointId.parse(' 42 ')).toBe(42);
    expect(() => CheckpointId.of(0)).toThrow(/not a valid checkpoint ID/);
    expect(() => CheckpointId.of(1.5)).toThrow(/not a valid checkpoint ID/);
    expect(() => CheckpointId.parse('4e2')).toThrow(/not a valid checkpoint ID/);
  });

  it('is counted on from the latest known checkpoint', () => {
    const counter = StandaloneCheckpointIdCounter.after(CheckpointId.of(9));
    expect(counter.getAndIncrement()).toBe(10);
    expect(counter.get()).toBe(11);
    expect(StandaloneCheckpointIdCounter.after(undefined).getAndIncrement()).toBe(1);
  });
});
