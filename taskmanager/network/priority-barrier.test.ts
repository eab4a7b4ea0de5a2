/**
 * Unaligned checkpoint barriers jump the queues on both ends of a channel: at the producer they
 * overtake the buffers waiting for credit (returned as the checkpoint's output state and still sent
 * after the barrier), at the consumer they overtake the buffers not yet processed (remembered as
 * its input state). Aligned barriers keep their place.
 */
import { bufferBytes } from '../../common/protocol/record-batch-codec.js';
import { describe, expect, it } from 'vitest';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import type { CheckpointBarrier } from '../../common/protocol/checkpoint-barrier.js';
import {
  InputChannel,
  type FloatingBufferPool,
  type InputChannelListener,
} from './consumer/input-channel.js';
import { PipelinedSubpartition } from './partition/pipelined-subpartition.js';

function barrier(checkpointId: number, alignment: 'aligned' | 'unaligned'): CheckpointBarrier {
  return {
    type: 'checkpoint-barrier',
    checkpointId,
    timestamp: 0,
    options: { checkpointType: 'checkpoint', alignment, targetLocation: 'memory://c' },
  };
}

const bytes = (n: number): Uint8Array => new Uint8Array([n]);

describe('PipelinedSubpartition.addPriorityEvent', () => {
  it('sends the barrier before the queued buffers and returns copies of what it overtook', () => {
    const sent: NetworkMessage[] = [];
    const sub = new PipelinedSubpartition(
      0,
      () => {},
      () => {},
    );
    sub.attachView({ send: (m) => sent.push(m) }, 'r', 0);
    sub.addBuffer(bytes(1));
    sub.addBuffer(bytes(2));
    const overtaken = sub.addPriorityEvent(barrier(7, 'unaligned'));
    expect(overtaken.map((b) => b[0])).toEqual([1, 2]);
    expect(sent.map((m) => m.type)).toEqual(['event']);
    sub.addCredit(2);
    expect(sent.map((m) => (m.type === 'buffer' ? bufferBytes(m.data)[0] : m.type))).toEqual(['event', 1, 2]);
    // Copies: changing the sent buffer leaves the checkpoint's copy alone.
    (sent[1] as { data: Uint8Array }).data[0] = 99;
    expect(overtaken[0]![0]).toBe(1);
  });
});

describe('InputChannel with unaligned barriers', () => {
  const listener: InputChannelListener = { notifyChannelNonEmpty: () => {}, notifyChannelError: () => {} };
  const pool: FloatingBufferPool = { requestFloating: () => 0, recycleFloating: () => {} };
  const channel = (): InputChannel =>
    new InputChannel(
      0,
      0,
      {
        partitionId: { dataSetId: 'd' as never, producerSubtask: 0, producerAttempt: 0 },
        producerLocation: { taskManagerId: 'tm' as never, slotIndex: 0 },
        subpartitionIndex: 0,
      },
      'r',
      listener,
      pool,
    );

  it('puts an unaligned barrier first and hands over the buffers it overtook once', () => {
    const ch = channel();
    ch.onBuffer(bytes(1), 0);
    ch.onBuffer(bytes(2), 0);
    ch.onEvent(barrier(3, 'unaligned'), 0);
    expect(ch.poll()).toMatchObject({ kind: 'event', event: { checkpointId: 3 } });
    expect(ch.takeOvertaken(3).map((b) => b[0])).toEqual([1, 2]);
    expect(ch.takeOvertaken(3)).toEqual([]);
    expect([ch.poll(), ch.poll()].map((e) => (e?.kind === 'buffer' ? bufferBytes(e.data)[0] : e))).toEqual([
      1, 2,
    ]);
  });

  it('keeps an aligned barrier behind the buffers sent before it', () => {
    const ch = channel();
    ch.onBuffer(bytes(1), 0);
    ch.onEvent(barrier(4, 'aligned'), 0);
    expect(ch.poll()).toMatchObject({ kind: 'buffer' });
    expect(ch.poll()).toMatchObject({ kind: 'event', event: { checkpointId: 4 } });
    expect(ch.takeOvertaken(4)).toEqual([]);
  });
});
