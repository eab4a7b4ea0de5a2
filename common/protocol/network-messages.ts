/**
 * The data-plane protocol between the network stacks of two slots (Flink's NettyMessage set):
 * partition requests and credit flow one way, buffers and events the other. The same messages go
 * over MessagePorts between slot workers and over TCP between TaskManagers.
 */
import type { ResultPartitionId } from './task-deployment.js';
import type { CancelCheckpointMarker, CheckpointBarrier } from './checkpoint-barrier.js';
import type { NetworkBuffer } from './record-batch-codec.js';

/** In-band control elements of a channel (besides record buffers). */
export type ChannelEvent =
  | { readonly type: 'end-of-partition' }
  /**
   * The producer's input ended and it flushed everything (Flink's EndOfData): the consumer ends its
   * input when every channel delivered it, while barriers still flow for the final checkpoint.
   */
  | { readonly type: 'end-of-data' }
  | { readonly type: 'watermark'; readonly timestamp: number }
  | { readonly type: 'watermark-status'; readonly status: 'IDLE' | 'ACTIVE' }
  | CheckpointBarrier
  | CancelCheckpointMarker;

export type NetworkMessage =
  | {
      readonly type: 'partition-request';
      readonly partitionId: ResultPartitionId;
      readonly subpartition: number;
      /** Unique per consumer channel; every reply names it. */
      readonly receiverId: string;
      readonly initialCredit: number;
      /** The consumer's location, so the producer can answer over the right connection. */
      readonly replyTo: string;
    }
  | { readonly type: 'add-credit'; readonly receiverId: string; readonly credit: number }
  | { readonly type: 'cancel-request'; readonly receiverId: string }
  | {
      readonly type: 'buffer';
      readonly receiverId: string;
      /** Bytes, except on a connection within one thread (see record-batch-codec). */
      readonly data: NetworkBuffer;
      readonly backlog: number;
    }
  | {
      readonly type: 'event';
      readonly receiverId: string;
      readonly event: ChannelEvent;
      readonly backlog: number;
    }
  | { readonly type: 'error-response'; readonly receiverId: string; readonly message: string };
