/**
 * The TaskManager's health endpoint for orchestrators (Kubernetes probes), on
 * `taskmanager.health.port`: plain HTTP, no auth, JSON bodies.
 *
 *   GET /healthz  200 {"status":"ok"} while the process runs (liveness)
 *   GET /readyz   200 {"status":"ready","registered":true,...} while registered at a JobManager,
 *                 503 {"status":"not-ready","registered":false,...} before and after (readiness)
 *
 * Anything else is 404. The server only reads the state it is given; it decides nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `/readyz` reports, read on every request. */
export interface TaskManagerHealth {
  readonly registered: boolean;
  readonly resourceId: string;
  /** `ws://host:port` of the JobManager this TaskManager registers at. */
  readonly jobManager: string;
}

export interface TaskManagerHealthServerOptions {
  readonly host: string;
  /** 0 picks a free port; read it from `TaskManagerHealthServer.port`. */
  readonly port: number;
  readonly health: () => TaskManagerHealth;
}

interface HealthReply {
  readonly status: number;
  readonly body: unknown;
}

export class TaskManagerHealthServer {
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(options: TaskManagerHealthServerOptions): Promise<TaskManagerHealthServer> {
    const server = createServer((request, response) => answer(response, reply(request, options.health)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new TaskManagerHealthServer(server, (server.address() as AddressInfo).port);
  }

  /** Stops accepting connections and closes open ones. Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.server.closeAllConnections();
    });
    return this.closed;
  }
}

function reply(request: IncomingMessage, health: () => TaskManagerHealth): HealthReply {
  const target = request.url ?? '/';
  const queryStart = target.indexOf('?');
  const path = queryStart < 0 ? target : target.slice(0, queryStart);
  if (request.method === 'GET' && path === '/healthz') return { status: 200, body: { status: 'ok' } };
  if (request.method === 'GET' && path === '/readyz') {
    const state = health();
    return state.registered
      ? { status: 200, body: { status: 'ready', ...state } }
      : { status: 503, body: { status: 'not-ready', ...state } };
  }
  return { status: 404, body: { errors: [`not found: ${request.method ?? 'GET'} ${path}`] } };
}

function answer(response: ServerResponse, { status, body }: HealthReply): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  response.end(payload);
}
