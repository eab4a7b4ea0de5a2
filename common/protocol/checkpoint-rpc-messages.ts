/**
 * The checkpoint calls of the control plane (Flink's TaskExecutorGateway.triggerCheckpoint /
 * confirmCheckpoint / abortCheckpoint and CheckpointCoordinatorGateway.acknowledgeCheckpoint /
 * declineCheckpoint) as RPC messages, with their validation. Part of rpc-messages.ts's union.
 *
 * A trigger may carry a `stopMode` (TriggerCheckpointOptions): the savepoint of stop-with-savepoint
 * (Flink's synchronous SavepointType SUSPEND / TERMINATE). Only the source tasks read it; the
 * barriers they emit carry the plain CheckpointOptions.
 */
import type { TaskStateSnapshot } from '../checkpoint/task-state-snapshot.js';
import type { SerializedError } from '../errors/serialized-error.js';
import type { ExecutionAttemptId, JobId } from '../ids.js';
import type { CheckpointOptions } from './checkpoint-barrier.js';
import {
  int,
  malformedRpcMessage,
  readSerializedError,
  record,
  str,
  type Fields,
} from './rpc-message-validation.js';

/**
 * How a source stops after the synchronous savepoint of stop-with-savepoint (Flink's StopMode):
 * `drain` first emits MAX_WATERMARK and ends its input (every window and timer fires, the job
 * finishes with all output committed), `no-drain` emits the barrier and stops emitting (pending
 * windows stay in the savepoint, for the job to resume from).
 */
export const StopMode = { DRAIN: 'drain', NO_DRAIN: 'no-drain' } as const;
export type StopMode = (typeof StopMode)[keyof typeof StopMode];

/** The options of a trigger: the barrier's, plus the stop mode of a stop-with-savepoint. */
export interface TriggerCheckpointOptions extends CheckpointOptions {
  readonly stopMode?: StopMode;
}

/** The stop mode a trigger's options carry (undefined: a checkpoint or savepoint the job survives). */
export function stopModeOf(options: CheckpointOptions): StopMode | undefined {
  return (options as TriggerCheckpointOptions).stopMode;
}

/** JM → TM: a source task snapshots and emits barrier `checkpointId` (answered with ack/failure). */
export interface TriggerCheckpoint {
  readonly type: 'trigger-checkpoint';
  readonly requestId: number;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly options: TriggerCheckpointOptions;
}
/**
 * JM → TM: the checkpoint completed (sinks commit); `final`: the tasks may finish now (every task's
 * input had ended, or it was the savepoint of stop-with-savepoint).
 */
export interface NotifyCheckpointComplete {
  readonly type: 'notify-checkpoint-complete';
  readonly requestId: number;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly final?: boolean;
}
/** JM → TM: the checkpoint was aborted. */
export interface NotifyCheckpointAborted {
  readonly type: 'notify-checkpoint-aborted';
  readonly requestId: number;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly checkpointId: number;
  readonly timestamp: number;
}
/** TM → JM: the task's state for the checkpoint is written. */
export interface AcknowledgeCheckpoint {
  readonly type: 'acknowledge-checkpoint';
  readonly jobId: JobId;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly checkpointId: number;
  /** Absent for a task without state. */
  readonly state?: TaskStateSnapshot;
}
/** TM → JM: the task cannot take the checkpoint. */
export interface DeclineCheckpoint {
  readonly type: 'decline-checkpoint';
  readonly jobId: JobId;
  readonly executionAttemptId: ExecutionAttemptId;
  readonly checkpointId: number;
  /** A CheckpointFailureReason name (e.g. CHECKPOINT_DECLINED, IO_EXCEPTION). */
  readonly reason: string;
  readonly error?: SerializedError;
}

export type CheckpointRpcMessage =
  | TriggerCheckpoint
  | NotifyCheckpointComplete
  | NotifyCheckpointAborted
  | AcknowledgeCheckpoint
  | DeclineCheckpoint;

const ALIGNMENTS: ReadonlySet<unknown> = new Set(['aligned', 'unaligned', 'at-least-once']);

const STOP_MODES: ReadonlySet<unknown> = new Set(Object.values(StopMode));

function readOptions(value: unknown, at: string): TriggerCheckpointOptions {
  const o = record(value, at);
  const checkpointType = o['checkpointType'];
  if (checkpointType !== 'checkpoint' && checkpointType !== 'savepoint')
    throw malformedRpcMessage(`${at}.checkpointType must be checkpoint or savepoint`);
  if (!ALIGNMENTS.has(o['alignment']))
    throw malformedRpcMessage(`${at}.alignment must be aligned, unaligned or at-least-once`);
  const stopMode = o['stopMode'] ?? undefined;
  if (stopMode !== undefined && !STOP_MODES.has(stopMode))
    throw malformedRpcMessage(`${at}.stopMode must be drain or no-drain`);
  if (stopMode !== undefined && checkpointType !== 'savepoint')
    throw malformedRpcMessage(`${at}.stopMode is only allowed for a savepoint`);
  return {
    checkpointType,
    alignment: o['alignment'] as CheckpointOptions['alignment'],
    targetLocation: str(o, 'targetLocation', at),
    ...(stopMode === undefined ? {} : { stopMode: stopMode as StopMode }),
  };
}

function readHandle(value: unknown, at: string): void {
  const o = record(value, at);
  str(o, 'path', at);
  int(o, 'size', at);
}

/** Checks the handles the coordinator reads (paths and sizes); the rest is plain data. */
function readTaskState(value: unknown, at: string): TaskStateSnapshot {
  const o = record(value, at);
  const byOperator = record(o['subtaskStateByOperatorId'], `${at}.subtaskStateByOperatorId`);
  for (const [operatorId, state] of Object.entries(byOperator)) {
    const where = `${at}.subtaskStateByOperatorId.${operatorId}`;
    const s = record(state, where);
    const keyed = s['keyedState'];
    if (keyed !== undefined) {
      if (!Array.isArray(keyed)) throw malformedRpcMessage(`${where}.keyedState must be an array`);
      keyed.forEach((handle, i) => readHandle(handle, `${where}.keyedState[${i}]`));
    }
    if (s['operatorState'] !== undefined) {
      const lists = record(record(s['operatorState'], `${where}.operatorState`)['listStates'], where);
      for (const [name, meta] of Object.entries(lists)) {
        const handles = record(meta, `${where}.${name}`)['handles'];
        if (!Array.isArray(handles)) throw malformedRpcMessage(`${where}.${name}.handles must be an array`);
        handles.forEach((handle, i) => readHandle(handle, `${where}.${name}.handles[${i}]`));
      }
    }
  }
  return o as unknown as TaskStateSnapshot;
}

export function validateCheckpointRpcMessage(
  type: CheckpointRpcMessage['type'],
  o: Fields,
): CheckpointRpcMessage {
  const executionAttemptId = str(o, 'executionAttemptId', type) as ExecutionAttemptId;
  const checkpointId = int(o, 'checkpointId', type);
  /** The fields of the JobManager's calls: answered by request ID, stamped with the trigger time. */
  const call = (): {
    requestId: number;
    executionAttemptId: ExecutionAttemptId;
    checkpointId: number;
    timestamp: number;
  } => ({
    requestId: int(o, 'requestId', type),
    executionAttemptId,
    checkpointId,
    timestamp: int(o, 'timestamp', type),
  });
  switch (type) {
    case 'trigger-checkpoint':
      return { type, ...call(), options: readOptions(o['options'], `${type}.options`) };
    case 'notify-checkpoint-complete':
      return { type, ...call(), ...(o['final'] === true ? { final: true } : {}) };
    case 'notify-checkpoint-aborted':
      return { type, ...call() };
    case 'acknowledge-checkpoint':
      return {
        type,
        jobId: str(o, 'jobId', type) as JobId,
        executionAttemptId,
        checkpointId,
        ...(o['state'] === undefined || o['state'] === null
          ? {}
          : { state: readTaskState(o['state'], `${type}.state`) }),
      };
    case 'decline-checkpoint':
      return {
        type,
        jobId: str(o, 'jobId', type) as JobId,
        executionAttemptId,
        checkpointId,
        reason: str(o, 'reason', type),
        ...(o['error'] === undefined || o['error'] === null
          ? {}
          : { error: readSerializedError(o['error'], `${type}.error`) }),
      };
  }
}
