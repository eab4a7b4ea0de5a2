/**
 * The control-plane protocol between the JobManager's resource manager and TaskManagers (Flink's
 * RPC gateway calls, put on a WebSocket). One binary ws frame carries one message:
 *
 *   [magic 0x46 0x52 ('FR')][version u8][type id u8][body length u32 BE][body: msgpack map]
 *
 * The body is the message without its `type` (which the header's type id names). Control fields
 * are plain msgpack; the user payload of `client-data` is nested as bytes packed the way the data
 * plane packs records, so it keeps the same value fidelity as records on network channels.
 */
import { Packr } from 'msgpackr';
import { ErrorDomain, FreshetError, assertNever } from '../errors/freshet-error.js';
import type { SerializedError } from '../errors/serialized-error.js';
import type { ExecutionAttemptId, JobId, ResourceId } from '../ids.js';
import { validateCheckpointRpcMessage, type CheckpointRpcMessage } from './checkpoint-rpc-messages.js';
import {
  validateOperatorEventRpcMessage,
  type OperatorEventRpcMessage,
} from './operator-event-rpc-messages.js';
import type { TaskExecutionStateUpdate, TaskMetricsReport } from './gateways.js';
import {
  int,
  list,
  malformedRpcMessage,
  readSerializedError,
  readTaskDeploymentDescriptor,
  readTaskMetricsReport,
  readTaskExecutionStateUpdate,
  record,
  str,
  type Fields,
} from './rpc-message-validation.js';
import type { TaskDeploymentDescriptor } from './task-deployment.js';

/** Which job holds each slot of a TaskManager (null: free). */
export interface SlotStatus {
  readonly slotIndex: number;
  readonly jobId: JobId | null;
}
export interface SlotReport {
  readonly slots: readonly SlotStatus[];
}

/** TM → JM: the first message on a connection. */
export interface RegisterTaskManager {
  readonly type: 'register-task-manager';
  readonly requestId: number;
  readonly resourceId: ResourceId;
  readonly host: string;
  readonly dataPort: number;
  readonly numberOfSlots: number;
}
export interface RegistrationAck {
  readonly type: 'registration-ack';
  readonly requestId: number;
}
export interface RegistrationRejected {
  readonly type: 'registration-rejected';
  readonly requestId: number;
  readonly reason: string;
}
/** Either direction; the answer echoes the requestId. */
export interface HeartbeatRequest {
  readonly type: 'heartbeat-request';
  readonly requestId: number;
}
export interface HeartbeatResponse {
  readonly type: 'heartbeat-response';
  readonly requestId: number;
  /** Set when a TaskManager answers. */
  readonly slotReport?: SlotReport;
  /** Set when a TaskManager answers: the I/O counters of its running subtasks. */
  readonly taskMetrics?: readonly TaskMetricsReport[];
}
export interface SubmitTask {
  readonly type: 'submit-task';
  readonly requestId: number;
  readonly tdd: TaskDeploymentDescriptor;
}
export interface CancelTask {
  readonly type: 'cancel-task';
  readonly requestId: number;
  readonly executionAttemptId: ExecutionAttemptId;
}
export interface ReleaseJob {
  readonly type: 'release-job';
  readonly requestId: number;
  readonly jobId: JobId;
}
export interface Ack {
  readonly type: 'ack';
  readonly requestId: number;
}
export interface Failure {
  readonly type: 'failure';
  readonly requestId: number;
  readonly error: SerializedError;
}
/** TM → JM. */
export interface TaskState {
  readonly type: 'task-state';
  readonly update: TaskExecutionStateUpdate;
}
/** TM → JM: data a collect sink sends to the job's client. */
export interface ClientData {
  readonly type: 'client-data';
  readonly jobId: JobId;
  readonly operatorId: string;
  readonly payload: unknown;
}

/** TM → JM: asks for a stored job bundle (Flink's BlobServer download). */
export interface FetchBundle {
  readonly type: 'fetch-bundle';
  readonly requestId: number;
  readonly bundleId: string;
}
/** JM → TM: the answer to `fetch-bundle` (a `failure` when the bundle is unknown). */
export interface BundleBytes {
  readonly type: 'bundle-bytes';
  readonly requestId: number;
  readonly bytes: Uint8Array;
}

export type RpcMessage =
  | RegisterTaskManager
  | RegistrationAck
  | RegistrationRejected
  | HeartbeatRequest
  | HeartbeatResponse
  | SubmitTask
  | CancelTask
  | ReleaseJob
  | Ack
  | Failure
  | TaskState
  | ClientData
  | FetchBundle
  | BundleBytes
  | CheckpointRpcMessage
  | OperatorEventRpcMessage;
export type RpcMessageType = RpcMessage['type'];

/** The one table of wire type IDs. Never renumber: add new types at the end. */
export const RPC_MESSAGE_TYPE_IDS = {
  'register-task-manager': 1,
  'registration-ack': 2,
  'registration-rejected': 3,
  'heartbeat-request': 4,
  'heartbeat-response': 5,
  'submit-task': 6,
  'cancel-task': 7,
  'release-job': 8,
  ack: 9,
  failure: 10,
  'task-state': 11,
  'client-data': 12,
  'fetch-bundle': 13,
  'bundle-bytes': 14,
  'trigger-checkpoint': 15,
  'notify-checkpoint-complete': 16,
  'notify-checkpoint-aborted': 17,
  'acknowledge-checkpoint': 18,
  'decline-checkpoint': 19,
  'operator-event-to-task': 20,
  'operator-event-to-coordinator': 21,
} as const satisfies Record<RpcMessageType, number>;

const TYPES_BY_ID = new Map<number, RpcMessageType>(
  Object.entries(RPC_MESSAGE_TYPE_IDS).map(([type, id]) => [id, type as RpcMessageType]),
);

export const RPC_MAGIC = 0x4652;
export const RPC_PROTOCOL_VERSION = 1;
export const RPC_HEADER_BYTES = 8;

const controlPackr = new Packr({ useRecords: false, mapsAsObjects: true });
/** The same settings as the data plane's record batches. */
const payloadPackr = new Packr({ useRecords: true, moreTypes: true });

export function encodeRpcMessage(message: RpcMessage): Buffer {
  const { type, ...fields } = message;
  const body: Record<string, unknown> =
    message.type === 'client-data'
      ? { ...fields, payload: payloadPackr.pack(message.payload) }
      : message.type === 'operator-event-to-task' || message.type === 'operator-event-to-coordinator'
        ? { ...fields, event: payloadPackr.pack(message.event) }
        : fields;
  const packed = controlPackr.pack(body);
  const frame = Buffer.allocUnsafe(RPC_HEADER_BYTES + packed.length);
  frame.writeUInt16BE(RPC_MAGIC, 0);
  frame.writeUInt8(RPC_PROTOCOL_VERSION, 2);
  frame.writeUInt8(RPC_MESSAGE_TYPE_IDS[type], 3);
  frame.writeUInt32BE(packed.length, 4);
  packed.copy(frame, RPC_HEADER_BYTES);
  return frame;
}

/** What a ws 'message' event hands over (`RawData`), without depending on ws here. */
export type RpcFrame = Uint8Array | ArrayBuffer | readonly Uint8Array[];

/** Decodes and validates one frame; anything else than a well-formed message is a FreshetError. */
export function decodeRpcMessage(data: RpcFrame): RpcMessage {
  const frame =
    data instanceof Uint8Array
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : new Uint8Array(data as ArrayBuffer);
  if (frame.length < RPC_HEADER_BYTES) {
    throw malformedRpcMessage(
      `frame of ${frame.length} bytes is shorter than the ${RPC_HEADER_BYTES}-byte header`,
    );
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const magic = view.getUint16(0);
  if (magic !== RPC_MAGIC) throw malformedRpcMessage(`bad magic 0x${magic.toString(16).padStart(4, '0')}`);
  const version = view.getUint8(2);
  if (version !== RPC_PROTOCOL_VERSION) {
    throw malformedRpcMessage(
      `protocol version ${version} is not supported (this side speaks ${RPC_PROTOCOL_VERSION})`,
    );
  }
  const typeId = view.getUint8(3);
  const type = TYPES_BY_ID.get(typeId);
  if (type === undefined) throw malformedRpcMessage(`unknown message type id ${typeId}`);
  const length = view.getUint32(4);
  if (length !== frame.length - RPC_HEADER_BYTES) {
    throw malformedRpcMessage(
      `${type} header says ${length} body bytes but the frame has ${frame.length - RPC_HEADER_BYTES}`,
    );
  }
  let body: unknown;
  try {
    body = controlPackr.unpack(frame.subarray(RPC_HEADER_BYTES));
  } catch (error) {
    throw malformedRpcMessage(`${type} body is not valid msgpack`, error);
  }
  return validate(type, record(body, type));
}

function validate(type: RpcMessageType, o: Fields): RpcMessage {
  switch (type) {
    case 'register-task-manager':
      return {
        type,
        requestId: int(o, 'requestId', type),
        resourceId: str(o, 'resourceId', type) as ResourceId,
        host: str(o, 'host', type),
        dataPort: int(o, 'dataPort', type),
        numberOfSlots: int(o, 'numberOfSlots', type),
      };
    case 'registration-ack':
    case 'heartbeat-request':
    case 'ack':
      return { type, requestId: int(o, 'requestId', type) };
    case 'registration-rejected':
      return { type, requestId: int(o, 'requestId', type), reason: str(o, 'reason', type) };
    case 'heartbeat-response': {
      const requestId = int(o, 'requestId', type);
      return {
        type,
        requestId,
        ...(o['slotReport'] === undefined
          ? {}
          : { slotReport: slotReport(o['slotReport'], `${type}.slotReport`) }),
        ...(o['taskMetrics'] === undefined
          ? {}
          : {
              taskMetrics: list(o, 'taskMetrics', type).map((item, i) =>
                readTaskMetricsReport(item, `${type}.taskMetrics[${i}]`),
              ),
            }),
      };
    }
    case 'fetch-bundle':
      return { type, requestId: int(o, 'requestId', type), bundleId: str(o, 'bundleId', type) };
    case 'bundle-bytes': {
      const bytes = o['bytes'];
      if (!(bytes instanceof Uint8Array)) throw malformedRpcMessage(`${type}.bytes must be bytes`);
      const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { type, requestId: int(o, 'requestId', type), bytes: plain };
    }
    case 'submit-task':
      return {
        type,
        requestId: int(o, 'requestId', type),
        tdd: readTaskDeploymentDescriptor(o['tdd'], `${type}.tdd`),
      };
    case 'cancel-task':
      return {
        type,
        requestId: int(o, 'requestId', type),
        executionAttemptId: str(o, 'executionAttemptId', type) as ExecutionAttemptId,
      };
    case 'release-job':
      return { type, requestId: int(o, 'requestId', type), jobId: str(o, 'jobId', type) as JobId };
    case 'failure':
      return {
        type,
        requestId: int(o, 'requestId', type),
        error: readSerializedError(o['error'], `${type}.error`),
      };
    case 'task-state':
      return { type, update: readTaskExecutionStateUpdate(o['update'], `${type}.update`) };
    case 'client-data': {
      const bytes = o['payload'];
      if (!(bytes instanceof Uint8Array)) throw malformedRpcMessage(`${type}.payload must be bytes`);
      let payload: unknown;
      try {
        payload = payloadPackr.unpack(bytes);
      } catch (error) {
        throw malformedRpcMessage(`${type}.payload is not valid msgpack`, error);
      }
      return { type, jobId: str(o, 'jobId', type) as JobId, operatorId: str(o, 'operatorId', type), payload };
    }
    case 'trigger-checkpoint':
    case 'notify-checkpoint-complete':
    case 'notify-checkpoint-aborted':
    case 'acknowledge-checkpoint':
    case 'decline-checkpoint':
      return validateCheckpointRpcMessage(type, o);
    case 'operator-event-to-task':
    case 'operator-event-to-coordinator':
      return validateOperatorEventRpcMessage(type, o, (bytes) => payloadPackr.unpack(bytes));
    default:
      return assertNever(type, 'RPC message type');
  }
}

/** A well-formed message that the receiving side does not accept in its current state. */
export function unexpectedRpcMessage(type: RpcMessageType, when: string): FreshetError {
  return new FreshetError('UNEXPECTED_RPC_MESSAGE', `unexpected '${type}' message ${when}`, {
    domain: ErrorDomain.external,
  });
}

function slotReport(value: unknown, at: string): SlotReport {
  const slots = list(record(value, at), 'slots', at).map((item, i): SlotStatus => {
    const slot = record(item, `${at}.slots[${i}]`);
    const jobId = slot['jobId'];
    if (jobId !== null && typeof jobId !== 'string')
      throw malformedRpcMessage(`${at}.slots[${i}].jobId must be a string or nil`);
    return { slotIndex: int(slot, 'slotIndex', `${at}.slots[${i}]`), jobId: jobId as JobId | null };
  });
  return { slots };
}
