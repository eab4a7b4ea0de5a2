import { describe, expect, it } from 'vitest';
import { CompletedOperationCache } from './completed-operation-cache.js';
import { RestHandlerError } from './rest-handler-error.js';

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets the cache's promise reactions run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function cache(maxOperations = 10) {
  const clock = { now: 1_000 };
  const operations = new CompletedOperationCache<string, string>({
    clock: () => clock.now,
    storeDurationMs: 60_000,
    maxOperations,
  });
  return { clock, operations };
}

describe('CompletedOperationCache', () => {
  it('reports an operation in progress, then its value or its error', async () => {
    const { operations } = cache();
    const ok = deferred<string>();
    const bad = deferred<string>();
    operations.register('a', ok.promise);
    operations.register('b', bad.promise);
    expect(operations.get('a')).toEqual({ status: 'in-progress' });
    ok.resolve('/sp-1');
    bad.reject('disk full');
    await settle();
    expect(operations.get('a')).toEqual({ status: 'completed', value: '/sp-1' });
    const failed = operations.get('b');
    expect(failed?.status).toBe('failed');
    expect(failed?.status === 'failed' && failed.error.message).toContain('disk full');
    expect(operations.get('c')).toBeUndefined();
  });

  it('forgets a finished operation storeDurationMs after it ended, never a running one', async () => {
    const { clock, operations } = cache();
    const done = deferred<string>();
    operations.register('done', done.promise);
    operations.register('running', new Promise<string>(() => {}));
    clock.now += 30_000;
    done.resolve('/sp');
    await settle();
    clock.now += 59_999;
    expect(operations.has('done')).toBe(true);
    clock.now += 1;
    expect(operations.has('done')).toBe(false);
    clock.now += 10 * 60_000;
    expect(operations.get('running')).toEqual({ status: 'in-progress' });
  });

  it('when full, drops the oldest finished operation, and refuses (429) when all are running', async () => {
    const { operations } = cache(2);
    const first = deferred<string>();
    operations.register('first', first.promise);
    operations.register('second', new Promise<string>(() => {}));
    first.resolve('/sp');
    await settle();
    operations.reserve();
    operations.register('third', new Promise<string>(() => {}));
    expect(operations.has('first')).toBe(false);
    expect(operations.size).toBe(2);
    let refusal: unknown;
    try {
      operations.reserve();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RestHandlerError);
    expect((refusal as RestHandlerError).httpStatus).toBe(429);
  });
});
