/**
 * Flink's JSON of the savepoint endpoints: TriggerResponse (`POST /jobs/:jobid/savepoints`,
 * `POST /savepoint-disposal`), AsynchronousOperationResult<SavepointInfo>
 * (`GET …/savepoints/:triggerid`) and AsynchronousOperationResult<AsynchronousOperationInfo>
 * (`GET /savepoint-disposal/:triggerid`). As in Flink, an operation in progress has
 * `"operation": null`; SavepointInfo leaves out whichever of `location` and `failure-cause` does
 * not apply (it is `@JsonInclude(NON_NULL)`), AsynchronousOperationInfo writes a `null` cause.
 */
import { serializeError } from '../../common/errors/serialized-error.js';
import type { OperationResult } from './completed-operation-cache.js';
import { stackTraceWithCauses } from './stack-trace.js';
import type { TriggerId } from './trigger-id.js';

export interface TriggerResponseJson {
  readonly 'request-id': TriggerId;
}

/**
 * Flink's SerializedThrowableSerializer writes the class name, the stack trace and the throwable
 * itself; Freshet's "serialized throwable" is the base64 of the error's JSON SerializedError form,
 * which `deserializeError` turns back into the same class.
 */
export interface SerializedThrowableJson {
  readonly class: string;
  readonly 'stack-trace': string;
  readonly 'serialized-throwable': string;
}

export type SavepointInfoJson =
  { readonly location: string } | { readonly 'failure-cause': SerializedThrowableJson };

/** Flink's AsynchronousOperationInfo: the outcome of an operation that has no result but success. */
export interface AsynchronousOperationInfoJson {
  readonly 'failure-cause': SerializedThrowableJson | null;
}

export interface AsynchronousOperationResultJson<T> {
  readonly status: { readonly id: 'IN_PROGRESS' | 'COMPLETED' };
  readonly operation: T | null;
}

export function triggerResponseJson(triggerId: TriggerId): TriggerResponseJson {
  return { 'request-id': triggerId };
}

export function serializedThrowableJson(error: Error): SerializedThrowableJson {
  return {
    class: error.name || error.constructor.name,
    'stack-trace': stackTraceWithCauses(error),
    'serialized-throwable': Buffer.from(JSON.stringify(serializeError(error)), 'utf8').toString('base64'),
  };
}

export function savepointOperationResultJson(
  result: OperationResult<string>,
): AsynchronousOperationResultJson<SavepointInfoJson> {
  switch (result.status) {
    case 'in-progress':
      return { status: { id: 'IN_PROGRESS' }, operation: null };
    case 'completed':
      return { status: { id: 'COMPLETED' }, operation: { location: result.value } };
    case 'failed':
      return {
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': serializedThrowableJson(result.error) },
      };
  }
}

export function savepointDisposalOperationResultJson(
  result: OperationResult<void>,
): AsynchronousOperationResultJson<AsynchronousOperationInfoJson> {
  switch (result.status) {
    case 'in-progress':
      return { status: { id: 'IN_PROGRESS' }, operation: null };
    case 'completed':
      return { status: { id: 'COMPLETED' }, operation: { 'failure-cause': null } };
    case 'failed':
      return {
        status: { id: 'COMPLETED' },
        operation: { 'failure-cause': serializedThrowableJson(result.error) },
      };
  }
}
