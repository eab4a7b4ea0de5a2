import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { bufferBytes } from '../../../common/protocol/record-batch-codec.js';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor as waitForCondition } from '../../../test/support/cli.js';
import type { FreshetError } from '../../../common/errors/freshet-error.js';
import { IntermediateDataSetId } from '../../../common/ids.js';
import { encodeFrame } from '../../../common/protocol/network-frame-codec.js';
import type { NetworkMessage } from '../../../common/protocol/network-messages.js';
import { TcpTransport, type TcpAddress } from './tcp-transport.js';

const HOST = '127.0.0.1';

interface TestNode {
  readonly transport: TcpTransport;
  readonly address: TcpAddress;
  readonly received: { readonly to: string; readonly from: string; readonly message: NetworkMessage }[];
  readonly errors: { readonly error: FreshetError; readonly remote: string | undefined }[];
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const waitFor = (condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> =>
  waitForCondition(condition, deadlineMs, what, 2);

async function startNode(
  taskManagerId: string,
  handler?: (to: string, from: string, message: NetworkMessage) => void,
): Promise<TestNode> {
  const transport = new TcpTransport(taskManagerId);
  const received: TestNode['received'] = [];
  const errors: TestNode['errors'] = [];
  transport.onMessage(handler ?? ((to, from, message) => received.push({ to, from, message })));
  transport.onError((error, remote) => errors.push({ error, remote }));
  const port = await transport.listen(HOST, 0);
  cleanups.push(() => transport.close());
  return { transport, address: { host: HOST, port }, received, errors };
}

/** A hand-driven client of a data port; it reads (and drops) what it is sent so it sees the close. */
async function rawSocket(address: TcpAddress): Promise<{ socket: Socket; isClosed: () => boolean }> {
  const socket = connect(address.port, address.host);
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  socket.resume();
  cleanups.push(() => void socket.destroy());
  await waitFor(() => !socket.connecting || closed, 'the raw socket to connect');
  return { socket, isClosed: () => closed };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const dataSetId = IntermediateDataSetId.of('fedcba9876543210fedcba9876543210');

const everyMessage: NetworkMessage[] = [
  {
    type: 'partition-request',
    partitionId: { dataSetId, producerSubtask: 1, producerAttempt: 0 },
    subpartition: 0,
    receiverId: 'consumer/0/0',
    initialCredit: 2,
    replyTo: 'tm-a/0',
  },
  { type: 'add-credit', receiverId: 'consumer/0/0', credit: 3 },
  { type: 'buffer', receiverId: 'consumer/0/0', backlog: 4, data: Uint8Array.from([1, 2, 3]) },
  { type: 'event', receiverId: 'consumer/0/0', backlog: 0, event: { type: 'watermark', timestamp: 42 } },
  {
    type: 'event',
    receiverId: 'consumer/0/0',
    backlog: 0,
    event: { type: 'watermark-status', status: 'ACTIVE' },
  },
  { type: 'event', receiverId: 'consumer/0/0', backlog: 0, event: { type: 'end-of-partition' } },
  { type: 'error-response', receiverId: 'consumer/0/0', message: 'no such subpartition' },
  { type: 'cancel-request', receiverId: 'consumer/0/0' },
];

describe('TcpTransport', () => {
  it('delivers every message type in order and answers over the same connection', async () => {
    const a = await startNode('tm-a');
    const b = await startNode('tm-b');
    const aToB = a.transport.connectionTo('tm-a/0', 'tm-b/3', b.address);
    for (const message of everyMessage) aToB.send(message);
    await waitFor(() => b.received.length === everyMessage.length, 'all messages at tm-b');
    expect(b.received).toEqual(everyMessage.map((message) => ({ to: 'tm-b/3', from: 'tm-a/0', message })));

    // tm-b answers over the connection tm-a opened: the address it is given is never dialled.
    const bToA = b.transport.connectionTo('tm-b/3', 'tm-a/1', { host: HOST, port: await closedPort() });
    for (const message of everyMessage) bToA.send(message);
    await waitFor(() => a.received.length === everyMessage.length, 'all messages at tm-a');
    expect(a.received).toEqual(everyMessage.map((message) => ({ to: 'tm-a/1', from: 'tm-b/3', message })));
    expect(a.transport.openConnections()).toBe(1);
    expect(b.transport.openConnections()).toBe(1);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('moves 10k 32 KiB buffers intact and in order against a credit window', async () => {
    const TOTAL = 10_000;
    const SIZE = 32 * 1024;
    const WINDOW = 64;
    const templates = Array.from({ length: 251 }, (_, t) =>
      Buffer.from(Array.from({ length: SIZE }, (_, i) => (t + i * 7) & 0xff)),
    );
    let credit = WINDOW;
    let sent = 0;
    let received = 0;
    let corrupt = 0;
    let maxQueued = 0;
    let pump = (): void => undefined;
    let creditBack = (): void => undefined;

    const a = await startNode('tm-a', (_to, _from, message) => {
      if (message.type === 'add-credit') {
        credit += message.credit;
        pump();
      }
    });
    const b = await startNode('tm-b', (_to, _from, message) => {
      if (message.type !== 'buffer') return;
      const bytes = bufferBytes(message.data);
      const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const seq = data.readUInt32BE(0);
      const template = templates[seq % templates.length]!;
      if (seq !== received || data.length !== SIZE || data.compare(template, 4, SIZE, 4, SIZE) !== 0)
        corrupt++;
      received++;
      if (received % 16 === 0) creditBack();
    });
    const aToB = a.transport.connectionTo('tm-a/0', 'tm-b/0', b.address);
    const bToA = b.transport.connectionTo('tm-b/0', 'tm-a/0', a.address);
    creditBack = () => bToA.send({ type: 'add-credit', receiverId: 'r', credit: 16 });
    pump = () => {
      while (credit > 0 && sent < TOTAL) {
        const data = new Uint8Array(SIZE);
        data.set(templates[sent % templates.length]!);
        new DataView(data.buffer).setUint32(0, sent);
        credit--;
        sent++;
        aToB.send({ type: 'buffer', receiverId: 'r', backlog: TOTAL - sent, data });
        maxQueued = Math.max(maxQueued, a.transport.queuedFrames());
      }
    };
    pump();
    await waitFor(() => received === TOTAL, `${TOTAL} buffers (got ${received})`, 60_000);
    expect(corrupt).toBe(0);
    expect(maxQueued).toBeLessThanOrEqual(WINDOW);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('queues frames while the socket is backpressured and sends them on drain', async () => {
    let slowSocket: Socket | undefined;
    let bytesRead = 0;
    const server: Server = createServer((socket) => {
      slowSocket = socket;
      socket.pause();
      socket.on('data', (chunk: Buffer) => (bytesRead += chunk.byteLength));
      socket.write(encodeFrame({ type: 'hello', taskManagerId: 'tm-slow' }));
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => void slowSocket?.destroy());
    const a = await startNode('tm-a');
    const toSlow = a.transport.connectionTo('tm-a/0', 'tm-slow/0', {
      host: HOST,
      port: (server.address() as AddressInfo).port,
    });
    const FRAMES = 1000;
    const data = new Uint8Array(32 * 1024);
    for (let i = 0; i < FRAMES; i++) toSlow.send({ type: 'buffer', receiverId: 'r', backlog: 0, data });
    await waitFor(() => slowSocket !== undefined, 'the slow peer to accept');
    expect(a.transport.queuedFrames()).toBeGreaterThan(0);

    slowSocket!.resume();
    const helloBytes = encodeFrame({ type: 'hello', taskManagerId: 'tm-a' }).byteLength;
    const frameBytes = encodeFrame({
      type: 'message',
      from: 'tm-a/0',
      to: 'tm-slow/0',
      message: { type: 'buffer', receiverId: 'r', backlog: 0, data },
    }).byteLength;
    await waitFor(() => bytesRead === helloBytes + FRAMES * frameBytes, 'every queued frame to be written');
    expect(a.transport.queuedFrames()).toBe(0);
    expect(a.errors).toEqual([]);
  });

  it('closes a connection that sends garbage and keeps the others working', async () => {
    const a = await startNode('tm-a');
    const b = await startNode('tm-b');
    const aToB = a.transport.connectionTo('tm-a/0', 'tm-b/0', b.address);
    aToB.send({ type: 'cancel-request', receiverId: 'before' });
    await waitFor(() => b.received.length === 1, 'the first message');

    const garbage = await rawSocket(b.address);
    garbage.socket.write(Uint8Array.from([0, 0, 0, 4, 0xde, 0xad, 0x01, 0x01]));
    await waitFor(garbage.isClosed, 'tm-b to close the garbage connection');
    await waitFor(() => b.errors.length === 1, 'the bad-magic error');
    expect(b.errors[0]!.error.code).toBe('NETWORK_FRAME_BAD_MAGIC');
    expect(b.errors[0]!.remote).toBeUndefined();

    // A peer that says hello and then sends an unknown frame type is named in the error.
    const unknown = await rawSocket(b.address);
    unknown.socket.write(encodeFrame({ type: 'hello', taskManagerId: 'tm-x' }));
    unknown.socket.write(Uint8Array.from([0, 0, 0, 4, 0xf5, 0xe7, 0x7e, 0x01]));
    await waitFor(unknown.isClosed, 'tm-b to close the unknown-type connection');
    await waitFor(() => b.errors.length === 2, 'the unknown-type error');
    expect(b.errors[1]!.error.code).toBe('NETWORK_FRAME_UNKNOWN_TYPE');
    expect(b.errors[1]!.remote).toBe('tm-x');

    aToB.send({ type: 'cancel-request', receiverId: 'after' });
    b.transport
      .connectionTo('tm-b/0', 'tm-a/0', a.address)
      .send({ type: 'cancel-request', receiverId: 'back' });
    await waitFor(() => b.received.length === 2 && a.received.length === 1, 'messages after the garbage');
    expect(b.received[1]!.message).toEqual({ type: 'cancel-request', receiverId: 'after' });
    expect(a.received[0]!.message).toEqual({ type: 'cancel-request', receiverId: 'back' });
    expect(a.errors).toEqual([]);
  });

  it('rejects frames routed to another TaskManager', async () => {
    const b = await startNode('tm-b');
    const liar = await rawSocket(b.address);
    liar.socket.write(encodeFrame({ type: 'hello', taskManagerId: 'tm-x' }));
    liar.socket.write(
      encodeFrame({
        type: 'message',
        from: 'tm-x/0',
        to: 'tm-c/0',
        message: { type: 'cancel-request', receiverId: 'r' },
      }),
    );
    await waitFor(liar.isClosed, 'tm-b to close the misrouting connection');
    await waitFor(() => b.errors.length === 1, 'the routing error');
    expect(b.errors[0]!.error.code).toBe('NETWORK_PROTOCOL_VIOLATION');
    expect(b.errors[0]!.error.message).toMatch(/tm-c\/0, which is not a slot here/);
    expect(b.received).toEqual([]);
  });

  it('rejects a peer that is not the TaskManager it dialled, or skips its hello', async () => {
    const a = await startNode('tm-a');
    const b = await startNode('tm-b');
    a.transport.connectionTo('tm-a/0', 'tm-c/0', b.address).send({ type: 'cancel-request', receiverId: 'r' });
    await waitFor(() => a.errors.length === 1, 'the identity error');
    expect(a.errors[0]!.error.code).toBe('NETWORK_PROTOCOL_VIOLATION');
    expect(a.errors[0]!.error.message).toMatch(
      /dialled TaskManager tm-c at 127\.0\.0\.1:\d+ but tm-b answered/,
    );

    const rude = await rawSocket(b.address);
    rude.socket.write(
      encodeFrame({
        type: 'message',
        from: 'tm-x/0',
        to: 'tm-b/0',
        message: { type: 'cancel-request', receiverId: 'r' },
      }),
    );
    await waitFor(rude.isClosed, 'tm-b to close the connection without hello');
    await waitFor(
      () => b.errors.some((e) => /before its hello/.test(e.error.message)),
      'the missing-hello error',
    );
    expect(b.received).toEqual([]);
  });

  it('reports an unreachable TaskManager and refuses later sends to it', async () => {
    const a = await startNode('tm-a');
    const nowhere = { host: HOST, port: await closedPort() };
    const toNowhere = a.transport.connectionTo('tm-a/0', 'tm-gone/0', nowhere);
    toNowhere.send({ type: 'cancel-request', receiverId: 'r' });
    await waitFor(() => a.errors.length === 1, 'the connection error');
    expect(a.errors[0]!.error.code).toBe('NETWORK_CONNECTION_FAILED');
    expect(a.errors[0]!.remote).toBe('tm-gone');
    expect(() => toNowhere.send({ type: 'cancel-request', receiverId: 'r' })).toThrow(/tm-gone.*closed/);
  });

  it('refuses TCP for slots of its own TaskManager', async () => {
    const a = await startNode('tm-a');
    expect(() => a.transport.connectionTo('tm-a/0', 'tm-a/1', a.address)).toThrow(/in-process connection/);
    expect(() => a.transport.connectionTo('tm-b/0', 'tm-c/1', a.address)).toThrow(
      /not a slot of TaskManager tm-a/,
    );
  });
});
