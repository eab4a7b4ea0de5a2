/**
 * A bare control-plane peer for tests: a ws client (a fake TaskManager) or the server side of one
 * connection (a fake JobManager) that speaks the RPC codec directly, records what it receives and
 * can send anything, malformed frames included. It answers nothing unless told to.
 */
import { WebSocket, WebSocketServer } from 'ws';
import {
  decodeRpcMessage,
  encodeRpcMessage,
  type RpcMessage,
  type RpcMessageType,
  type SlotReport,
} from '../../common/protocol/rpc-messages.js';
import { waitFor } from './cli.js';

export const WAIT_MS = 5_000;

export class RawRpcPeer {
  /** Messages received and not taken yet. */
  readonly inbox: RpcMessage[] = [];
  readonly decodeErrors: Error[] = [];
  closed: { readonly code: number; readonly reason: string } | undefined;
  /** When set, heartbeat requests are answered with this slot report. */
  answerHeartbeats: SlotReport | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      try {
        const message = decodeRpcMessage(data);
        if (message.type === 'heartbeat-request' && this.answerHeartbeats !== undefined) {
          this.send({
            type: 'heartbeat-response',
            requestId: message.requestId,
            slotReport: this.answerHeartbeats,
          });
        } else {
          this.inbox.push(message);
        }
      } catch (error) {
        this.decodeErrors.push(error as Error);
      }
    });
    ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => {
      // 'close' follows and is what tests look at.
    });
  }

  static async connect(url: string): Promise<RawRpcPeer> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawRpcPeer(ws);
  }

  send(message: RpcMessage): void {
    this.ws.send(encodeRpcMessage(message));
  }

  sendRaw(data: Buffer | string): void {
    this.ws.send(data);
  }

  /** Waits for, removes and returns the first received message of the given type. */
  async take<T extends RpcMessageType>(type: T): Promise<Extract<RpcMessage, { type: T }>> {
    let found: RpcMessage | undefined;
    await waitFor(
      () => {
        const index = this.inbox.findIndex((m) => m.type === type);
        if (index >= 0) found = this.inbox.splice(index, 1)[0];
        return found !== undefined;
      },
      WAIT_MS,
      () => `a '${type}' message (inbox: ${this.inbox.map((m) => m.type).join(', ')})`,
    );
    return found as Extract<RpcMessage, { type: T }>;
  }

  async waitClosed(): Promise<{ readonly code: number; readonly reason: string }> {
    await waitFor(() => this.closed !== undefined, WAIT_MS, 'the connection to close');
    return this.closed!;
  }
}

/** A fake JobManager RPC endpoint: accepts connections and hands each over as a RawRpcPeer. */
export class RawRpcServer {
  readonly peers: RawRpcPeer[] = [];

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (ws) => this.peers.push(new RawRpcPeer(ws)));
  }

  static async start(): Promise<RawRpcServer> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new RawRpcServer(server);
  }

  get url(): string {
    const address = this.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('not listening');
    return `ws://127.0.0.1:${address.port}`;
  }

  async nextPeer(index = 0): Promise<RawRpcPeer> {
    await waitFor(() => this.peers.length > index, WAIT_MS, `connection #${index + 1}`);
    return this.peers[index]!;
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
