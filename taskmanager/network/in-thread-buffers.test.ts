/**
 * Buffers between tasks of one slot carry the record objects themselves (no serialization, as
 * chained operators); every path that leaves the thread or persists a buffer encodes it.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ChannelSelector } from '../../api/graph/partitioner.js';
import { IntermediateDataSetId } from '../../common/ids.js';
import type { ResultPartitionId } from '../../common/protocol/task-deployment.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import {
  bufferBytes,
  bufferRecords,
  decodeBatch,
  encodeBatch,
  RecordBatch,
} from '../../common/protocol/record-batch-codec.js';
import { RecordWriter } from './partition/record-writer.js';
import { ResultPartition } from './partition/result-partition.js';
import {
  IN_THREAD_BATCH_RECORDS,
  IN_THREAD_MAX_BUFFERS,
  MAX_BUFFERS_PER_CHANNEL,
} from './partition/pipelined-subpartition.js';
import { DirectConnection, MessagePortConnection } from './transport/network-connection.js';
import { InputChannel } from './consumer/input-channel.js';

const toChannel0 = new ChannelSelector('forward', 1, 0, 128);
const partitionId: ResultPartitionId = {
  dataSetId: IntermediateDataSetId.of('0'.repeat(32)),
  producerSubtask: 0,
  producerAttempt: 0,
};

function writerWith(send: (message: NetworkMessage) => void, flushAlways = false): RecordWriter {
  const partition = new ResultPartition(partitionId, 1, () => {});
  partition.subpartitions[0]!.attachView({ send }, 'receiver', 10);
  return new RecordWriter(partition, toChannel0, 32 * 1024, flushAlways);
}

function nextMessage(port: MessagePort, deadlineMs: number): Promise<NetworkMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message before the deadline')), deadlineMs);
    port.once('message', (message: NetworkMessage) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

describe('buffers within one thread', () => {
  it('hand the emitted record objects to a same-thread consumer unserialized', () => {
    const sent: NetworkMessage[] = [];
    const writer = writerWith((m) => new DirectConnection((x) => sent.push(x)).send(m));
    const records = [{ id: 1 }, { id: 2 }, { id: 3 }];
    for (const r of records) writer.emit(r, r.id * 10);
    writer.flushAll();
    expect(sent).toHaveLength(1);
    const message = sent[0]!;
    if (message.type !== 'buffer') throw new Error('expected a buffer');
    expect(message.data).toBeInstanceOf(RecordBatch);
    const batch = bufferRecords(message.data);
    expect(batch.values[0]).toBe(records[0]);
    expect(batch.timestamps).toEqual([10, 20, 30]);
    // The first batch is measured: its size is the encoded size.
    expect(batch.byteSize).toBe(encodeBatch(records, [10, 20, 30]).byteLength);
    expect(writer.metrics()).toEqual({ recordsOut: 3, bytesOut: batch.byteSize, buffersOut: 1 });
  });

  it('measure a large batch by a sample of its records: the estimate stays near the encoded size', () => {
    const sent: NetworkMessage[] = [];
    const writer = writerWith((m) => new DirectConnection((x) => sent.push(x)).send(m));
    const records = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `record-${i % 10}` }));
    for (const r of records) writer.emit(r, r.id);
    writer.flushAll();
    const message = sent[0]!;
    if (message.type !== 'buffer') throw new Error('expected a buffer');
    const encoded = encodeBatch(
      records,
      records.map((r) => r.id),
    ).byteLength;
    expect(Math.abs(bufferRecords(message.data).byteSize - encoded) / encoded).toBeLessThan(0.05);
  });

  it('are encoded when they go to another worker', async () => {
    const { port1, port2 } = new MessageChannel();
    try {
      const writer = writerWith((m) => new MessagePortConnection(port1).send(m));
      const received = nextMessage(port2, 5000);
      writer.emit({ id: 7, tags: ['a'] }, undefined);
      writer.flushAll();
      const message = await received;
      if (message.type !== 'buffer') throw new Error('expected a buffer');
      expect(message.data).toBeInstanceOf(Uint8Array);
      expect(decodeBatch(message.data as Uint8Array).values).toEqual([{ id: 7, tags: ['a'] }]);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it('are encoded as a snapshot when an unaligned barrier overtakes them', () => {
    const partition = new ResultPartition(partitionId, 1, () => {});
    const record = { n: 1 };
    partition.addBuffer(0, new RecordBatch([record], null, 0));
    const barrier = {
      type: 'checkpoint-barrier',
      checkpointId: 1,
      timestamp: 0,
      options: { checkpointType: 'checkpoint', alignment: 'unaligned', targetLocation: 'memory://c' },
    } as const;
    const [overtaken] = partition.broadcastPriorityEvent(barrier);
    record.n = 2;
    expect(decodeBatch(overtaken![0]!).values).toEqual([{ n: 1 }]);

    const channel = new InputChannel(
      0,
      0,
      {} as never,
      'r',
      { notifyChannelNonEmpty: () => {}, notifyChannelError: () => {} },
      { requestFloating: () => 0, recycleFloating: () => {} },
    );
    channel.onBuffer(new RecordBatch([record], null, 0), 0);
    channel.onEvent(barrier, 0);
    const captured = channel.takeOvertaken(1);
    record.n = 3;
    expect(captured).toHaveLength(1);
    expect(decodeBatch(bufferBytes(captured[0]!)).values).toEqual([{ n: 2 }]);
  });

  it('stay small and few for a same-thread consumer, unlike buffers that leave the thread', () => {
    const partition = new ResultPartition(partitionId, 2, () => {});
    const sizes: number[][] = [[], []];
    const record = (m: NetworkMessage, channel: number): void => {
      if (m.type === 'buffer') sizes[channel]!.push(bufferRecords(m.data).values.length);
    };
    partition.subpartitions[0]!.attachView(new DirectConnection((m) => record(m, 0)), 'in-thread', 1000);
    // Another worker's view (messages recorded before they would be encoded).
    partition.subpartitions[1]!.attachView({ send: (m) => record(m, 1) }, 'remote', 1000);
    const writer = new RecordWriter(partition, new ChannelSelector('rebalance', 2, 0, 128), 32 * 1024, false);
    for (let i = 0; i < 20_000; i++) writer.emit({ i }, i);
    writer.flushAll();
    // The first batches were sized before the views attached; later ones follow the budget.
    expect(Math.max(...sizes[0]!.slice(1))).toBe(IN_THREAD_BATCH_RECORDS);
    expect(Math.max(...sizes[1]!)).toBeGreaterThan(IN_THREAD_BATCH_RECORDS);
    expect(partition.subpartitions[0]!.maxBacklog).toBe(IN_THREAD_MAX_BUFFERS);
    expect(partition.subpartitions[1]!.maxBacklog).toBe(MAX_BUFFERS_PER_CHANNEL);
  });

  it('make the partition unavailable after IN_THREAD_MAX_BUFFERS unsent buffers', () => {
    const partition = new ResultPartition(partitionId, 1, () => {});
    partition.subpartitions[0]!.attachView(new DirectConnection(() => {}), 'in-thread', 0);
    for (let i = 0; i < IN_THREAD_MAX_BUFFERS; i++) {
      expect(partition.isAvailable()).toBe(true);
      partition.addBuffer(0, new RecordBatch([{ i }], null, 0));
    }
    expect(partition.isAvailable()).toBe(false);
    partition.subpartitions[0]!.addCredit(1);
    expect(partition.isAvailable()).toBe(true);
  });
});
