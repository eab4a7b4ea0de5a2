import { describe, expect, it } from 'vitest';
import { FailureHistory } from './failure-history.js';

const report = (message: string, timestamp = 0) => ({ timestamp, error: new Error(message) });

describe('FailureHistory', () => {
  it('keeps one entry per failover, oldest first, with concurrent failures under the latest', () => {
    const history = new FailureHistory();
    history.addRoot({ ...report('a', 1), taskName: 'Map (1/2)', taskManagerId: 'tm-1' });
    history.addConcurrent(report('a2', 2));
    history.addRoot(report('b', 3));
    expect(history.entries.map((e) => [e.error.message, e.concurrent.map((c) => c.error.message)])).toEqual([
      ['a', ['a2']],
      ['b', []],
    ]);
    expect(history.entries[0]).toMatchObject({ timestamp: 1, taskName: 'Map (1/2)', taskManagerId: 'tm-1' });
    expect(history.entries[0]!.concurrent[0]!.concurrent).toEqual([]);
  });

  it('a concurrent failure without a root becomes the root', () => {
    const history = new FailureHistory();
    history.addConcurrent(report('lonely'));
    expect(history.entries.map((e) => e.error.message)).toEqual(['lonely']);
  });

  it('drops the oldest entries past its size', () => {
    const history = new FailureHistory(2);
    for (const m of ['1', '2', '3']) history.addRoot(report(m));
    expect(history.entries.map((e) => e.error.message)).toEqual(['2', '3']);
  });
});
