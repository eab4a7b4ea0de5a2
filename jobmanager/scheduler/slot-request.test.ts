import { describe, expect, it } from 'vitest';
import { JobId, ResourceId } from '../../common/ids.js';
import { TestingTaskExecutorGateway } from '../../test/support/testing-gateways.js';
import { SlotPool } from '../resourcemanager/slot-pool.js';
import { requestSlots, type SlotRequestOutcome } from './slot-request.js';
import { TestingSchedulerTimer } from './testing-scheduler-timer.js';

const jobId = JobId.generate();

function setup(freeSlots: number) {
  const pool = new SlotPool();
  if (freeSlots > 0)
    pool.registerTaskManager(ResourceId.of('tm-a'), new TestingTaskExecutorGateway(), freeSlots);
  const timer = new TestingSchedulerTimer();
  const outcomes: SlotRequestOutcome[] = [];
  const request = requestSlots(pool, { jobId, count: 2, timeoutMs: 1_000 }, timer, (o) => outcomes.push(o));
  return { pool, timer, outcomes, request };
}

describe('requestSlots', () => {
  it('allocates at once when enough slots are free, without a callback or timer', () => {
    const { request, outcomes, timer, pool } = setup(3);
    expect(request.kind).toBe('allocated');
    expect(request.kind === 'allocated' && request.slots).toHaveLength(2);
    expect(outcomes).toEqual([]);
    expect(timer.pendingDelays).toEqual([]);
    expect(pool.freeSlots()).toBe(1);
  });

  it('waits and allocates when a TaskManager brings enough slots', () => {
    const { request, outcomes, timer, pool } = setup(1);
    expect(request.kind).toBe('waiting');
    pool.registerTaskManager(ResourceId.of('tm-b'), new TestingTaskExecutorGateway(), 1);
    expect(outcomes).toHaveLength(1);
    const outcome = outcomes[0]!;
    expect(outcome.kind === 'allocated' && outcome.slots.map((s) => s.taskManagerId)).toEqual([
      'tm-a',
      'tm-b',
    ]);
    expect(timer.pendingDelays).toEqual([]);
    timer.advance(5_000);
    expect(outcomes).toHaveLength(1);
  });

  it('times out with "not enough slots: need N, have M" and stops listening', () => {
    const { outcomes, timer, pool } = setup(1);
    timer.advance(999);
    expect(outcomes).toEqual([]);
    timer.advance(1);
    expect(outcomes).toHaveLength(1);
    const outcome = outcomes[0]!;
    expect(outcome.kind).toBe('timed-out');
    if (outcome.kind !== 'timed-out') return;
    expect(outcome.error.message).toBe(
      'not enough slots: need 2, have 1 (waited slot.request.timeout 1000 ms; 1 TaskManager registered with 1 slots in total)',
    );
    expect(outcome.error.code).toBe('NOT_ENOUGH_SLOTS');
    pool.registerTaskManager(ResourceId.of('tm-b'), new TestingTaskExecutorGateway(), 5);
    expect(outcomes).toHaveLength(1);
    expect(pool.freeSlots()).toBe(6);
  });

  it('cancel stops the wait: no allocation, no callback', () => {
    const { request, outcomes, timer, pool } = setup(0);
    if (request.kind === 'waiting') request.cancel();
    pool.registerTaskManager(ResourceId.of('tm-b'), new TestingTaskExecutorGateway(), 2);
    timer.advance(5_000);
    expect(outcomes).toEqual([]);
    expect(pool.freeSlots()).toBe(2);
  });
});
