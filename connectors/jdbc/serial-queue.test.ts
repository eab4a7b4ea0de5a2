import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs operations one after another, in order', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    queue.submit(async () => {
      events.push('a start');
      await gate;
      events.push('a end');
    });
    const b = queue.run(() => {
      events.push('b');
      return Promise.resolve(2);
    });
    expect(queue.size).toBe(2);
    release();
    expect(await b).toBe(2);
    expect(events).toEqual(['a start', 'a end', 'b']);
    expect(queue.size).toBe(0);
  });

  it('keeps the first failure: later operations do not run and fail with it', async () => {
    const queue = new SerialQueue();
    queue.submit(() => Promise.reject(new Error('boom')));
    let ran = false;
    await expect(
      queue.run(() => {
        ran = true;
        return Promise.resolve();
      }),
    ).rejects.toThrow('boom');
    expect(ran).toBe(false);
    expect(() => queue.throwIfFailed()).toThrow('boom');
    await expect(queue.drained()).resolves.toBeUndefined();
  });
});
