/**
 * Structural checks for decoded control-plane bodies (see rpc-messages.ts): msgpack gives back
 * untyped maps, and a peer of another version or a stray client must not get past the decoder
 * with a half-formed message. Every failure is a MALFORMED_RPC_MESSAGE FreshetError naming the
 * field at fault.
 */
import { ErrorDomain, FreshetError } from '../errors/freshet-error.js';
import type { SerializedError } from '../errors/serialized-error.js';
import type { ExecutionAttemptId, JobId } from '../ids.js';
import { ExecutionState } from '../job-status.js';
import type { TaskExecutionStateUpdate, TaskIoMetrics, TaskMetricsReport } from './gateways.js';
import type { TaskDeploymentDescriptor } from './task-deployment.js';

export type Fields = Readonly<Record<string, unknown>>;

export function malformedRpcMessage(detail: string, cause?: unknown): FreshetError {
  return new FreshetError(
    'MALFORMED_RPC_MESSAGE',
    `malformed control-plane message: ${detail}; check that the peer is a Freshet JobManager/TaskManager of the same version`,
    { domain: ErrorDomain.external, ...(cause === undefined ? {} : { cause }) },
  );
}

export function record(value: unknown, at: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw malformedRpcMessage(`${at} must be a map`);
  }
  return value as Fields;
}

export function str(o: Fields, key: string, at: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw malformedRpcMessage(`${at}.${key} must be a string`);
  return value;
}

export function int(o: Fields, key: string, at: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformedRpcMessage(`${at}.${key} must be a non-negative integer`);
  }
  return value;
}

export function list(o: Fields, key: string, at: string): readonly unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw malformedRpcMessage(`${at}.${key} must be an array`);
  return value;
}

/** Checks the fields a TaskManager needs to place and name the task; the rest is plain data. */
export function readTaskDeploymentDescriptor(value: unknown, at: string): TaskDeploymentDescriptor {
  const o = record(value, at);
  const job = record(o['job'], `${at}.job`);
  for (const key of ['jobId', 'jobName', 'graphHash']) str(job, key, `${at}.job`);
  const kind = record(job['code'], `${at}.job.code`)['kind'];
  if (kind !== 'bundle' && kind !== 'in-process')
    throw malformedRpcMessage(`${at}.job.code.kind must be bundle or in-process`);
  int(job, 'defaultParallelism', `${at}.job`);
  record(job['configuration'], `${at}.job.configuration`);
  for (const key of ['vertexId', 'executionAttemptId', 'taskName']) str(o, key, at);
  for (const key of ['subtaskIndex', 'attemptNumber', 'parallelism', 'maxParallelism', 'slotIndex']) {
    int(o, key, at);
  }
  list(o, 'inputGates', at);
  list(o, 'producedPartitions', at);
  return o as unknown as TaskDeploymentDescriptor;
}

const EXECUTION_STATES: ReadonlySet<unknown> = new Set(Object.values(ExecutionState));
const ERROR_DOMAINS: ReadonlySet<unknown> = new Set(Object.values(ErrorDomain));

export function readTaskExecutionStateUpdate(value: unknown, at: string): TaskExecutionStateUpdate {
  const o = record(value, at);
  const state = o['state'];
  if (!EXECUTION_STATES.has(state)) throw malformedRpcMessage(`${at}.state must be an ExecutionState`);
  const base = {
    jobId: str(o, 'jobId', at) as JobId,
    executionAttemptId: str(o, 'executionAttemptId', at) as ExecutionAttemptId,
    state: state as ExecutionState,
  };
  return {
    ...base,
    ...(o['error'] === undefined ? {} : { error: readSerializedError(o['error'], `${at}.error`) }),
    ...(o['ioMetrics'] === undefined
      ? {}
      : { ioMetrics: readTaskIoMetrics(o['ioMetrics'], `${at}.ioMetrics`) }),
  };
}

export function readTaskIoMetrics(value: unknown, at: string): TaskIoMetrics {
  const o = record(value, at);
  return {
    recordsIn: int(o, 'recordsIn', at),
    recordsOut: int(o, 'recordsOut', at),
    bytesIn: int(o, 'bytesIn', at),
    bytesOut: int(o, 'bytesOut', at),
  };
}

export function readTaskMetricsReport(value: unknown, at: string): TaskMetricsReport {
  const o = record(value, at);
  return {
    jobId: str(o, 'jobId', at) as JobId,
    executionAttemptId: str(o, 'executionAttemptId', at) as ExecutionAttemptId,
    ...readTaskIoMetrics(o, at),
  };
}

export function readSerializedError(value: unknown, at: string, depth = 0): SerializedError {
  const o = record(value, at);
  if (!ERROR_DOMAINS.has(o['domain']))
    throw malformedRpcMessage(`${at}.domain must be user, external or internal`);
  if (typeof o['retryable'] !== 'boolean') throw malformedRpcMessage(`${at}.retryable must be a boolean`);
  const base = {
    name: str(o, 'name', at),
    message: str(o, 'message', at),
    code: str(o, 'code', at),
    domain: o['domain'] as ErrorDomain,
    retryable: o['retryable'],
  };
  const withStack = o['stack'] === undefined ? base : { ...base, stack: str(o, 'stack', at) };
  if (o['cause'] === undefined) return withStack;
  if (depth >= 16) throw malformedRpcMessage(`${at} nests causes too deeply`);
  return { ...withStack, cause: readSerializedError(o['cause'], `${at}.cause`, depth + 1) };
}
