/**
 * The data plane between TaskManagers (Flink's NettyConnectionManager): one TCP connection per
 * TaskManager pair, multiplexing the messages of all their slots. Each frame names the sending
 * slot (`from`) and the receiving one (`to`); locations are `<taskManagerId>/<slotIndex>`.
 *
 * Connections are opened lazily by the first send to a TaskManager, and an accepted connection is
 * reused for replies, so a consumer's partition request and the producer's buffers share one
 * socket, as in Flink. A connection that breaks the protocol is closed and reported through
 * `onError`; the other connections keep working. A failed connection is not reopened: sends to
 * that TaskManager throw (reconnection is future work).
 */
import {
  createConnection,
  createServer,
  type AddressInfo,
  type Server,
  type Socket,
  type TcpNetConnectOpts,
} from 'node:net';
import { ErrorDomain, FreshetError, toError } from '../../../common/errors/freshet-error.js';
import type { MessageFrame } from '../../../common/protocol/network-frame-codec.js';
import type { NetworkMessage } from '../../../common/protocol/network-messages.js';
import type { NetworkConnection } from './network-connection.js';
import { SOCKET_HIGH_WATER_MARK, TcpPeer, protocolError, type TcpPeerListener } from './tcp-peer.js';

export interface TcpAddress {
  readonly host: string;
  readonly port: number;
}

export type TcpMessageHandler = (to: string, from: string, message: NetworkMessage) => void;
/** `remoteTaskManagerId` is undefined when the peer failed before naming itself. */
export type TcpErrorHandler = (error: FreshetError, remoteTaskManagerId: string | undefined) => void;

/** The TaskManager part of a `<taskManagerId>/<slotIndex>` location. */
export function taskManagerOfLocation(location: string): string {
  const slash = location.lastIndexOf('/');
  if (slash <= 0) {
    throw new FreshetError(
      'INVALID_LOCATION',
      `'${location}' is not a slot location; expected <taskManagerId>/<slotIndex>`,
    );
  }
  return location.slice(0, slash);
}

export class TcpTransport {
  private server: Server | undefined;
  /** The connection used to send to each remote TaskManager (dialled or accepted). */
  private readonly peers = new Map<string, TcpPeer>();
  /** Every connection, including accepted ones not (yet) used for sending. */
  private readonly connections = new Set<TcpPeer>();
  private messageHandler: TcpMessageHandler | undefined;
  private errorHandler: TcpErrorHandler | undefined;
  private closed = false;
  private readonly peerListener: TcpPeerListener = {
    onHello: (peer, remoteId) => this.registerPeer(peer, remoteId),
    onFrame: (peer, frame) => this.deliver(peer, frame),
    onFailure: (peer, error) => {
      // A failed sending connection stays in `peers`, so later sends throw instead of reconnecting.
      this.connections.delete(peer);
      this.report(error, peer.remoteTaskManagerId);
    },
  };

  constructor(readonly taskManagerId: string) {
    if (taskManagerId === '' || taskManagerId.includes('/')) {
      throw new FreshetError(
        'INVALID_TASK_MANAGER_ID',
        `TaskManager id '${taskManagerId}' must be non-empty without '/'`,
      );
    }
  }

  /** Where inbound messages go. Set it (and `onError`) before `listen` or the first send. */
  onMessage(handler: TcpMessageHandler): void {
    this.messageHandler = handler;
  }

  /** Where connection failures and protocol violations are reported. */
  onError(handler: TcpErrorHandler): void {
    this.errorHandler = handler;
  }

  /** Starts accepting connections; resolves to the port actually bound (pass 0 for a free one). */
  async listen(host: string, port = 0): Promise<number> {
    this.requireOpen();
    this.requireHandlers();
    if (this.server !== undefined) {
      throw new FreshetError(
        'ALREADY_LISTENING',
        `TaskManager ${this.taskManagerId} data port is already open`,
      );
    }
    const server = createServer({ noDelay: true, highWaterMark: SOCKET_HIGH_WATER_MARK }, (socket) =>
      this.accept(socket),
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: unknown) => {
      this.server = undefined;
      throw new FreshetError(
        'DATA_PORT_UNAVAILABLE',
        `cannot open the data port on ${host}:${port}: ${toError(error).message}; pick another taskmanager.data.port`,
        { domain: ErrorDomain.external, cause: error },
      );
    });
    server.on('error', (error) =>
      this.report(
        new FreshetError('DATA_PORT_FAILED', `the data port failed: ${error.message}`, {
          domain: ErrorDomain.external,
          cause: error,
        }),
        undefined,
      ),
    );
    return (server.address() as AddressInfo).port;
  }

  /**
   * A connection from a slot of this TaskManager to a slot of another one. The socket is opened
   * on first send (unless the remote TaskManager already connected to us, then that one is used).
   */
  connectionTo(localLocation: string, remoteLocation: string, remoteAddress: TcpAddress): NetworkConnection {
    if (taskManagerOfLocation(localLocation) !== this.taskManagerId) {
      throw new FreshetError(
        'INVALID_LOCATION',
        `${localLocation} is not a slot of TaskManager ${this.taskManagerId}`,
      );
    }
    const remoteId = taskManagerOfLocation(remoteLocation);
    if (remoteId === this.taskManagerId) {
      throw new FreshetError(
        'INVALID_LOCATION',
        `${remoteLocation} is on this TaskManager; use an in-process connection, not TCP`,
      );
    }
    return {
      send: (message: NetworkMessage): void => {
        const frame: MessageFrame = { type: 'message', from: localLocation, to: remoteLocation, message };
        this.peerFor(remoteId, remoteAddress).send(frame);
      },
    };
  }

  /** Frames waiting for 'drain' across all connections (a gauge, bounded by credit). */
  queuedFrames(): number {
    let total = 0;
    for (const peer of this.connections) total += peer.queuedFrames;
    return total;
  }

  /** Open connections (a gauge). */
  openConnections(): number {
    let open = 0;
    for (const peer of this.connections) if (!peer.isFailed && !peer.isClosed) open++;
    return open;
  }

  /** Closes the data port and every connection; frames still queued are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.connections) peer.close();
    this.connections.clear();
    this.peers.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private registerPeer(peer: TcpPeer, remoteTaskManagerId: string): void {
    if (remoteTaskManagerId === this.taskManagerId) {
      throw protocolError(`a connection claims to come from this TaskManager (${remoteTaskManagerId})`);
    }
    // Reuse an accepted connection for sending unless we already send over another one: once a
    // TaskManager pair has a sending connection it never switches, which keeps frames in order.
    if (!this.peers.has(remoteTaskManagerId)) this.peers.set(remoteTaskManagerId, peer);
  }

  private deliver(peer: TcpPeer, frame: MessageFrame): void {
    const remoteId = peer.remoteTaskManagerId;
    if (taskManagerOfLocation(frame.to) !== this.taskManagerId) {
      throw protocolError(`TaskManager ${remoteId} sent a frame for ${frame.to}, which is not a slot here`);
    }
    if (taskManagerOfLocation(frame.from) !== remoteId) {
      throw protocolError(`TaskManager ${remoteId} sent a frame claiming to come from ${frame.from}`);
    }
    const handler = this.messageHandler;
    if (handler === undefined) throw protocolError('no message handler is set');
    try {
      handler(frame.to, frame.from, frame.message);
    } catch (error) {
      // The handler's failure is not the connection's: report it and keep the connection.
      this.report(
        new FreshetError(
          'NETWORK_MESSAGE_HANDLER_FAILED',
          `handling a ${frame.message.type} message from ${frame.from} to ${frame.to} failed: ${toError(error).message}`,
          { cause: error },
        ),
        remoteId,
      );
    }
  }

  private peerFor(remoteId: string, address: TcpAddress): TcpPeer {
    const existing = this.peers.get(remoteId);
    if (existing !== undefined) return existing;
    this.requireOpen();
    this.requireHandlers();
    // net.Socket hands highWaterMark on to its Duplex; @types/node only declares it for servers.
    const options: TcpNetConnectOpts & { readonly highWaterMark: number } = {
      host: address.host,
      port: address.port,
      noDelay: true,
      highWaterMark: SOCKET_HIGH_WATER_MARK,
    };
    const socket = createConnection(options);
    const dialled = { taskManagerId: remoteId, endpoint: `${address.host}:${address.port}` };
    const peer = new TcpPeer(socket, this.taskManagerId, dialled, this.peerListener);
    this.peers.set(remoteId, peer);
    this.connections.add(peer);
    return peer;
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.connections.add(new TcpPeer(socket, this.taskManagerId, undefined, this.peerListener));
  }

  private report(error: FreshetError, remoteTaskManagerId: string | undefined): void {
    if (this.closed) return;
    if (this.errorHandler === undefined) throw error;
    this.errorHandler(error, remoteTaskManagerId);
  }

  private requireOpen(): void {
    if (this.closed) {
      throw new FreshetError(
        'TRANSPORT_CLOSED',
        `the data plane of TaskManager ${this.taskManagerId} is closed`,
      );
    }
  }

  private requireHandlers(): void {
    if (this.messageHandler === undefined || this.errorHandler === undefined) {
      throw new FreshetError(
        'TRANSPORT_NOT_READY',
        'set TcpTransport.onMessage and onError before listening or sending',
      );
    }
  }
}
