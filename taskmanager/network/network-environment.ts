/**
 * The network stack of one slot: the result partitions its tasks produce, the input channels its
 * tasks consume through, and the dispatch of data-plane messages between them and other slots.
 * A partition request may arrive before its producer registered the partition (all tasks deploy
 * at once); it waits here until the partition appears.
 */
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import {
  resultPartitionKey,
  type InputGateDeploymentDescriptor,
  type ResultPartitionId,
  type TaskLocation,
} from '../../common/protocol/task-deployment.js';
import { EXCLUSIVE_BUFFERS, InputChannel } from './consumer/input-channel.js';
import { InputGate } from './consumer/input-gate.js';
import { ResultPartition } from './partition/result-partition.js';
import type { NetworkConnection } from './transport/network-connection.js';

export function locationKey(location: TaskLocation): string {
  return `${location.taskManagerId}/${location.slotIndex}`;
}

type PartitionRequest = Extract<NetworkMessage, { type: 'partition-request' }>;

export class NetworkEnvironment {
  private readonly partitions = new Map<string, ResultPartition>();
  private readonly pendingRequests = new Map<string, PartitionRequest[]>();
  private readonly receivers = new Map<string, InputChannel>();
  /** receiverId → the subpartition serving it. */
  private readonly views = new Map<string, { partition: ResultPartition; subpartition: number }>();

  constructor(
    readonly localLocation: string,
    private readonly connectionTo: (location: string) => NetworkConnection,
  ) {}

  createResultPartition(partitionId: ResultPartitionId, numberOfSubpartitions: number): ResultPartition {
    const key = resultPartitionKey(partitionId);
    if (this.partitions.has(key)) {
      throw new FreshetError(
        'DUPLICATE_PARTITION',
        `result partition ${key} is already registered in this slot`,
      );
    }
    const partition = new ResultPartition(partitionId, numberOfSubpartitions, () =>
      this.partitions.delete(key),
    );
    this.partitions.set(key, partition);
    const pending = this.pendingRequests.get(key);
    if (pending !== undefined) {
      this.pendingRequests.delete(key);
      for (const request of pending) this.serveRequest(partition, request);
    }
    return partition;
  }

  /** Builds the gate for one task input and requests every subpartition it reads. */
  createInputGate(receiverPrefix: string, descriptors: readonly InputGateDeploymentDescriptor[]): InputGate {
    const gate = new InputGate();
    descriptors.forEach((gd, gateIndex) => {
      gd.channels.forEach((cd, channelIndex) => {
        const receiverId = `${receiverPrefix}/${gateIndex}/${channelIndex}`;
        const channel = gate.addChannel(
          (listener, pool) => new InputChannel(gateIndex, channelIndex, cd, receiverId, listener, pool),
        );
        this.receivers.set(receiverId, channel);
        const producer = this.connectionTo(locationKey(cd.producerLocation));
        channel.setCreditSender((credit) => producer.send({ type: 'add-credit', receiverId, credit }));
      });
    });
    // Request only after every channel is registered: replies may arrive synchronously.
    for (const channel of gate.channels) {
      this.connectionTo(locationKey(channel.descriptor.producerLocation)).send({
        type: 'partition-request',
        partitionId: channel.descriptor.partitionId,
        subpartition: channel.descriptor.subpartitionIndex,
        receiverId: channel.receiverId,
        initialCredit: EXCLUSIVE_BUFFERS,
        replyTo: this.localLocation,
      });
    }
    return gate;
  }

  /** Forgets a task's channels (on finish or cancel); producers stop sending to them. */
  releaseInputGate(gate: InputGate): void {
    for (const channel of gate.channels) {
      this.receivers.delete(channel.receiverId);
      if (!channel.isFinished()) {
        this.connectionTo(locationKey(channel.descriptor.producerLocation)).send({
          type: 'cancel-request',
          receiverId: channel.receiverId,
        });
      }
    }
  }

  releasePartition(partitionId: ResultPartitionId): void {
    this.partitions.delete(resultPartitionKey(partitionId));
  }

  onMessage(message: NetworkMessage): void {
    switch (message.type) {
      case 'partition-request': {
        const key = resultPartitionKey(message.partitionId);
        const partition = this.partitions.get(key);
        if (partition === undefined) {
          const queue = this.pendingRequests.get(key) ?? [];
          queue.push(message);
          this.pendingRequests.set(key, queue);
        } else {
          this.serveRequest(partition, message);
        }
        return;
      }
      case 'add-credit': {
        const view = this.views.get(message.receiverId);
        view?.partition.subpartitions[view.subpartition]!.addCredit(message.credit);
        return;
      }
      case 'cancel-request': {
        const view = this.views.get(message.receiverId);
        view?.partition.subpartitions[view.subpartition]!.releaseView();
        this.views.delete(message.receiverId);
        return;
      }
      case 'buffer':
        this.receivers.get(message.receiverId)?.onBuffer(message.data, message.backlog);
        return;
      case 'event': {
        const receiver = this.receivers.get(message.receiverId);
        receiver?.onEvent(message.event, message.backlog);
        if (message.event.type === 'end-of-partition') this.receivers.delete(message.receiverId);
        return;
      }
      case 'error-response':
        this.receivers.get(message.receiverId)?.onError(message.message);
        return;
    }
  }

  private serveRequest(partition: ResultPartition, request: PartitionRequest): void {
    const subpartition = partition.subpartitions[request.subpartition];
    const reply = this.connectionTo(request.replyTo);
    if (subpartition === undefined) {
      reply.send({
        type: 'error-response',
        receiverId: request.receiverId,
        message: `partition ${resultPartitionKey(request.partitionId)} has no subpartition ${request.subpartition}`,
      });
      return;
    }
    this.views.set(request.receiverId, { partition, subpartition: request.subpartition });
    subpartition.attachView(reply, request.receiverId, request.initialCredit);
  }
}
