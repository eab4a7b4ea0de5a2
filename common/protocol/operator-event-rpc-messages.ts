/**
 * The operator-event calls of the control plane (Flink's TaskExecutorGateway.sendOperatorEventToTask
 * and JobMasterOperatorEventGateway.sendOperatorEventToCoordinator) as RPC messages, with their
 * validation. Part of rpc-messages.ts's union. The event travels as bytes packed the way the data
 * plane packs records (it holds the connector's splits), and is checked once unpacked.
 */
import type { ExecutionAttemptId, JobId } from '../ids.js';
import {
  readSourceCoordinatorEvent,
  readSourceReaderEvent,
  type SourceCoordinatorEvent,
  type SourceReaderEvent,
} from './operator-events.js';
import { int, malformedRpcMessage, str, type Fields } from './rpc-message-validation.js';

/** JM → TM: an event of an operator's coordinator for one running subtask (answered with ack/failure). */
export interface OperatorEventToTask {
  readonly type: 'operator-event-to-task';
  readonly requestId: number;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly operatorId: string;
  readonly event: SourceCoordinatorEvent;
}
/** TM → JM: an event of a subtask for its operator's coordinator. */
export interface OperatorEventToCoordinator {
  readonly type: 'operator-event-to-coordinator';
  readonly jobId: JobId;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly operatorId: string;
  readonly event: SourceReaderEvent;
}

export type OperatorEventRpcMessage = OperatorEventToTask | OperatorEventToCoordinator;

/** `event` as it was packed by the sender; `unpack` is the record packer's. */
export function validateOperatorEventRpcMessage(
  type: OperatorEventRpcMessage['type'],
  o: Fields,
  unpack: (bytes: Uint8Array) => unknown,
): OperatorEventRpcMessage {
  const bytes = o['event'];
  if (!(bytes instanceof Uint8Array)) throw malformedRpcMessage(`${type}.event must be bytes`);
  let event: unknown;
  try {
    event = unpack(bytes);
  } catch (error) {
    throw malformedRpcMessage(`${type}.event is not valid msgpack`, error);
  }
  const executionAttemptId = str(o, 'executionAttemptId', type) as ExecutionAttemptId;
  const operatorId = str(o, 'operatorId', type);
  switch (type) {
    case 'operator-event-to-task':
      return {
        type,
        requestId: int(o, 'requestId', type),
        executionAttemptId,
        operatorId,
        event: readSourceCoordinatorEvent(event, `${type}.event`),
      };
    case 'operator-event-to-coordinator':
      return {
        type,
        jobId: str(o, 'jobId', type) as JobId,
        executionAttemptId,
        operatorId,
        event: readSourceReaderEvent(event, `${type}.event`),
      };
  }
}
