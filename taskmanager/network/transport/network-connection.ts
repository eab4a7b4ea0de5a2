import type { MessagePort } from 'node:worker_threads';
import type { NetworkMessage } from '../../../common/protocol/network-messages.js';
import { bufferBytes } from '../../../common/protocol/record-batch-codec.js';

/** A one-way path for data-plane messages to another slot's network stack. */
export interface NetworkConnection {
  send(message: NetworkMessage): void;
}

/**
 * Same thread: hands the message over directly (the receiver only enqueues, so this never recurses
 * deeply). Record batches stay unserialized.
 */
export class DirectConnection implements NetworkConnection {
  constructor(private readonly deliver: (message: NetworkMessage) => void) {}

  send(message: NetworkMessage): void {
    this.deliver(message);
  }
}

/** Another slot worker of this TaskManager: buffers are encoded and transferred, not copied. */
export class MessagePortConnection implements NetworkConnection {
  constructor(private readonly port: MessagePort) {}

  send(message: NetworkMessage): void {
    if (message.type === 'buffer') {
      const data = bufferBytes(message.data);
      this.port.postMessage({ ...message, data }, [data.buffer as ArrayBuffer]);
    } else {
      this.port.postMessage(message);
    }
  }
}
