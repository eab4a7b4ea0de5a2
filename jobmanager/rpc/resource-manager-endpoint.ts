/**
 * The JobManager's control-plane server (Flink's ResourceManager RPC endpoint): TaskManagers
 * connect over `ws` and register; each registered TaskManager is handed on as a
 * `TaskExecutorGateway` whose calls travel as requests and settle on `ack`/`failure`. Task state
 * and client data from TaskManagers go to the `JobMasterGateway`. A TaskManager whose connection
 * closes, or that answers no heartbeat for `heartbeat.timeout`, is reported lost.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorDomain, FreshetError, assertNever, toError } from '../../common/errors/freshet-error.js';
import { deserializeError } from '../../common/errors/serialized-error.js';
import type { ResourceId } from '../../common/ids.js';
import type {
  JobMasterGateway,
  TaskExecutorGateway,
  TaskMetricsReport,
} from '../../common/protocol/gateways.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import { malformedRpcMessage } from '../../common/protocol/rpc-message-validation.js';
import {
  decodeRpcMessage,
  unexpectedRpcMessage,
  type RegisterTaskManager,
  type RpcFrame,
  type RpcMessage,
  type SlotReport,
} from '../../common/protocol/rpc-messages.js';
import { HeartbeatMonitor, HeartbeatScheduler } from '../../common/rpc/heartbeat-monitor.js';
import { TaskManagerConnection } from './task-manager-connection.js';

/** Where a TaskManager serves its result partitions (`taskmanager.data.port`). */
export interface TaskManagerDataAddress {
  readonly host: string;
  readonly port: number;
}

export interface ResourceManagerEndpointOptions {
  readonly host: string;
  /** 0 picks a free port; read it back from {@link ResourceManagerEndpoint.port}. */
  readonly port: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly jobMaster: JobMasterGateway;
  readonly onTaskManagerRegistered: (
    resourceId: ResourceId,
    gateway: TaskExecutorGateway,
    numberOfSlots: number,
    dataAddress: TaskManagerDataAddress,
  ) => void;
  /** Called once per registered TaskManager whose connection ended or whose heartbeats stopped. */
  readonly onTaskManagerLost: (resourceId: ResourceId, reason: FreshetError) => void;
  /** Protocol errors of one connection (malformed frames, unexpected messages); it gets closed. */
  readonly onConnectionError: (error: FreshetError) => void;
  readonly onSlotReport?: (resourceId: ResourceId, report: SlotReport) => void;
  /** The I/O counters of running subtasks a TaskManager sent with its heartbeat. */
  readonly onTaskMetrics?: (resourceId: ResourceId, reports: readonly TaskMetricsReport[]) => void;
  /** Serves stored job bundles to TaskManagers (rejects for an unknown ID). */
  readonly fetchBundle?: (bundleId: string) => Promise<Uint8Array>;
  /** Largest frame accepted (default 64 MiB). */
  readonly maxFrameBytes?: number;
  readonly clock?: () => number;
}

const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_POLICY_VIOLATION = 1008;

export class ResourceManagerEndpoint {
  private readonly connections = new Set<TaskManagerConnection>();
  private readonly registered = new Map<ResourceId, TaskManagerConnection>();
  private readonly monitor: HeartbeatMonitor<ResourceId>;
  private readonly heartbeats: HeartbeatScheduler<ResourceId>;
  private nextHeartbeatId = 1;
  private closing = false;

  private constructor(
    private readonly server: WebSocketServer,
    private readonly options: ResourceManagerEndpointOptions,
  ) {
    this.monitor = new HeartbeatMonitor({
      timeoutMs: options.heartbeatTimeoutMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    this.heartbeats = new HeartbeatScheduler({
      intervalMs: options.heartbeatIntervalMs,
      monitor: this.monitor,
      onTick: (targets) => {
        for (const id of targets) {
          this.registered.get(id)?.send({ type: 'heartbeat-request', requestId: this.nextHeartbeatId++ });
        }
      },
      onTimeout: (id) => this.heartbeatTimedOut(id),
    });
    server.on('connection', (ws, request) => this.accept(ws, request.socket.remoteAddress ?? '?'));
    server.on('error', (error) =>
      options.onConnectionError(withPeer('RPC_SERVER_ERROR', ErrorDomain.external, 'server', error)),
    );
  }

  /** Listens on host:port; rejects with a FreshetError when the port cannot be bound. */
  static start(options: ResourceManagerEndpointOptions): Promise<ResourceManagerEndpoint> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({
        host: options.host,
        port: options.port,
        maxPayload: options.maxFrameBytes ?? 64 * 1024 * 1024,
      });
      const failed = (error: Error): void => {
        const where = `${options.host}:${options.port}`;
        reject(
          new FreshetError(
            'RPC_BIND_FAILED',
            `the JobManager could not listen for TaskManagers on ${where}: ${error.message}; pick a free jobmanager.rpc.port`,
            { domain: ErrorDomain.external, cause: error },
          ),
        );
      };
      server.once('error', failed);
      server.once('listening', () => {
        server.off('error', failed);
        resolve(new ResourceManagerEndpoint(server, options).start());
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  registeredTaskManagers(): ResourceId[] {
    return [...this.registered.keys()];
  }

  /** Drops every connection (without reporting TaskManagers lost) and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    this.heartbeats.stop();
    const shutdown = new FreshetError(
      'JOB_MANAGER_SHUTDOWN',
      'the JobManager RPC endpoint is shutting down',
      {
        domain: ErrorDomain.external,
        retryable: true,
      },
    );
    for (const connection of this.connections) connection.disconnect(shutdown);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private start(): this {
    this.heartbeats.start();
    return this;
  }

  private accept(ws: WebSocket, remoteAddress: string): void {
    const connection = new TaskManagerConnection(ws, remoteAddress);
    this.connections.add(connection);
    ws.on('message', (data, isBinary) => this.onFrame(connection, data, isBinary));
    ws.on('error', (error) =>
      this.options.onConnectionError(
        withPeer('RPC_SOCKET_ERROR', ErrorDomain.external, connection.describe(), error),
      ),
    );
    ws.on('close', (code, reason) => this.onClose(connection, code, reason.toString()));
  }

  private onFrame(connection: TaskManagerConnection, data: RpcFrame, isBinary: boolean): void {
    try {
      if (!isBinary)
        throw malformedRpcMessage('received a text frame; the control plane sends binary frames');
      this.handle(connection, decodeRpcMessage(data));
    } catch (thrown) {
      // A peer that breaks the protocol is cut off; other connections are unaffected.
      const error = withPeer('UNEXPECTED_RPC_MESSAGE', ErrorDomain.external, connection.describe(), thrown);
      this.options.onConnectionError(error);
      connection.closeCause ??= error;
      this.lose(connection, error);
      connection.ws.close(CLOSE_PROTOCOL_ERROR, 'protocol error');
    }
  }

  /** Runs a callback into the JobManager; its failure is reported, not blamed on the TaskManager. */
  private callback(connection: TaskManagerConnection, call: () => void): void {
    try {
      call();
    } catch (thrown) {
      this.options.onConnectionError(
        withPeer('RPC_CALLBACK_FAILED', ErrorDomain.internal, connection.describe(), thrown),
      );
    }
  }

  private handle(connection: TaskManagerConnection, message: RpcMessage): void {
    if (message.type === 'register-task-manager') return this.register(connection, message);
    const id = connection.resourceId;
    if (id === undefined) throw unexpectedRpcMessage(message.type, 'before registering');
    switch (message.type) {
      case 'heartbeat-response':
        this.monitor.reportHeartbeat(id);
        if (message.slotReport !== undefined) this.options.onSlotReport?.(id, message.slotReport);
        if (message.taskMetrics !== undefined) {
          const reports = message.taskMetrics;
          this.callback(connection, () => this.options.onTaskMetrics?.(id, reports));
        }
        return;
      case 'heartbeat-request':
        this.monitor.reportHeartbeat(id);
        return connection.send({ type: 'heartbeat-response', requestId: message.requestId });
      case 'ack':
        return connection.settle(message.requestId, undefined);
      case 'failure':
        return connection.settle(message.requestId, deserializeError(message.error));
      case 'task-state':
        return this.callback(connection, () =>
          this.options.jobMaster.updateTaskExecutionState(message.update),
        );
      case 'client-data':
        return this.callback(connection, () =>
          this.options.jobMaster.deliverClientData(message.jobId, message.operatorId, message.payload),
        );
      case 'fetch-bundle':
        return this.serveBundle(connection, message.requestId, message.bundleId);
      case 'acknowledge-checkpoint':
        return this.callback(connection, () =>
          this.options.jobMaster.acknowledgeCheckpoint(
            message.jobId,
            message.executionAttemptId,
            message.checkpointId,
            message.state,
          ),
        );
      case 'decline-checkpoint':
        return this.callback(connection, () =>
          this.options.jobMaster.declineCheckpoint(
            message.jobId,
            message.executionAttemptId,
            message.checkpointId,
            message.reason,
            message.error,
          ),
        );
      case 'operator-event-to-coordinator':
        return this.callback(connection, () =>
          this.options.jobMaster.sendOperatorEventToCoordinator?.(
            message.jobId,
            message.executionAttemptId,
            message.operatorId,
            message.event,
          ),
        );
      case 'registration-ack':
      case 'registration-rejected':
      case 'submit-task':
      case 'cancel-task':
      case 'release-job':
      case 'bundle-bytes':
      case 'trigger-checkpoint':
      case 'notify-checkpoint-complete':
      case 'notify-checkpoint-aborted':
      case 'operator-event-to-task':
        throw unexpectedRpcMessage(message.type, 'from a TaskManager (only the JobManager sends it)');
      default:
        return assertNever(message, 'RPC message');
    }
  }

  private serveBundle(connection: TaskManagerConnection, requestId: number, bundleId: string): void {
    const fetch =
      this.options.fetchBundle ??
      (() => Promise.reject(new FreshetError('UNKNOWN_BUNDLE', 'this JobManager serves no job bundles')));
    fetch(bundleId).then(
      (bytes) => connection.send({ type: 'bundle-bytes', requestId, bytes }),
      (error: unknown) => connection.send({ type: 'failure', requestId, error: serializeError(error) }),
    );
  }

  private register(connection: TaskManagerConnection, message: RegisterTaskManager): void {
    const { requestId, resourceId, numberOfSlots } = message;
    const reject = (reason: string): void => {
      connection.send({ type: 'registration-rejected', requestId, reason });
      if (connection.resourceId === undefined)
        connection.ws.close(CLOSE_POLICY_VIOLATION, 'registration rejected');
    };
    const existing = this.registered.get(resourceId);
    if (connection.resourceId !== undefined) {
      return reject(`this connection is already registered as TaskManager '${connection.resourceId}'`);
    }
    if (existing !== undefined) {
      return reject(
        `a TaskManager with resource ID '${resourceId}' is already registered and connected (from ${existing.remoteAddress}); stop it or give this TaskManager another resource ID`,
      );
    }
    if (numberOfSlots < 1)
      return reject('a TaskManager must offer at least 1 slot (taskmanager.numberOfTaskSlots)');
    connection.resourceId = resourceId;
    this.registered.set(resourceId, connection);
    this.monitor.monitorTarget(resourceId);
    connection.send({ type: 'registration-ack', requestId });
    const host = message.host === '' ? connection.remoteAddress : message.host;
    const dataAddress = { host, port: message.dataPort };
    this.callback(connection, () =>
      this.options.onTaskManagerRegistered(resourceId, connection, numberOfSlots, dataAddress),
    );
  }

  private heartbeatTimedOut(id: ResourceId): void {
    const connection = this.registered.get(id);
    if (connection === undefined) return;
    const error = new FreshetError(
      'TASK_MANAGER_LOST',
      `TaskManager ${connection.describe()} answered no heartbeat for ${this.monitor.timeoutMs} ms (heartbeat.timeout); it is considered lost`,
      { domain: ErrorDomain.external, retryable: true },
    );
    this.lose(connection, error);
    connection.ws.terminate();
  }

  private onClose(connection: TaskManagerConnection, code: number, reason: string): void {
    this.connections.delete(connection);
    const error =
      connection.closeCause ??
      new FreshetError(
        'TASK_MANAGER_LOST',
        `the connection to TaskManager ${connection.describe()} closed (code ${code}${reason === '' ? '' : `, ${reason}`})`,
        { domain: ErrorDomain.external, retryable: true },
      );
    this.lose(connection, error);
  }

  /** Forgets a registered TaskManager once, failing its pending requests. */
  private lose(connection: TaskManagerConnection, error: FreshetError): void {
    const id = connection.resourceId;
    connection.fail(error);
    if (id === undefined || this.registered.get(id) !== connection) return;
    this.registered.delete(id);
    this.monitor.unmonitorTarget(id);
    if (!this.closing) this.callback(connection, () => this.options.onTaskManagerLost(id, error));
  }
}

/** Prefixes the peer to the message, keeping a FreshetError's code, domain and retryability. */
function withPeer(code: string, domain: ErrorDomain, peer: string, thrown: unknown): FreshetError {
  const error = toError(thrown);
  const known = error instanceof FreshetError;
  return new FreshetError(known ? error.code : code, `control-plane connection ${peer}: ${error.message}`, {
    domain: known ? error.domain : domain,
    retryable: known && error.retryable,
    cause: error,
  });
}
