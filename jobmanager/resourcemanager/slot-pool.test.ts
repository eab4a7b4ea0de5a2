import { describe, expect, it } from 'vitest';
import { JobId, ResourceId } from '../../common/ids.js';
import { TestingTaskExecutorGateway } from '../../test/support/testing-gateways.js';
import { SlotPool } from './slot-pool.js';

const jobA = JobId.generate();
const jobB = JobId.generate();

describe('SlotPool', () => {
  it('allocates all-or-nothing: too few free slots allocate none', () => {
    const pool = new SlotPool();
    pool.registerTaskManager(ResourceId.of('tm-a'), new TestingTaskExecutorGateway(), 2);
    expect(pool.tryAllocate(jobA, 3)).toBeUndefined();
    expect(pool.freeSlots()).toBe(2);
    expect(() => pool.allocate(jobA, 3)).toThrow('not enough slots: need 3, have 2 free of 2');
    const slots = pool.tryAllocate(jobA, 2)!;
    expect(slots.map((s) => [s.taskManagerId, s.slotIndex])).toEqual([
      ['tm-a', 0],
      ['tm-a', 1],
    ]);
    expect(pool.freeSlots()).toBe(0);
  });

  it('tells listeners when a TaskManager registers and when a job releases slots', () => {
    const pool = new SlotPool();
    let calls = 0;
    const remove = pool.addSlotAvailabilityListener(() => calls++);
    pool.registerTaskManager(ResourceId.of('tm-a'), new TestingTaskExecutorGateway(), 1);
    expect(calls).toBe(1);
    pool.tryAllocate(jobA, 1);
    pool.release(jobB); // holds nothing: no news
    expect(calls).toBe(1);
    pool.release(jobA);
    expect(calls).toBe(2);
    remove();
    pool.registerTaskManager(ResourceId.of('tm-b'), new TestingTaskExecutorGateway(), 1);
    expect(calls).toBe(2);
  });

  it('a listener may allocate while being notified; later listeners see the result', () => {
    const pool = new SlotPool();
    const got: (string | undefined)[] = [];
    pool.addSlotAvailabilityListener(() => got.push(pool.tryAllocate(jobA, 1)?.[0]?.taskManagerId));
    pool.addSlotAvailabilityListener(() => got.push(pool.tryAllocate(jobB, 1)?.[0]?.taskManagerId));
    pool.registerTaskManager(ResourceId.of('tm-a'), new TestingTaskExecutorGateway(), 1);
    expect(got).toEqual(['tm-a', undefined]);
  });

  it('forgets an unregistered TaskManager with its slots', () => {
    const pool = new SlotPool();
    const gateway = new TestingTaskExecutorGateway();
    pool.registerTaskManager(ResourceId.of('tm-a'), gateway, 2, { host: 'h', port: 1 });
    pool.registerTaskManager(ResourceId.of('tm-b'), new TestingTaskExecutorGateway(), 1);
    expect(pool.gatewayOf(ResourceId.of('tm-a'))).toBe(gateway);
    expect(pool.tryAllocate(jobA, 1)![0]!.dataAddress).toEqual({ host: 'h', port: 1 });
    expect(pool.unregisterTaskManager(ResourceId.of('tm-a'))).toBe(true);
    expect(pool.unregisterTaskManager(ResourceId.of('tm-a'))).toBe(false);
    expect(pool.gatewayOf(ResourceId.of('tm-a'))).toBeUndefined();
    expect([pool.numberOfTaskManagers(), pool.totalSlots(), pool.freeSlots()]).toEqual([1, 1, 1]);
  });
});
