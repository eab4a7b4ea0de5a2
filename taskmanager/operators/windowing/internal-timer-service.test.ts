import { describe, expect, it } from 'vitest';

import { KeyGroupRange } from '../../../common/key-groups.js';
import { InternalTimerService, type InternalTimer } from './internal-timer-service.js';

type Fired = [key: unknown, namespace: string, timestamp: number];
const fired = (t: InternalTimer): Fired => [t.key, t.namespace, t.timestamp];

function advance(service: InternalTimerService, watermark: number): Fired[] {
  const out: Fired[] = [];
  service.advanceWatermark(watermark, (t) => out.push(fired(t)));
  return out;
}

function processingTime(service: InternalTimerService, now: number): Fired[] {
  const out: Fired[] = [];
  service.onProcessingTime(now, (t) => out.push(fired(t)));
  return out;
}

describe('InternalTimerService', () => {
  it('starts at the lowest watermark with no timers', () => {
    const service = new InternalTimerService();
    expect(service.currentWatermark()).toBe(Number.MIN_SAFE_INTEGER);
    expect(service.numEventTimeTimers()).toBe(0);
    expect(service.numProcessingTimeTimers()).toBe(0);
    expect(service.nextProcessingTime()).toBeUndefined();
    expect(new InternalTimerService({ initialWatermark: 0 }).currentWatermark()).toBe(0);
  });

  it('fires event timers <= the watermark in timestamp order, ties in registration order', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('b', 1, 'w', 20);
    service.registerEventTimeTimer('a', 0, 'w', 10);
    service.registerEventTimeTimer('c', 2, 'w', 20);
    service.registerEventTimeTimer('a', 0, 'w', 30);
    service.registerEventTimeTimer('a', 0, 'v', 20);
    expect(advance(service, 9)).toEqual([]);
    expect(advance(service, 20)).toEqual([
      ['a', 'w', 10],
      ['b', 'w', 20],
      ['c', 'w', 20],
      ['a', 'v', 20],
    ]);
    expect(service.numEventTimeTimers()).toBe(1);
    expect(advance(service, 100)).toEqual([['a', 'w', 30]]);
  });

  it('updates the watermark before firing', () => {
    const service = new InternalTimerService();
    service.registerEventTimeTimer('k', 0, 'w', 5);
    const seen: number[] = [];
    service.advanceWatermark(7, () => seen.push(service.currentWatermark()));
    expect(seen).toEqual([7]);
    expect(service.currentWatermark()).toBe(7);
  });

  it('deduplicates timers per (key, namespace, timestamp)', () => {
    const service = new InternalTimerService<unknown>();
    service.registerEventTimeTimer('k', 0, 'w', 5);
    service.registerEventTimeTimer('k', 0, 'w', 5);
    service.registerEventTimeTimer('k', 0, 'w2', 5);
    service.registerEventTimeTimer('k2', 0, 'w', 5);
    service.registerEventTimeTimer(1, 0, 'w', 5);
    service.registerEventTimeTimer('1', 0, 'w', 5);
    service.registerEventTimeTimer({ id: 1 }, 0, 'w', 5);
    service.registerEventTimeTimer({ id: 1 }, 0, 'w', 5);
    expect(service.numEventTimeTimers()).toBe(6);
    expect(service.numEventTimeTimers('w')).toBe(5);
    expect(service.numEventTimeTimers('w2')).toBe(1);
    expect(advance(service, 5)).toHaveLength(6);
  });

  it('deletes timers, and deleting an absent timer is harmless', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('k', 0, 'w', 5);
    service.registerEventTimeTimer('k', 0, 'w', 6);
    service.registerProcessingTimeTimer('k', 0, 'w', 5);
    service.deleteEventTimeTimer('k', 0, 'w', 5);
    service.deleteEventTimeTimer('k', 0, 'w', 99);
    service.deleteEventTimeTimer('other', 0, 'w', 6);
    expect(service.numEventTimeTimers()).toBe(1);
    expect(service.numProcessingTimeTimers()).toBe(1);
    expect(advance(service, 10)).toEqual([['k', 'w', 6]]);
    service.deleteProcessingTimeTimer('k', 0, 'w', 5);
    expect(service.nextProcessingTime()).toBeUndefined();
  });

  it('keeps event and processing time apart', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('k', 0, 'w', 5);
    service.registerProcessingTimeTimer('k', 0, 'w', 5);
    expect(processingTime(service, 10)).toEqual([['k', 'w', 5]]);
    expect(service.numEventTimeTimers()).toBe(1);
    expect(service.currentWatermark()).toBe(Number.MIN_SAFE_INTEGER);
    expect(advance(service, 10)).toEqual([['k', 'w', 5]]);
  });

  it('fires timers registered while firing when they are already due', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('k', 0, 'w', 10);
    const out: Fired[] = [];
    service.advanceWatermark(20, (t) => {
      out.push(fired(t));
      if (out.length === 1) {
        service.registerEventTimeTimer('k', 0, 'w', 15); // due: fires in this advance
        service.registerEventTimeTimer('k', 0, 'w', 10); // the fired timer is gone, so this is new and due
        service.registerEventTimeTimer('k', 0, 'w', 25); // not due
      }
    });
    expect(out).toEqual([
      ['k', 'w', 10],
      ['k', 'w', 10],
      ['k', 'w', 15],
    ]);
    expect(service.numEventTimeTimers()).toBe(1);
    expect(service.nextEventTime()).toBe(25);
  });

  it('does not fire a timer deleted by an earlier timer of the same advance', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('k', 0, 'a', 10);
    service.registerEventTimeTimer('k', 0, 'b', 12);
    const out: Fired[] = [];
    service.advanceWatermark(20, (t) => {
      out.push(fired(t));
      service.deleteEventTimeTimer('k', 0, 'b', 12);
    });
    expect(out).toEqual([['k', 'a', 10]]);
  });

  it('tells the operator when the next processing-time timer is due', () => {
    const service = new InternalTimerService<string>();
    service.registerProcessingTimeTimer('k', 0, 'w', 100);
    expect(service.nextProcessingTime()).toBe(100);
    service.registerProcessingTimeTimer('k', 0, 'w', 50);
    expect(service.nextProcessingTime()).toBe(50);
    expect(processingTime(service, 49)).toEqual([]);
    expect(processingTime(service, 70)).toEqual([['k', 'w', 50]]);
    expect(service.nextProcessingTime()).toBe(100);
    const out: Fired[] = [];
    service.onProcessingTime(100, (t) => {
      out.push(fired(t));
      if (out.length > 1) return;
      service.registerProcessingTimeTimer('k', 0, 'w', 90); // due: fires now too
      service.registerProcessingTimeTimer('k', 0, 'w', 150);
    });
    expect(out).toEqual([
      ['k', 'w', 100],
      ['k', 'w', 90],
    ]);
    expect(service.nextProcessingTime()).toBe(150);
  });

  it('handles negative timestamps and watermarks', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('k', 0, 'w', -1);
    service.registerEventTimeTimer('k', 0, 'w', -5001);
    expect(advance(service, -5001)).toEqual([['k', 'w', -5001]]);
    expect(advance(service, -1)).toEqual([['k', 'w', -1]]);
  });

  it('snapshots per key group in firing order and restores only the owned key groups', () => {
    const service = new InternalTimerService<string>();
    service.registerEventTimeTimer('b', 7, 'w', 20);
    service.registerEventTimeTimer('a', 3, 'w', 10);
    service.registerEventTimeTimer('c', 7, 'w', 20);
    service.registerEventTimeTimer('d', 7, 'v', 5);
    service.registerProcessingTimeTimer('a', 3, 'w', 1000);
    service.registerProcessingTimeTimer('e', 9, 'x', 2000);

    const snapshot = service.snapshot();
    expect([...snapshot.keys()]).toEqual([3, 7, 9]);
    expect(snapshot.get(3)).toEqual({ eventTime: [['a', 'w', 10]], processingTime: [['a', 'w', 1000]] });
    expect(snapshot.get(7)).toEqual({
      eventTime: [
        ['d', 'v', 5],
        ['b', 'w', 20],
        ['c', 'w', 20],
      ],
      processingTime: [],
    });
    expect(snapshot.get(9)).toEqual({ eventTime: [], processingTime: [['e', 'x', 2000]] });

    const all = new InternalTimerService<string>();
    all.restore(snapshot);
    expect(all.numEventTimeTimers()).toBe(4);
    expect(all.numProcessingTimeTimers()).toBe(2);
    const out: Fired[] = [];
    all.advanceWatermark(100, (t) => out.push(fired(t)));
    expect(out).toEqual([
      ['d', 'v', 5],
      ['a', 'w', 10],
      ['b', 'w', 20],
      ['c', 'w', 20],
    ]);

    const part = new InternalTimerService<string>();
    part.restore(snapshot, new KeyGroupRange(5, 8));
    expect(part.numEventTimeTimers()).toBe(3);
    expect(part.numProcessingTimeTimers()).toBe(0);
    const keyGroups: number[] = [];
    part.advanceWatermark(100, (t) => keyGroups.push(t.keyGroup));
    expect(keyGroups).toEqual([7, 7, 7]);
  });

  it('snapshots nothing when empty', () => {
    expect(new InternalTimerService().snapshot().size).toBe(0);
  });
});
