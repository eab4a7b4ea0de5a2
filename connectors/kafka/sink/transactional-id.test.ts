import { describe, expect, it } from 'vitest';
import { probeStarts } from './kafka-sink.js';
import {
  buildTransactionalId,
  checkCommittable,
  checkWriterState,
  namespaceKey,
} from './transactional-id.js';

const own = { transactionalIdPrefix: 'p', jobId: 'job2', subtaskIndex: 1 };

describe('transactional ids', () => {
  it('are prefix-job-subtask-counter', () => {
    expect(buildTransactionalId(own, 12)).toBe('p-job2-1-12');
  });

  it('check the committables and writer states a checkpoint hands back', () => {
    expect(checkCommittable({ transactionalId: 't', producerId: '9', epoch: 0 })).toEqual({
      transactionalId: 't',
      producerId: '9',
      epoch: 0,
    });
    expect(() => checkCommittable({ transactionalId: 't', producerId: 9, epoch: 0 })).toThrow(
      /INVALID|malformed/,
    );
    expect(() => checkWriterState({ nextPartCounter: 1 })).toThrow(/writer state .* is malformed/);
  });
});

describe('probeStarts', () => {
  it("starts at each recovered state's next counter, and at 0 in the own namespace without one", () => {
    const probes = probeStarts(own, [
      { transactionalIdPrefix: 'old', jobId: 'job1', subtaskIndex: 4, nextTransactionCounter: 7 },
    ]);
    expect([...probes.values()]).toEqual([
      { namespace: { transactionalIdPrefix: 'old', jobId: 'job1', subtaskIndex: 4 }, fromCounter: 7 },
      { namespace: own, fromCounter: 0 },
    ]);
  });

  it('continues the own namespace from its state, the lowest counter if it came twice', () => {
    const probes = probeStarts(own, [
      { ...own, nextTransactionCounter: 9 },
      { ...own, nextTransactionCounter: 5 },
    ]);
    expect(probes.size).toBe(1);
    expect(probes.get(namespaceKey(own))).toEqual({ namespace: own, fromCounter: 5 });
  });
});
