/**
 * The TaskManager's control-plane connection to the JobManager (Flink's TaskExecutor ↔
 * ResourceManager/JobMaster RPC): connects over `ws`, registers, answers heartbeats with a slot
 * report, runs the JobManager's requests on the local `TaskExecutorGateway` and answers each with
 * `ack` or `failure`, and offers a `JobMasterGateway` that sends task state and client data back.
 * No reconnect: when the connection ends, `onDisconnected` says why.
 */
import { WebSocket } from 'ws';
import { ErrorDomain, FreshetError, assertNever, toError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import type { JobId, ResourceId } from '../../common/ids.js';
import type {
  JobMasterGateway,
  TaskExecutorGateway,
  TaskMetricsReport,
} from '../../common/protocol/gateways.js';
import { deserializeError } from '../../common/errors/serialized-error.js';
import { malformedRpcMessage } from '../../common/protocol/rpc-message-validation.js';
import {
  decodeRpcMessage,
  encodeRpcMessage,
  unexpectedRpcMessage,
  type RpcFrame,
  type RpcMessage,
  type SlotReport,
} from '../../common/protocol/rpc-messages.js';
import { HeartbeatMonitor, HeartbeatScheduler } from '../../common/rpc/heartbeat-monitor.js';

export interface JobManagerConnectionOptions {
  /** `ws://host:port` of the JobManager's RPC endpoint. */
  readonly url: string;
  /**
   * Called when the registration is acknowledged, before any further message of the JobManager is
   * handled (a task may be deployed in the same socket read as the acknowledgement).
   */
  readonly onRegistered?: (connection: JobManagerConnection) => void;
  readonly resourceId: ResourceId;
  /** Host and port other TaskManagers reach this one's result partitions at. */
  readonly host: string;
  readonly dataPort: number;
  readonly numberOfSlots: number;
  readonly taskExecutor: TaskExecutorGateway;
  /** The I/O counters of running subtasks, sent with every heartbeat answer. */
  readonly taskMetrics?: () => readonly TaskMetricsReport[];
  /** The connection ended for any reason other than {@link JobManagerConnection.close}. */
  readonly onDisconnected: (reason: FreshetError) => void;
  /** Errors that do not end the connection by themselves (e.g. a message that could not be sent). */
  readonly onError: (error: FreshetError) => void;
  /** When set, a JobManager that sends no heartbeat request for `timeoutMs` counts as lost. */
  readonly heartbeat?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** How long to wait for the JobManager's answer to the registration (default 10 s). */
  readonly registrationTimeoutMs?: number;
  /** Largest frame accepted (default 64 MiB). */
  readonly maxFrameBytes?: number;
  readonly clock?: () => number;
}

type Phase = 'registering' | 'registered' | 'closed';

const JOB_MANAGER = 'job-manager';
const REGISTRATION_REQUEST_ID = 1;

export class JobManagerConnection {
  /** Sends task state and client data to the JobManager; failures go to `onError`. */
  readonly jobMasterGateway: JobMasterGateway = {
    updateTaskExecutionState: (update) => this.post({ type: 'task-state', update }),
    deliverClientData: (jobId, operatorId, payload) =>
      this.post({ type: 'client-data', jobId, operatorId, payload }),
    acknowledgeCheckpoint: (jobId, executionAttemptId, checkpointId, state) =>
      this.post({
        type: 'acknowledge-checkpoint',
        jobId,
        executionAttemptId,
        checkpointId,
        ...(state === undefined ? {} : { state }),
      }),
    declineCheckpoint: (jobId, executionAttemptId, checkpointId, reason, error) =>
      this.post({
        type: 'decline-checkpoint',
        jobId,
        executionAttemptId,
        checkpointId,
        reason,
        ...(error === undefined ? {} : { error }),
      }),
    sendOperatorEventToCoordinator: (jobId, executionAttemptId, operatorId, event) =>
      this.post({ type: 'operator-event-to-coordinator', jobId, executionAttemptId, operatorId, event }),
  };
  private phase: Phase = 'registering';
  /** This side's requests (bundle fetches), by request ID; IDs start above the registration's. */
  private readonly pending = new Map<
    number,
    { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }
  >();
  private nextRequestId = REGISTRATION_REQUEST_ID + 1;
  private closedByUs = false;
  private closeCause: FreshetError | undefined;
  private readonly slots: (JobId | null)[];
  private readonly monitor: HeartbeatMonitor<typeof JOB_MANAGER> | undefined;
  private readonly heartbeats: HeartbeatScheduler<typeof JOB_MANAGER> | undefined;
  private registration!: { resolve: () => void; reject: (error: FreshetError) => void };
  private readonly registered = new Promise<void>((resolve, reject) => {
    this.registration = { resolve, reject };
  });

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: JobManagerConnectionOptions,
  ) {
    this.slots = new Array<JobId | null>(options.numberOfSlots).fill(null);
    const { heartbeat, clock } = options;
    if (heartbeat !== undefined) {
      const monitor = new HeartbeatMonitor<typeof JOB_MANAGER>({
        timeoutMs: heartbeat.timeoutMs,
        ...(clock ? { clock } : {}),
      });
      const silent = `sent no heartbeat for ${heartbeat.timeoutMs} ms (heartbeat.timeout)`;
      const onTimeout = (): void => this.drop(this.failure('JOB_MANAGER_LOST', silent));
      this.monitor = monitor;
      this.heartbeats = new HeartbeatScheduler({ intervalMs: heartbeat.intervalMs, monitor, onTimeout });
    }
    const { resourceId, host, dataPort, numberOfSlots } = options;
    const register = { requestId: REGISTRATION_REQUEST_ID, resourceId, host, dataPort, numberOfSlots };
    ws.on('open', () => this.send({ type: 'register-task-manager', ...register }));
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('error', (error) => {
      const cause = this.failure('JOB_MANAGER_UNREACHABLE', `failed: ${error.message}`, error);
      if (this.phase === 'registering') this.closeCause ??= cause;
      else options.onError(cause);
    });
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  /** Connects and registers; rejects when the JobManager is unreachable or rejects the registration. */
  static async connect(options: JobManagerConnectionOptions): Promise<JobManagerConnection> {
    const ws = new WebSocket(options.url, { maxPayload: options.maxFrameBytes ?? 64 * 1024 * 1024 });
    const connection = new JobManagerConnection(ws, options);
    const timeoutMs = options.registrationTimeoutMs ?? 10_000;
    const late = `did not answer the registration within ${timeoutMs} ms`;
    const timer = setTimeout(
      () => connection.drop(connection.failure('REGISTRATION_TIMEOUT', late)),
      timeoutMs,
    );
    timer.unref();
    try {
      await connection.registered;
    } finally {
      clearTimeout(timer);
    }
    return connection;
  }

  /** Downloads a stored job bundle from the JobManager. */
  fetchBundle(bundleId: string): Promise<Uint8Array> {
    if (this.phase !== 'registered') {
      return Promise.reject(
        this.failure('JOB_MANAGER_UNREACHABLE', `is not connected; bundle ${bundleId} was not fetched`),
      );
    }
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.send({ type: 'fetch-bundle', requestId, bundleId });
    });
  }

  /** Which job holds each slot, as the JobManager deployed and released them. */
  slotReport(): SlotReport {
    return { slots: this.slots.map((jobId, slotIndex) => ({ slotIndex, jobId })) };
  }

  /** Bytes queued on the socket and not yet written (a gauge). */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Closes the connection without calling `onDisconnected`. */
  async close(): Promise<void> {
    this.closedByUs = true;
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.ws.once('close', () => resolve()));
    this.ws.close(1000, 'TaskManager shutting down');
    const fallback = setTimeout(() => this.ws.terminate(), 1000);
    fallback.unref();
    await closed;
    clearTimeout(fallback);
  }

  private onFrame(data: RpcFrame, isBinary: boolean): void {
    try {
      if (!isBinary)
        throw malformedRpcMessage('received a text frame; the control plane sends binary frames');
      this.handle(decodeRpcMessage(data));
    } catch (thrown) {
      const error = toError(thrown);
      this.drop(
        error instanceof FreshetError ? error : this.failure('UNEXPECTED_RPC_MESSAGE', error.message, error),
      );
    }
  }

  private handle(message: RpcMessage): void {
    if (this.phase === 'registering') {
      if (message.type === 'registration-ack' && message.requestId === REGISTRATION_REQUEST_ID) {
        this.phase = 'registered';
        this.monitor?.monitorTarget(JOB_MANAGER);
        this.heartbeats?.start();
        this.options.onRegistered?.(this);
        return this.registration.resolve();
      }
      if (message.type === 'registration-rejected' && message.requestId === REGISTRATION_REQUEST_ID) {
        const reason = `rejected TaskManager ${this.options.resourceId}: ${message.reason}`;
        return this.drop(this.failure('REGISTRATION_REJECTED', reason, undefined, ErrorDomain.user));
      }
      throw unexpectedRpcMessage(message.type, 'before the registration was answered');
    }
    switch (message.type) {
      case 'heartbeat-request':
        this.monitor?.reportHeartbeat(JOB_MANAGER);
        return this.send({
          type: 'heartbeat-response',
          requestId: message.requestId,
          slotReport: this.slotReport(),
          ...(this.options.taskMetrics === undefined ? {} : { taskMetrics: this.options.taskMetrics() }),
        });
      case 'heartbeat-response':
        this.monitor?.reportHeartbeat(JOB_MANAGER);
        return;
      case 'submit-task': {
        const { tdd } = message;
        return this.run(
          message.requestId,
          () => this.options.taskExecutor.submitTask(tdd),
          () => {
            this.slots[tdd.slotIndex] = tdd.job.jobId;
          },
        );
      }
      case 'cancel-task':
        return this.run(message.requestId, () =>
          this.options.taskExecutor.cancelTask(message.executionAttemptId),
        );
      case 'release-job':
        return this.run(
          message.requestId,
          () => this.options.taskExecutor.releaseJob(message.jobId),
          () => {
            for (const [i, jobId] of this.slots.entries()) if (jobId === message.jobId) this.slots[i] = null;
          },
        );
      case 'trigger-checkpoint': {
        const { executionAttemptId, checkpointId, timestamp, options } = message;
        return this.run(message.requestId, () =>
          this.options.taskExecutor.triggerCheckpoint(executionAttemptId, checkpointId, timestamp, options),
        );
      }
      case 'notify-checkpoint-complete':
        return this.run(message.requestId, () =>
          this.options.taskExecutor.notifyCheckpointComplete(
            message.executionAttemptId,
            message.checkpointId,
            message.timestamp,
            message.final === true,
          ),
        );
      case 'notify-checkpoint-aborted':
        return this.run(message.requestId, () =>
          this.options.taskExecutor.notifyCheckpointAborted(
            message.executionAttemptId,
            message.checkpointId,
            message.timestamp,
          ),
        );
      case 'operator-event-to-task': {
        const { executionAttemptId, operatorId, event } = message;
        const executor = this.options.taskExecutor;
        return this.run(message.requestId, () =>
          executor.sendOperatorEventToTask === undefined
            ? Promise.reject(
                new FreshetError('OPERATOR_EVENTS_UNSUPPORTED', 'this TaskManager takes no operator events'),
              )
            : executor.sendOperatorEventToTask(executionAttemptId, operatorId, event),
        );
      }
      case 'bundle-bytes':
        return this.settle(message.requestId, message.type, (p) => p.resolve(message.bytes));
      case 'failure':
        return this.settle(message.requestId, message.type, (p) => p.reject(deserializeError(message.error)));
      case 'registration-ack':
      case 'registration-rejected':
        throw unexpectedRpcMessage(message.type, 'after the registration was answered');
      case 'register-task-manager':
      case 'ack':
      case 'task-state':
      case 'client-data':
      case 'fetch-bundle':
      case 'acknowledge-checkpoint':
      case 'decline-checkpoint':
      case 'operator-event-to-coordinator':
        throw unexpectedRpcMessage(message.type, 'from the JobManager (only TaskManagers send it)');
      default:
        return assertNever(message, 'RPC message');
    }
  }

  private settle(
    requestId: number,
    type: RpcMessage['type'],
    with_: (pending: { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }) => void,
  ): void {
    const pending = this.pending.get(requestId);
    if (pending === undefined)
      throw unexpectedRpcMessage(type, `for request ${requestId}, which is not pending`);
    this.pending.delete(requestId);
    with_(pending);
  }

  /** Runs one JobManager request on the TaskExecutor and answers it. */
  private run(requestId: number, call: () => Promise<void>, onSuccess?: () => void): void {
    Promise.resolve()
      .then(call)
      .then(
        () => {
          onSuccess?.();
          this.send({ type: 'ack', requestId });
        },
        (error: unknown) => this.send({ type: 'failure', requestId, error: serializeError(error) }),
      )
      .catch((error: unknown) =>
        this.options.onError(
          this.failure(
            'RPC_ANSWER_FAILED',
            `got no answer to request ${requestId}: ${toError(error).message}`,
            error,
          ),
        ),
      );
  }

  /** Sends a TaskManager → JobManager message; when that is impossible the error goes to `onError`. */
  private post(message: RpcMessage): void {
    if (this.phase !== 'registered' || this.ws.readyState !== WebSocket.OPEN) {
      return this.options.onError(
        this.failure('JOB_MANAGER_UNREACHABLE', `is not connected; a '${message.type}' message was not sent`),
      );
    }
    this.send(message);
  }

  private send(message: RpcMessage): void {
    this.ws.send(encodeRpcMessage(message), { binary: true }, (error) => {
      // ws passes null, not undefined, on success.
      if (error instanceof Error) {
        this.options.onError(
          this.failure(
            'JOB_MANAGER_UNREACHABLE',
            `is unreachable; sending '${message.type}' failed: ${error.message}`,
            error,
          ),
        );
      }
    });
  }

  /** Ends the connection because of `error` (reported once, on close). */
  private drop(error: FreshetError): void {
    this.closeCause ??= error;
    this.ws.terminate();
  }

  private onClose(code: number, reason: string): void {
    const was = this.phase;
    this.phase = 'closed';
    this.heartbeats?.stop();
    const error =
      this.closeCause ??
      this.failure(
        'JOB_MANAGER_DISCONNECTED',
        `closed the connection (code ${code}${reason === '' ? '' : `, ${reason}`})`,
      );
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (was === 'registering') this.registration.reject(error);
    else if (!this.closedByUs) this.options.onDisconnected(error);
  }

  /** An error about the JobManager this connection talks to. */
  private failure(
    code: string,
    what: string,
    cause?: unknown,
    domain: ErrorDomain = ErrorDomain.external,
  ): FreshetError {
    return new FreshetError(code, `the JobManager at ${this.options.url} ${what}`, {
      domain,
      retryable: domain === ErrorDomain.external,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}
