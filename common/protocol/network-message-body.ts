/**
 * The body of each data-plane message inside a frame (after the `from`/`to` locations). Buffers
 * and credit, the hot path, are laid out by hand (a buffer's payload is the raw tail of the
 * frame); the rarer control messages are msgpack tuples, validated field by field on decode.
 */
import { assertNever } from '../errors/freshet-error.js';
import { IntermediateDataSetId } from '../ids.js';
import {
  type FrameReader,
  type FrameWriter,
  expectInteger,
  expectNumber,
  expectString,
  expectTuple,
  malformedFrame,
} from './network-frame-bytes.js';
import type { ChannelEvent, NetworkMessage } from './network-messages.js';
import { bufferBytes } from './record-batch-codec.js';

/** Writes the message's fields; returns the bytes to append untouched after them, if any. */
export function writeMessageBody(writer: FrameWriter, message: NetworkMessage): Uint8Array | undefined {
  switch (message.type) {
    case 'partition-request':
      writer.msgpack([
        message.partitionId.dataSetId,
        message.partitionId.producerSubtask,
        message.partitionId.producerAttempt,
        message.subpartition,
        message.receiverId,
        message.initialCredit,
        message.replyTo,
      ]);
      return undefined;
    case 'add-credit':
      writer.str(message.receiverId, 'receiverId').u32(message.credit, 'credit');
      return undefined;
    case 'cancel-request':
      writer.str(message.receiverId, 'receiverId');
      return undefined;
    case 'buffer':
      writer.str(message.receiverId, 'receiverId').u32(message.backlog, 'backlog');
      return bufferBytes(message.data);
    case 'event':
      writer.msgpack([message.receiverId, message.backlog, message.event]);
      return undefined;
    case 'error-response':
      writer.msgpack([message.receiverId, message.message]);
      return undefined;
    default:
      return assertNever(message, 'network message');
  }
}

export function readMessageBody(type: NetworkMessage['type'], reader: FrameReader): NetworkMessage {
  switch (type) {
    case 'partition-request': {
      const t = expectTuple(reader.msgpack(type), 7, type);
      return {
        type,
        partitionId: {
          dataSetId: dataSetIdOf(t[0]),
          producerSubtask: expectInteger(t[1], 'producerSubtask'),
          producerAttempt: expectInteger(t[2], 'producerAttempt'),
        },
        subpartition: expectInteger(t[3], 'subpartition'),
        receiverId: expectString(t[4], 'receiverId'),
        initialCredit: expectInteger(t[5], 'initialCredit'),
        replyTo: expectString(t[6], 'replyTo'),
      };
    }
    case 'add-credit': {
      const receiverId = reader.str('receiverId');
      const credit = reader.u32('credit');
      reader.end(type);
      return { type, receiverId, credit };
    }
    case 'cancel-request': {
      const receiverId = reader.str('receiverId');
      reader.end(type);
      return { type, receiverId };
    }
    case 'buffer': {
      const receiverId = reader.str('receiverId');
      const backlog = reader.u32('backlog');
      return { type, receiverId, backlog, data: reader.rest() };
    }
    case 'event': {
      const t = expectTuple(reader.msgpack(type), 3, type);
      return {
        type,
        receiverId: expectString(t[0], 'receiverId'),
        backlog: expectInteger(t[1], 'backlog'),
        event: channelEventOf(t[2]),
      };
    }
    case 'error-response': {
      const t = expectTuple(reader.msgpack(type), 2, type);
      return { type, receiverId: expectString(t[0], 'receiverId'), message: expectString(t[1], 'message') };
    }
    default:
      return assertNever(type, 'frame type');
  }
}

function dataSetIdOf(value: unknown): IntermediateDataSetId {
  try {
    return IntermediateDataSetId.of(expectString(value, 'dataSetId'));
  } catch (error) {
    throw malformedFrame('dataSetId is not a valid intermediate data set ID', error);
  }
}

function channelEventOf(value: unknown): ChannelEvent {
  if (typeof value !== 'object' || value === null) throw malformedFrame('event must be a map');
  const event = value as Record<string, unknown>;
  switch (event['type']) {
    case 'end-of-partition':
      return { type: 'end-of-partition' };
    case 'end-of-data':
      return { type: 'end-of-data' };
    case 'watermark':
      return { type: 'watermark', timestamp: expectNumber(event['timestamp'], 'watermark timestamp') };
    case 'watermark-status': {
      const status = event['status'];
      if (status !== 'IDLE' && status !== 'ACTIVE') {
        throw malformedFrame('watermark status must be IDLE or ACTIVE');
      }
      return { type: 'watermark-status', status };
    }
    case 'checkpoint-barrier': {
      const options = event['options'];
      if (typeof options !== 'object' || options === null)
        throw malformedFrame('barrier options must be a map');
      const { checkpointType, alignment, targetLocation } = options as Record<string, unknown>;
      if (checkpointType !== 'checkpoint' && checkpointType !== 'savepoint') {
        throw malformedFrame('barrier checkpoint type must be checkpoint or savepoint');
      }
      if (alignment !== 'aligned' && alignment !== 'unaligned' && alignment !== 'at-least-once') {
        throw malformedFrame('barrier alignment must be aligned, unaligned or at-least-once');
      }
      if (typeof targetLocation !== 'string')
        throw malformedFrame('barrier target location must be a string');
      return {
        type: 'checkpoint-barrier',
        checkpointId: expectInteger(event['checkpointId'], 'checkpointId'),
        timestamp: expectNumber(event['timestamp'], 'barrier timestamp'),
        options: { checkpointType, alignment, targetLocation },
      };
    }
    case 'cancel-barrier':
      return { type: 'cancel-barrier', checkpointId: expectInteger(event['checkpointId'], 'checkpointId') };
    default:
      throw malformedFrame(`unknown channel event type ${JSON.stringify(event['type'])}`);
  }
}
