import { describe, expect, it } from 'vitest';
import { formatSummary, summarizeProfiles, type CpuProfile } from './nexmark/cpu-profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

const main: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('processElement', 'file:///repo/dist/taskmanager/x.js', 41) },
    { id: 3, callFrame: frame('(idle)') },
    { id: 4, callFrame: frame('', 'file:///repo/node_modules/msgpackr/pack.js', 9) },
  ],
  samples: [2, 2, 3, 4, 2],
  timeDeltas: [1000, 1000, 5000, 2000, 1000],
};
const worker: CpuProfile = {
  nodes: [{ id: 7, callFrame: frame('processElement', 'file:///repo/dist/taskmanager/x.js', 41) }],
  samples: [7, 7],
  timeDeltas: [500, 2500],
};

describe('summarizeProfiles', () => {
  it('adds self time per function over every thread, most first', () => {
    const summary = summarizeProfiles([main, worker]);
    expect(summary.totalSamples).toBe(7);
    expect(summary.totalMs).toBe(13);
    expect(summary.entries).toEqual([
      { function: 'processElement (dist/taskmanager/x.js:42)', samples: 5, selfMs: 6 },
      { function: '(idle)', samples: 1, selfMs: 5 },
      { function: '(anonymous) (node_modules/msgpackr/pack.js:10)', samples: 1, selfMs: 2 },
    ]);
  });

  it('prints the top entries apart from idle with their share of the busy time', () => {
    const lines = formatSummary(summarizeProfiles([main, worker]), 1).split('\n');
    expect(lines).toEqual([
      '7 samples, 0.0 s sampled, 0.0 s busy (0.0 s idle)',
      ' 75.0%        6 ms  processElement (dist/taskmanager/x.js:42)',
    ]);
  });
});
