import { describe, expect, it } from 'vitest';
import { lastBusyMoment, type CpuSample } from './nexmark/cpu-activity.js';

/** Samples every 100 ms from t=0 with the given cores used in each interval. */
function samples(coresPerInterval: readonly number[]): CpuSample[] {
  const out: CpuSample[] = [{ at: 0, cpuMicros: 0 }];
  for (const cores of coresPerInterval) {
    const last = out.at(-1)!;
    out.push({ at: last.at + 100, cpuMicros: last.cpuMicros + cores * 100_000 });
  }
  return out;
}

describe('lastBusyMoment', () => {
  it('is the end of the last interval at or above the busy threshold', () => {
    expect(lastBusyMoment(samples([1.8, 1.9, 0.1, 2, 0.02, 0.01, 0.01]), undefined)).toBe(400);
  });

  it('ignores intervals ending after the final checkpoint was triggered', () => {
    // Processing ends at 300 ms; the final checkpoint, triggered at 550 ms, is busy again.
    const run = samples([2, 2, 2, 0.01, 0.01, 0.01, 1.5, 0.4]);
    expect(lastBusyMoment(run, 550)).toBe(300);
    expect(lastBusyMoment(run, undefined)).toBe(800);
  });

  it('is undefined when the process never was busy', () => {
    expect(lastBusyMoment(samples([0.01, 0.2, 0.05]), undefined)).toBeUndefined();
    expect(lastBusyMoment([], undefined)).toBeUndefined();
  });
});
