import { describe, expect, it } from 'vitest';

import { isFire, isPurge, isTriggerResult, TriggerResult } from './trigger-result.js';

describe('TriggerResult', () => {
  it('has four string decisions', () => {
    expect(TriggerResult).toEqual({
      CONTINUE: 'continue',
      FIRE: 'fire',
      PURGE: 'purge',
      FIRE_AND_PURGE: 'fire-and-purge',
    });
  });

  it('tells fire and purge apart', () => {
    expect(
      [TriggerResult.CONTINUE, TriggerResult.FIRE, TriggerResult.PURGE, TriggerResult.FIRE_AND_PURGE].map(
        isFire,
      ),
    ).toEqual([false, true, false, true]);
    expect(
      [TriggerResult.CONTINUE, TriggerResult.FIRE, TriggerResult.PURGE, TriggerResult.FIRE_AND_PURGE].map(
        isPurge,
      ),
    ).toEqual([false, false, true, true]);
  });

  it('recognises only the four values', () => {
    expect(isTriggerResult('fire')).toBe(true);
    expect(isTriggerResult('FIRE')).toBe(false);
    expect(isTriggerResult(undefined)).toBe(false);
  });
});
