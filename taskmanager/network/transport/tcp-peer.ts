/**
 * One TCP connection between two TaskManagers, carrying the frames of all their slot pairs.
 * Both ends open with a `hello` naming their TaskManager; after that, data frames flow either way.
 *
 * Writes respect backpressure: once `socket.write()` returns false, frames wait in `pending` until
 * 'drain'. That queue needs no bound of its own: buffers are only sent against the consumer's
 * credit, so what can pile up here is bounded by the credit outstanding on this connection.
 */
import type { Socket } from 'node:net';
import { ErrorDomain, FreshetError } from '../../../common/errors/freshet-error.js';
import {
  FrameDecoder,
  encodeFrameChunks,
  type MessageFrame,
  type NetworkFrame,
} from '../../../common/protocol/network-frame-codec.js';

/** Socket buffer above which `write()` reports backpressure: a few network buffers. */
export const SOCKET_HIGH_WATER_MARK = 256 * 1024;

export interface TcpPeerListener {
  /** The remote end named its TaskManager; throw to reject the connection. */
  onHello(peer: TcpPeer, remoteTaskManagerId: string): void;
  /** A data frame arrived; throw a FreshetError to close the connection as a protocol violation. */
  onFrame(peer: TcpPeer, frame: MessageFrame): void;
  /** The connection failed or closed unexpectedly; it is closed now. Called at most once. */
  onFailure(peer: TcpPeer, error: FreshetError): void;
}

export class TcpPeer {
  private remoteId: string | undefined;
  private readonly decoder = new FrameDecoder();
  private pending: Uint8Array[][] = [];
  private pendingHead = 0;
  private waitingForDrain = false;
  private failure: FreshetError | undefined;
  private closing = false;
  private closed = false;

  /**
   * @param dialled for a connection we opened: the TaskManager we meant to reach (its hello must
   *   match) and the `host:port` we dialled; undefined for an accepted connection.
   */
  constructor(
    private readonly socket: Socket,
    localTaskManagerId: string,
    private readonly dialled: { readonly taskManagerId: string; readonly endpoint: string } | undefined,
    private readonly listener: TcpPeerListener,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.flush());
    socket.on('error', (error) => this.fail(connectionError(this.describe(), 'failed', error)));
    socket.on('close', () => {
      this.closed = true;
      this.fail(connectionError(this.describe(), 'was closed by the remote end'));
    });
    this.write(encodeFrameChunks({ type: 'hello', taskManagerId: localTaskManagerId }));
  }

  /** The remote TaskManager, once its hello arrived (or the one we dialled). */
  get remoteTaskManagerId(): string | undefined {
    return this.remoteId ?? this.dialled?.taskManagerId;
  }

  get isFailed(): boolean {
    return this.failure !== undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Frames waiting for 'drain' (a gauge). */
  get queuedFrames(): number {
    return this.pending.length - this.pendingHead;
  }

  send(frame: MessageFrame): void {
    if (this.failure !== undefined || this.closing) {
      throw new FreshetError(
        'NETWORK_CONNECTION_CLOSED',
        `cannot send to ${frame.to}: the connection to ${this.describe()} is closed` +
          (this.failure === undefined ? '' : ` (${this.failure.message})`),
        { domain: ErrorDomain.external, retryable: true, ...(this.failure ? { cause: this.failure } : {}) },
      );
    }
    const chunks = encodeFrameChunks(frame);
    if (this.waitingForDrain) this.pending.push(chunks);
    else this.write(chunks);
  }

  /** Closes the connection without reporting a failure (shutdown). */
  close(): void {
    this.closing = true;
    this.pending = [];
    this.pendingHead = 0;
    this.socket.destroy();
  }

  /** Closes the connection and reports why (once). */
  fail(error: FreshetError): void {
    if (this.failure !== undefined || this.closing) return;
    this.failure = error;
    this.pending = [];
    this.pendingHead = 0;
    this.socket.destroy();
    this.listener.onFailure(this, error);
  }

  private describe(): string {
    const who = this.remoteTaskManagerId;
    const where =
      this.dialled?.endpoint ?? `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
    return who === undefined ? `unidentified peer ${where}` : `TaskManager ${who} (${where})`;
  }

  /** Writes one frame's chunks back to back (one writev); notes backpressure. */
  private write(chunks: readonly Uint8Array[]): void {
    let ok = true;
    if (chunks.length === 1) {
      ok = this.socket.write(chunks[0]!);
    } else {
      this.socket.cork();
      for (const chunk of chunks) ok = this.socket.write(chunk);
      this.socket.uncork();
    }
    if (!ok) this.waitingForDrain = true;
  }

  private flush(): void {
    this.waitingForDrain = false;
    while (!this.waitingForDrain && this.pendingHead < this.pending.length) {
      const chunks = this.pending[this.pendingHead]!;
      this.pendingHead++;
      this.write(chunks);
    }
    if (this.pendingHead === this.pending.length) {
      this.pending = [];
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private onData(chunk: Buffer): void {
    if (this.failure !== undefined || this.closing) return;
    try {
      for (const frame of this.decoder.push(chunk)) {
        this.onFrame(frame);
        if (this.failure !== undefined || this.closing) return;
      }
    } catch (error) {
      this.fail(
        error instanceof FreshetError
          ? error
          : connectionError(this.describe(), 'received a frame that could not be handled', error),
      );
    }
  }

  private onFrame(frame: NetworkFrame): void {
    if (frame.type === 'hello') {
      if (this.remoteId !== undefined) {
        throw protocolError(`${this.describe()} sent a second hello (as ${frame.taskManagerId})`);
      }
      if (this.dialled !== undefined && frame.taskManagerId !== this.dialled.taskManagerId) {
        throw protocolError(
          `dialled TaskManager ${this.dialled.taskManagerId} at ${this.dialled.endpoint} but ` +
            `${frame.taskManagerId} answered; the data port address registered for it is stale or wrong`,
        );
      }
      this.remoteId = frame.taskManagerId;
      this.listener.onHello(this, frame.taskManagerId);
      return;
    }
    if (this.remoteId === undefined) {
      throw protocolError(`${this.describe()} sent a ${frame.message.type} frame before its hello`);
    }
    this.listener.onFrame(this, frame);
  }
}

export function protocolError(message: string): FreshetError {
  return new FreshetError('NETWORK_PROTOCOL_VIOLATION', message, { domain: ErrorDomain.external });
}

function connectionError(who: string, what: string, cause?: unknown): FreshetError {
  return new FreshetError('NETWORK_CONNECTION_FAILED', `the data connection to ${who} ${what}`, {
    domain: ErrorDomain.external,
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}
