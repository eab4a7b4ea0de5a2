/**
 * Child process of the network benchmark's raw baseline (forked with an IPC channel): listens on a
 * loopback port, reads length-prefixed frames (4-byte big-endian length + one record batch encoded
 * by the data plane's codec), decodes every batch, and when the sender ends the connection reports
 * `{ records, bytes, finishedAt }` to the parent and exits.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { decodeBatch } from '../../common/protocol/record-batch-codec.js';
import { wallClockMillis } from './jobs/network-records.js';
import { SOCKET_HIGH_WATER_MARK } from '../../taskmanager/network/transport/tcp-peer.js';
import type { RawReceiverMessage } from './network-raw-baseline.js';

const FRAME_HEADER = 4;

function send(message: RawReceiverMessage, then?: () => void): void {
  process.send!(message, undefined, undefined, () => then?.());
}

function receive(socket: Socket): void {
  let pending: Buffer = Buffer.alloc(0);
  let records = 0;
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => {
    const data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (data.length - offset >= FRAME_HEADER) {
      const length = data.readUInt32BE(offset);
      if (data.length - offset - FRAME_HEADER < length) break;
      const start = offset + FRAME_HEADER;
      records += decodeBatch(data.subarray(start, start + length)).values.length;
      bytes += length;
      offset = start + length;
    }
    pending = data.subarray(offset);
  });
  socket.on('end', () => {
    const finishedAt = wallClockMillis();
    if (pending.length > 0) {
      send(
        { type: 'failed', message: `connection ended inside a frame (${pending.length} bytes left)` },
        () => process.exit(1),
      );
      return;
    }
    send({ type: 'done', records, bytes, finishedAt }, () => process.exit(0));
  });
  socket.on('error', (error) => send({ type: 'failed', message: error.message }, () => process.exit(1)));
}

if (process.send === undefined) {
  console.error('network-raw-receiver must be started with an IPC channel (child_process.fork)');
  process.exit(2);
}
const server = createServer({ noDelay: true, highWaterMark: SOCKET_HIGH_WATER_MARK }, (socket) => {
  server.close(); // one sender only
  receive(socket);
});
server.listen(0, '127.0.0.1', () => {
  send({ type: 'listening', port: (server.address() as AddressInfo).port });
});
