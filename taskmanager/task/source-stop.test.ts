import { describe, expect, it } from 'vitest';
import { checkpointBarrier } from '../checkpoint/checkpoint-barrier.js';
import type { SourceOperator } from '../operators/source-operator.js';
import { barrierOf, SourceStop, type SourceStopContext } from './source-stop.js';
import type { SynchronousSavepointOutcome, TaskCheckpointing } from './task-checkpointing.js';

const OPTIONS = { checkpointType: 'savepoint', alignment: 'aligned', targetLocation: 'file:///sp' } as const;
const BARRIER = checkpointBarrier(4, 100, OPTIONS);

/** Records the calls of a stop in order; the savepoint's outcome is settled by the test. */
function fakeContext() {
  const calls: string[] = [];
  let settle: (outcome: SynchronousSavepointOutcome) => void = () => {};
  let cancel: () => void = () => {};
  const context: SourceStopContext = {
    sourceOperator: {
      endOfSourceInput: () => calls.push('MAX_WATERMARK'),
      pauseWatermarks: () => calls.push('pause watermarks'),
      resumeWatermarks: () => calls.push('resume watermarks'),
    } as unknown as SourceOperator,
    checkpointing: {
      performCheckpoint: (barrier: { checkpointId: number }) => calls.push(`barrier ${barrier.checkpointId}`),
      awaitSynchronousSavepoint: (id: number) => {
        calls.push(`await savepoint ${id}`);
        return new Promise<SynchronousSavepointOutcome>((resolve) => (settle = resolve));
      },
    } as unknown as TaskCheckpointing,
    endOfData: () => {
      calls.push('end of data');
      return Promise.resolve();
    },
    cancelled: new Promise<void>((resolve) => (cancel = resolve)),
  };
  return {
    calls,
    context,
    settle: (outcome: SynchronousSavepointOutcome) => settle(outcome),
    cancel: () => cancel(),
  };
}

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await Promise.resolve();
  await Promise.resolve();
  return settled;
}

describe('SourceStop', () => {
  it('hands a request to the loop once, wakes it up, and refuses a second stop meanwhile', async () => {
    const stop = new SourceStop();
    expect(await isSettled(stop.signal)).toBe(false);
    expect(stop.request({ barrier: BARRIER, drain: false })).toBe(true);
    expect(await isSettled(stop.signal)).toBe(true);
    expect(stop.isPending).toBe(true);
    expect(stop.take()).toEqual({ barrier: BARRIER, drain: false });
    expect(stop.take()).toBeUndefined();
    expect(stop.isPending).toBe(false);
    expect(stop.request({ barrier: BARRIER, drain: true })).toBe(false);
  });

  it('drain: MAX_WATERMARK, end of data, then the barrier', async () => {
    const { calls, context } = fakeContext();
    await expect(new SourceStop().carryOut({ barrier: BARRIER, drain: true }, context)).resolves.toBe(
      'drained',
    );
    expect(calls).toEqual(['MAX_WATERMARK', 'end of data', 'barrier 4']);
  });

  it('no drain: pauses watermarks, emits the barrier, and stops once the savepoint completed', async () => {
    const { calls, context, settle } = fakeContext();
    const ended = new SourceStop().carryOut({ barrier: BARRIER, drain: false }, context);
    expect(await isSettled(ended)).toBe(false);
    settle('completed');
    await expect(ended).resolves.toBe('stopped');
    expect(calls).toEqual(['await savepoint 4', 'pause watermarks', 'barrier 4']);
  });

  it('no drain, savepoint aborted: the source goes on, and may be stopped again', async () => {
    const { calls, context, settle } = fakeContext();
    const stop = new SourceStop();
    stop.request({ barrier: BARRIER, drain: false });
    const ended = stop.carryOut(stop.take()!, context);
    settle('aborted');
    await expect(ended).resolves.toBeUndefined();
    expect(calls.at(-1)).toBe('resume watermarks');
    expect(await isSettled(stop.signal)).toBe(false);
    expect(stop.request({ barrier: BARRIER, drain: true })).toBe(true);
  });

  it('no drain, cancelled while waiting: the loop ends cancelled', async () => {
    const { context, cancel } = fakeContext();
    const ended = new SourceStop().carryOut({ barrier: BARRIER, drain: false }, context);
    cancel();
    await expect(ended).resolves.toBe('cancelled');
  });

  it("builds the barrier from a trigger's options without its stop mode", () => {
    const options = { ...OPTIONS, stopMode: 'drain' };
    expect(barrierOf(4, 100, options)).toEqual(BARRIER);
    expect('stopMode' in barrierOf(4, 100, options).options).toBe(false);
  });
});
