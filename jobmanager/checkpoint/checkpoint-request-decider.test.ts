import { describe, expect, it } from 'vitest';
import { CheckpointProperties } from './checkpoint-properties.js';
import {
  CheckpointRequestDecider,
  type CheckpointRequestDeciderState,
} from './checkpoint-request-decider.js';
import type { CheckpointTriggerRequest } from './checkpoint-trigger-request.js';

interface Named extends CheckpointTriggerRequest {
  readonly name: string;
}

const idle: CheckpointRequestDeciderState = {
  isTriggering: false,
  numPendingCheckpoints: 0,
  lastCompletionTimestamp: undefined,
};

function periodic(name: string, timestamp = 0): Named {
  return { name, properties: CheckpointProperties.checkpoint(), isPeriodic: true, timestamp };
}

function manual(name: string, timestamp = 0): Named {
  return { name, properties: CheckpointProperties.checkpoint(), isPeriodic: false, timestamp };
}

function savepoint(name: string, timestamp = 0): Named {
  return { name, properties: CheckpointProperties.savepoint(), isPeriodic: false, timestamp };
}

function decider(settings: { max?: number; minPause?: number; maxQueued?: number } = {}, now = 10_000) {
  return new CheckpointRequestDecider<Named>(
    {
      maxConcurrentCheckpoints: settings.max ?? 1,
      minPauseBetweenCheckpointsMs: settings.minPause ?? 0,
      ...(settings.maxQueued === undefined ? {} : { maxQueuedRequests: settings.maxQueued }),
    },
    () => now,
  );
}

describe('CheckpointRequestDecider', () => {
  it('triggers a request at once when nothing holds it back', () => {
    expect(decider().submit(periodic('p'), idle)).toMatchObject({ type: 'trigger', request: { name: 'p' } });
  });

  it('holds a periodic request while max-concurrent checkpoints are pending, then runs it', () => {
    const d = decider({ max: 1 });
    const busy = { ...idle, numPendingCheckpoints: 1 };
    expect(d.submit(periodic('p'), busy)).toEqual({ type: 'wait' });
    expect(d.numQueuedRequests).toBe(1);
    expect(d.next(busy)).toEqual({ type: 'wait' });
    expect(d.next(idle)).toMatchObject({ type: 'trigger', request: { name: 'p' } });
    expect(d.numQueuedRequests).toBe(0);
  });

  it('lets only one periodic request wait: further ticks are dropped', () => {
    const d = decider();
    const busy = { ...idle, numPendingCheckpoints: 1 };
    d.submit(periodic('first'), busy);
    expect(d.submit(periodic('second'), busy)).toMatchObject({
      type: 'skip-too-many-requests',
      request: { name: 'second' },
    });
    expect(d.numQueuedRequests).toBe(1);
  });

  it('drops a periodic request during the min pause and says how long is left', () => {
    const d = decider({ minPause: 500 }, 10_000);
    const justCompleted = { ...idle, lastCompletionTimestamp: 9_800 };
    expect(d.submit(periodic('p'), justCompleted)).toMatchObject({
      type: 'skip-min-pause',
      request: { name: 'p' },
      retryAfterMs: 300,
    });
    expect(d.numQueuedRequests).toBe(0);
    expect(d.submit(periodic('later'), { ...idle, lastCompletionTimestamp: 9_500 })).toMatchObject({
      type: 'trigger',
    });
  });

  it('does not apply the min pause to savepoints or requests made by hand', () => {
    const d = decider({ minPause: 500 }, 10_000);
    const justCompleted = { ...idle, lastCompletionTimestamp: 9_900 };
    expect(d.submit(savepoint('s'), justCompleted)).toMatchObject({ type: 'trigger' });
    expect(d.submit(manual('m'), justCompleted)).toMatchObject({ type: 'trigger' });
  });

  it('lets a savepoint bypass max-concurrent and jump ahead of a waiting periodic request', () => {
    const d = decider({ max: 1 });
    const busy = { ...idle, numPendingCheckpoints: 1 };
    d.submit(periodic('p', 1), busy);
    expect(d.submit(savepoint('s', 2), busy)).toMatchObject({ type: 'trigger', request: { name: 's' } });
    expect(d.numQueuedRequests).toBe(1);
  });

  it('queues everything while a trigger is in progress, savepoints first, then by time', () => {
    const d = decider({ max: 5 });
    const triggering = { ...idle, isTriggering: true };
    for (const request of [periodic('p', 1), manual('m2', 3), manual('m1', 2), savepoint('s', 4)]) {
      expect(d.submit(request, triggering)).toEqual({ type: 'wait' });
    }
    const order: string[] = [];
    for (let decision = d.next(idle); decision.type === 'trigger'; decision = d.next(idle)) {
      order.push(decision.request.name);
    }
    expect(order).toEqual(['s', 'm1', 'm2', 'p']);
  });

  it('drops a request when the queue is full', () => {
    const d = decider({ maxQueued: 1 });
    const triggering = { ...idle, isTriggering: true };
    d.submit(manual('a'), triggering);
    expect(d.submit(savepoint('b'), triggering)).toMatchObject({
      type: 'skip-too-many-requests',
      request: { name: 'b' },
    });
  });

  it('hands back every queued request on abortAll', () => {
    const d = decider();
    const triggering = { ...idle, isTriggering: true };
    d.submit(manual('a'), triggering);
    d.submit(periodic('b'), triggering);
    expect(d.abortAll().map((r) => r.name)).toEqual(['a', 'b']);
    expect(d.next(idle)).toEqual({ type: 'wait' });
  });
});
