/**
 * End to end over real sockets: a ResultPartition in one "TaskManager" feeding an InputGate in
 * another through two NetworkEnvironments joined by TcpTransports. Credit-based flow control must
 * hold across TCP: the producer stalls while the consumer holds all its buffers, and resumes once
 * the consumer gives credit back.
 */
import { bufferBytes } from '../../../common/protocol/record-batch-codec.js';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor as waitForCondition } from '../../../test/support/cli.js';
import { IntermediateDataSetId, ResourceId, hashHex32 } from '../../../common/ids.js';
import type { NetworkMessage } from '../../../common/protocol/network-messages.js';
import type { ResultPartitionId } from '../../../common/protocol/task-deployment.js';
import { EXCLUSIVE_BUFFERS } from '../consumer/input-channel.js';
import { FLOATING_BUFFERS_PER_GATE, type InputGate } from '../consumer/input-gate.js';
import { NetworkEnvironment } from '../network-environment.js';
import { DirectConnection, type NetworkConnection } from './network-connection.js';
import { TcpTransport, taskManagerOfLocation, type TcpAddress } from './tcp-transport.js';

const HOST = '127.0.0.1';
const BUFFER_SIZE = 32 * 1024;
const transports: TcpTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) await transport.close();
});

const waitFor = (condition: () => boolean, what: () => string, deadlineMs = 30_000): Promise<void> =>
  waitForCondition(condition, deadlineMs, what, 2);

interface TaskManager {
  readonly id: string;
  readonly env: NetworkEnvironment;
  readonly transport: TcpTransport;
  readonly inbound: NetworkMessage[];
  readonly errors: Error[];
}

/** One slot (`<id>/0`) per TaskManager: its own location is direct, every other one is TCP. */
async function startTaskManagers(ids: readonly string[]): Promise<Map<string, TaskManager>> {
  const addresses = new Map<string, TcpAddress>();
  const managers = new Map<string, TaskManager>();
  for (const id of ids) {
    const transport = new TcpTransport(id);
    transports.push(transport);
    const local = `${id}/0`;
    const env: NetworkEnvironment = new NetworkEnvironment(local, (location): NetworkConnection => {
      if (location === local) return new DirectConnection((message) => env.onMessage(message));
      return transport.connectionTo(local, location, addresses.get(taskManagerOfLocation(location))!);
    });
    const tm: TaskManager = { id, env, transport, inbound: [], errors: [] };
    transport.onMessage((to, _from, message) => {
      expect(to).toBe(local);
      tm.inbound.push(message);
      env.onMessage(message);
    });
    transport.onError((error) => tm.errors.push(error));
    addresses.set(id, { host: HOST, port: await transport.listen(HOST, 0) });
    managers.set(id, tm);
  }
  return managers;
}

function numberedBuffer(seq: number): Uint8Array {
  const data = new Uint8Array(BUFFER_SIZE).fill(seq & 0xff);
  new DataView(data.buffer).setUint32(0, seq);
  return data;
}

/** Polls every ready entry, checking order and content; returns how many buffers it consumed. */
function consumeAvailable(gate: InputGate, expectSeq: { next: number }): number {
  let consumed = 0;
  for (let polled = gate.pollNext(); polled !== undefined; polled = gate.pollNext()) {
    if (polled.entry.kind !== 'buffer') continue;
    const data = bufferBytes(polled.entry.data);
    expect(data.byteLength).toBe(BUFFER_SIZE);
    expect(new DataView(data.buffer, data.byteOffset).getUint32(0)).toBe(expectSeq.next);
    expect(data[BUFFER_SIZE - 1]).toBe(expectSeq.next & 0xff);
    expectSeq.next++;
    consumed++;
    polled.channel.onBufferConsumed();
  }
  return consumed;
}

describe('credit-based flow control over TCP', () => {
  it('stalls the producer while the consumer holds its credit and resumes when it consumes', async () => {
    const managers = await startTaskManagers(['tm-a', 'tm-b']);
    const producer = managers.get('tm-a')!;
    const consumer = managers.get('tm-b')!;
    const dataSetId = IntermediateDataSetId.of(hashHex32('tcp-credit-flow'));
    const partitionId: ResultPartitionId = { dataSetId, producerSubtask: 0, producerAttempt: 0 };
    const buffersAtConsumer = (): number => consumer.inbound.filter((m) => m.type === 'buffer').length;

    const partition = producer.env.createResultPartition(partitionId, 1);
    const gate = consumer.env.createInputGate('task-b', [
      {
        dataSetId,
        inputIndex: 0,
        channels: [
          {
            partitionId,
            producerLocation: { taskManagerId: ResourceId.of('tm-a'), slotIndex: 0 },
            subpartitionIndex: 0,
          },
        ],
      },
    ]);

    // Phase 1: produce as fast as the partition allows while nobody consumes.
    let pushed = 0;
    const produce = (limit: number): void => {
      while (pushed < limit && partition.isAvailable()) partition.addBuffer(0, numberedBuffer(pushed++));
    };
    const inFlightLimit = EXCLUSIVE_BUFFERS + FLOATING_BUFFERS_PER_GATE;
    await waitFor(
      () => {
        produce(Infinity);
        return buffersAtConsumer() === inFlightLimit && !partition.isAvailable();
      },
      () => `the consumer to hold ${inFlightLimit} buffers (has ${buffersAtConsumer()}, pushed ${pushed})`,
    );

    // A round trip over the same connection proves no further buffer is on its way: the producer
    // answers this bogus request after anything it sent before.
    const probe = consumer.transport.connectionTo('tm-b/0', 'tm-a/0', { host: HOST, port: 1 });
    probe.send({
      type: 'partition-request',
      partitionId,
      subpartition: 99,
      receiverId: 'probe',
      initialCredit: 0,
      replyTo: 'tm-b/0',
    });
    await waitFor(
      () => consumer.inbound.some((m) => m.type === 'error-response' && m.receiverId === 'probe'),
      () => 'the probe answer',
    );
    expect(buffersAtConsumer()).toBe(inFlightLimit);
    expect(partition.isAvailable()).toBe(false);
    expect(partition.queuedBuffers()).toBe(pushed - inFlightLimit);
    expect(producer.transport.queuedFrames()).toBe(0);

    // Phase 2: the consumer processes what it holds; credit flows back and the producer resumes.
    const expectSeq = { next: 0 };
    expect(consumeAvailable(gate, expectSeq)).toBe(inFlightLimit);
    await waitFor(
      () => partition.isAvailable(),
      () => 'the producer to become available again',
    );

    // Phase 3: run to completion like a task would, then finish the partition.
    const TOTAL = 500;
    let ended = false;
    await waitFor(
      () => {
        consumeAvailable(gate, expectSeq);
        produce(TOTAL);
        if (pushed === TOTAL && !ended) {
          partition.broadcastEvent({ type: 'end-of-partition' });
          ended = true;
        }
        return gate.isFinished();
      },
      () => `the gate to finish (consumed ${expectSeq.next} of ${TOTAL}, pushed ${pushed})`,
    );
    expect(expectSeq.next).toBe(TOTAL);
    expect(producer.errors).toEqual([]);
    expect(consumer.errors).toEqual([]);
    expect(producer.transport.openConnections()).toBe(1);
  });
});
