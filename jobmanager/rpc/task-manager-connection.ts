/**
 * The JobManager's side of one TaskManager's control-plane connection, and the
 * `TaskExecutorGateway` the scheduler calls it through: each call is a request that settles when
 * the TaskManager answers `ack`/`failure`, or fails when the connection goes away first.
 */
import type { WebSocket } from 'ws';
import { ErrorDomain, FreshetError, toError } from '../../common/errors/freshet-error.js';
import type { CheckpointOptions } from '../../common/protocol/checkpoint-barrier.js';
import type { ExecutionAttemptId, JobId, ResourceId } from '../../common/ids.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import {
  encodeRpcMessage,
  unexpectedRpcMessage,
  type RpcMessage,
} from '../../common/protocol/rpc-messages.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';

interface PendingRequest {
  readonly what: string;
  readonly resolve: () => void;
  readonly reject: (error: FreshetError) => void;
}

export class TaskManagerConnection implements TaskExecutorGateway {
  /** Set once the TaskManager registered on this connection. */
  resourceId: ResourceId | undefined;
  /** Why this side closed the connection, if it did (reported instead of the bare close code). */
  closeCause: FreshetError | undefined;
  private failure: FreshetError | undefined;
  private readonly pending = new Map<number, PendingRequest>();
  private nextRequestId = 1;

  constructor(
    readonly ws: WebSocket,
    readonly remoteAddress: string,
  ) {}

  describe(): string {
    return `${this.resourceId ?? 'unregistered'} (${this.remoteAddress})`;
  }

  /** Requests sent and not answered yet. */
  get pendingRequests(): number {
    return this.pending.size;
  }

  submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    return this.request(`deploy ${tdd.taskName}`, (requestId) => ({ type: 'submit-task', requestId, tdd }));
  }

  cancelTask(executionAttemptId: ExecutionAttemptId): Promise<void> {
    return this.request(`cancel attempt ${executionAttemptId}`, (requestId) => ({
      type: 'cancel-task',
      requestId,
      executionAttemptId,
    }));
  }

  releaseJob(jobId: JobId): Promise<void> {
    return this.request(`release job ${jobId}`, (requestId) => ({ type: 'release-job', requestId, jobId }));
  }

  triggerCheckpoint(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    options: CheckpointOptions,
  ): Promise<void> {
    return this.request(`trigger checkpoint ${checkpointId} of ${executionAttemptId}`, (requestId) => ({
      type: 'trigger-checkpoint',
      requestId,
      executionAttemptId,
      checkpointId,
      timestamp,
      options,
    }));
  }

  notifyCheckpointComplete(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
    final?: boolean,
  ): Promise<void> {
    return this.request(`confirm checkpoint ${checkpointId} to ${executionAttemptId}`, (requestId) => ({
      type: 'notify-checkpoint-complete',
      requestId,
      executionAttemptId,
      checkpointId,
      timestamp,
      ...(final === true ? { final } : {}),
    }));
  }

  notifyCheckpointAborted(
    executionAttemptId: ExecutionAttemptId,
    checkpointId: number,
    timestamp: number,
  ): Promise<void> {
    return this.request(`abort checkpoint ${checkpointId} of ${executionAttemptId}`, (requestId) => ({
      type: 'notify-checkpoint-aborted',
      requestId,
      executionAttemptId,
      checkpointId,
      timestamp,
    }));
  }

  sendOperatorEventToTask(
    executionAttemptId: ExecutionAttemptId,
    operatorId: string,
    event: SourceCoordinatorEvent,
  ): Promise<void> {
    return this.request(`deliver an operator event to ${executionAttemptId}`, (requestId) => ({
      type: 'operator-event-to-task',
      requestId,
      executionAttemptId,
      operatorId,
      event,
    }));
  }

  /** Fire and forget: a failed write shows up as the socket's 'error'/'close'. */
  send(message: RpcMessage, callback?: (error?: Error) => void): void {
    this.ws.send(encodeRpcMessage(message), { binary: true }, callback);
  }

  /** Settles a request with the TaskManager's answer; an answer to no request is a protocol error. */
  settle(requestId: number, error: Error | undefined): void {
    const request = this.pending.get(requestId);
    if (request === undefined) {
      throw unexpectedRpcMessage(error === undefined ? 'ack' : 'failure', `for unknown request ${requestId}`);
    }
    this.pending.delete(requestId);
    if (error === undefined) request.resolve();
    else if (error instanceof FreshetError) request.reject(error);
    else {
      request.reject(
        new FreshetError(
          'TASK_EXECUTOR_REQUEST_FAILED',
          `TaskManager ${this.describe()} could not ${request.what}: ${error.message}`,
          { domain: ErrorDomain.internal, cause: error },
        ),
      );
    }
  }

  /** Rejects every pending request, and all later ones, because of `error`; idempotent. */
  fail(error: FreshetError): void {
    this.failure ??= error;
    for (const [requestId, request] of this.pending) {
      this.pending.delete(requestId);
      request.reject(
        new FreshetError(
          'TASK_MANAGER_DISCONNECTED',
          `TaskManager ${this.describe()} went away before it could ${request.what}: ${error.message}`,
          { domain: ErrorDomain.external, retryable: true, cause: error },
        ),
      );
    }
  }

  /** Fails the pending requests and drops the socket at once. */
  disconnect(error: FreshetError): void {
    this.closeCause ??= error;
    this.fail(error);
    this.ws.terminate();
  }

  private request(what: string, message: (requestId: number) => RpcMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const requestId = this.nextRequestId++;
      this.pending.set(requestId, { what, resolve, reject });
      if (this.failure !== undefined) return this.fail(this.failure);
      this.send(message(requestId), (error) => {
        // ws passes null, not undefined, on success.
        if (error instanceof Error && this.pending.has(requestId)) {
          this.fail(
            new FreshetError('TASK_MANAGER_DISCONNECTED', `sending failed: ${toError(error).message}`, {
              domain: ErrorDomain.external,
              retryable: true,
              cause: error,
            }),
          );
        }
      });
    });
  }
}
