/**
 * The JobManager's REST endpoint (Flink's WebMonitorEndpoint): Flink's paths (each also under
 * `/v1`) and JSON field names over node:http, backed by a narrow RestBackend. Errors are
 * `{"errors": ["..."]}` with 400/401/404/405/409/413/429/500 as fits. `/healthz` and `/readyz` answer
 * orchestrator probes (see health-handlers.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { checkBearerToken, isMutating } from './bearer-auth.js';
import { registerClusterHandlers } from './cluster-handlers.js';
import { registerHealthHandlers } from './health-handlers.js';
import { registerJarHandlers } from './jar-handlers.js';
import { CompletedOperationCache } from './completed-operation-cache.js';
import { registerJobHandlers } from './job-handlers.js';
import { RequestBody } from './request-body.js';
import type { RestBackend } from './rest-backend.js';
import { HttpStatus, RestHandlerError, toErrorResponse } from './rest-handler-error.js';
import type { RestHandler } from './rest-handler.js';
import { RestRouter } from './rest-router.js';
import { registerSavepointDisposalHandlers } from './savepoint-disposal-handlers.js';
import { registerSavepointHandlers } from './savepoint-handlers.js';

export interface RestServerOptions {
  readonly host: string;
  /** 0 picks a free port; read it from `RestServer.port`. */
  readonly port: number;
  readonly backend: RestBackend;
  /** `rest.auth.token`: when set, POST/PATCH/DELETE need `Authorization: Bearer <token>`. */
  readonly authToken?: string;
  /** `rest.server.max-content-length`: larger request bodies get 413. */
  readonly maxContentLength: number;
  /** The URL clients reach this server at (`GET /jars` `address`); `http://host:port` by default. */
  readonly advertisedAddress?: string;
  readonly clock?: () => number;
  /** Whether the JobManager finished starting up (`GET /readyz`); always ready when absent. */
  readonly isReady?: () => boolean;
  /** Hears about every 500 (the client only gets the message); e.g. to log it. */
  readonly onInternalError?: (
    error: unknown,
    request: { readonly method: string; readonly url: string },
  ) => void;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly closeConnection: boolean;
}

/** How long a connection whose request body is discarded may keep sending before it is reset. */
const LINGER_MS = 5000;

function lingeringClose(request: IncomingMessage): void {
  const socket = request.socket;
  if (request.complete) {
    socket.end();
    return;
  }
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  request.once('end', () => {
    clearTimeout(timer);
    socket.end();
  });
  request.once('error', () => socket.destroy());
  request.resume();
}

export class RestServer {
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly options: RestServerOptions,
    private readonly router: RestRouter<RestHandler>,
    readonly port: number,
  ) {}

  static async start(options: RestServerOptions): Promise<RestServer> {
    if (!Number.isInteger(options.maxContentLength) || options.maxContentLength < 1) {
      throw new IllegalConfigurationError(
        `rest.server.max-content-length must be a positive integer, got ${options.maxContentLength}`,
      );
    }
    if (options.authToken !== undefined && !/^\S+$/.test(options.authToken)) {
      throw new IllegalConfigurationError('rest.auth.token must be non-empty and contain no whitespace');
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const address = options.advertisedAddress ?? `http://${hostForUrl(options.host)}:${port}`;
    const context = { backend: options.backend, clock: options.clock ?? Date.now };
    const router = new RestRouter<RestHandler>();
    registerHealthHandlers(router, options.isReady ?? (() => true));
    registerClusterHandlers(router, context);
    registerJobHandlers(router, context);
    registerSavepointHandlers(router, {
      ...context,
      operations: new CompletedOperationCache({ clock: context.clock }),
    });
    registerSavepointDisposalHandlers(router, {
      ...context,
      operations: new CompletedOperationCache({ clock: context.clock }),
    });
    registerJarHandlers(router, { ...context, address: () => address });
    const restServer = new RestServer(server, options, router, port);
    const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
      restServer.serve(request, response).catch((error: unknown) => {
        // Only a failing socket write gets here; the client cannot be answered any more.
        restServer.reportInternal(error, request);
        response.destroy();
      });
    };
    server.on('request', onRequest);
    // `Expect: 100-continue` (curl sends it for big uploads): invite only bodies within the limit;
    // an oversized one gets its 413 before the client sends a byte of it.
    server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
      if (Number(request.headers['content-length'] ?? 0) <= options.maxContentLength)
        response.writeContinue();
      onRequest(request, response);
    });
    return restServer;
  }

  /** Stops accepting connections and closes open ones (keep-alive included). Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error === undefined ? resolve() : reject(error)));
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = new RequestBody(request, this.options.maxContentLength);
    let reply = await this.dispatch(request, body);
    let payload: string;
    try {
      payload = JSON.stringify(reply.body);
    } catch (error) {
      reply = this.errorReply(error, request);
      payload = JSON.stringify(reply.body);
    }
    if (response.headersSent || response.destroyed) return;
    const closeConnection = reply.closeConnection || body.leftUnread;
    response.writeHead(reply.status, {
      ...reply.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...(closeConnection ? { connection: 'close' } : {}),
    });
    // A body left unread is not processed: answer, then close the connection once the client has
    // sent the rest (discarded), so it reads the answer instead of a reset; at most LINGER_MS.
    if (closeConnection) response.once('finish', () => lingeringClose(request));
    response.end(payload);
  }

  private async dispatch(request: IncomingMessage, body: RequestBody): Promise<Reply> {
    const method = request.method ?? 'GET';
    try {
      const target = request.url ?? '/';
      const queryStart = target.indexOf('?');
      const pathname = queryStart < 0 ? target : target.slice(0, queryStart);
      const query = new URLSearchParams(queryStart < 0 ? '' : target.slice(queryStart + 1));
      const match = this.router.match(method, pathname);
      if (match.kind === 'not-found') {
        throw new RestHandlerError(HttpStatus.NOT_FOUND, `not found: ${method} ${pathname}`);
      }
      if (match.kind === 'method-not-allowed') {
        throw new RestHandlerError(
          HttpStatus.METHOD_NOT_ALLOWED,
          `${method} is not allowed on ${pathname}; allowed: ${match.allowed.join(', ')}`,
          { headers: { allow: match.allowed.join(', ') } },
        );
      }
      if (this.options.authToken !== undefined && isMutating(method)) {
        checkBearerToken(request.headers.authorization, this.options.authToken);
      }
      const result = await match.handler({
        params: match.params,
        query,
        headers: request.headers,
        body: () => body.read(),
      });
      return { status: result.status, body: result.body, headers: {}, closeConnection: false };
    } catch (thrown) {
      return this.errorReply(thrown, request);
    }
  }

  private errorReply(thrown: unknown, request: IncomingMessage): Reply {
    const error = toErrorResponse(thrown);
    if (error.unexpected) this.reportInternal(thrown, request);
    return {
      status: error.status,
      body: { errors: [error.message] },
      headers: error.headers,
      closeConnection: error.closeConnection,
    };
  }

  private reportInternal(error: unknown, request: IncomingMessage): void {
    this.options.onInternalError?.(error, { method: request.method ?? '', url: request.url ?? '' });
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
