import { describe, expect, it } from 'vitest';
import { bufferBytes } from './record-batch-codec.js';
import { FreshetError } from '../errors/freshet-error.js';
import { IntermediateDataSetId } from '../ids.js';
import {
  FRAME_MAGIC,
  FRAME_TYPE_IDS,
  FrameDecoder,
  MAX_FRAME_LENGTH,
  decodeFrame,
  encodeFrame,
  encodeFrameChunks,
  type NetworkFrame,
} from './network-frame-codec.js';
import type { NetworkMessage } from './network-messages.js';

const dataSetId = IntermediateDataSetId.of('0123456789abcdef0123456789abcdef');

/** One of every message type (and every channel event), with awkward values where they matter. */
const messages: NetworkMessage[] = [
  {
    type: 'partition-request',
    partitionId: { dataSetId, producerSubtask: 3, producerAttempt: 0 },
    subpartition: 7,
    receiverId: 'task-b/0/1',
    initialCredit: 2,
    replyTo: 'tm-b/1',
  },
  { type: 'add-credit', receiverId: 'task-b/0/1', credit: 4_000_000_000 },
  { type: 'cancel-request', receiverId: 'ünïcødé/☃' },
  { type: 'buffer', receiverId: 'r', backlog: 12, data: Uint8Array.from([0, 1, 2, 254, 255]) },
  { type: 'buffer', receiverId: 'r', backlog: 0, data: new Uint8Array(0) },
  { type: 'event', receiverId: 'r', backlog: 1, event: { type: 'end-of-partition' } },
  { type: 'event', receiverId: 'r', backlog: 0, event: { type: 'watermark', timestamp: 1_700_000_000_123 } },
  { type: 'event', receiverId: 'r', backlog: 0, event: { type: 'watermark', timestamp: -Infinity } },
  { type: 'event', receiverId: 'r', backlog: 5, event: { type: 'watermark-status', status: 'IDLE' } },
  {
    type: 'event',
    receiverId: 'r',
    backlog: 2,
    event: {
      type: 'checkpoint-barrier',
      checkpointId: 7,
      timestamp: 1_700_000_000_500,
      options: { checkpointType: 'checkpoint', alignment: 'aligned', targetLocation: 'file:///ckpt/j/chk-7' },
    },
  },
  {
    type: 'event',
    receiverId: 'r',
    backlog: 0,
    event: {
      type: 'checkpoint-barrier',
      checkpointId: 8,
      timestamp: 1_700_000_001_000,
      options: { checkpointType: 'savepoint', alignment: 'unaligned', targetLocation: 's3://b/sp' },
    },
  },
  { type: 'event', receiverId: 'r', backlog: 0, event: { type: 'cancel-barrier', checkpointId: 7 } },
  { type: 'error-response', receiverId: 'r', message: 'partition x has no subpartition 9' },
];

const frames: NetworkFrame[] = [
  { type: 'hello', taskManagerId: 'tm-a' },
  ...messages.map((message): NetworkFrame => ({ type: 'message', from: 'tm-a/0', to: 'tm-b/1', message })),
];

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function decodeAll(decoder: FrameDecoder, chunks: readonly Uint8Array[]): NetworkFrame[] {
  const out: NetworkFrame[] = [];
  for (const chunk of chunks) for (const frame of decoder.push(chunk)) out.push(frame);
  return out;
}

function expectFrameError(action: () => unknown, code: string, text: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FreshetError);
  expect((caught as FreshetError).code).toBe(code);
  expect((caught as FreshetError).message).toMatch(text);
}

describe('network frame codec', () => {
  it('has one distinct byte ID per frame type', () => {
    const ids = Object.values(FRAME_TYPE_IDS);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(frames.map((frame) => [frame.type === 'hello' ? 'hello' : frame.message.type, frame] as const))(
    'round-trips %s',
    (_name, frame) => {
      expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    },
  );

  it('decodes buffer payloads into fresh, exactly sized arrays', () => {
    const bytes = encodeFrame(frames[4]!);
    const decoded = decodeFrame(bytes);
    if (decoded.type !== 'message' || decoded.message.type !== 'buffer') throw new Error('not a buffer');
    expect(decoded.message.data).toBeInstanceOf(Uint8Array);
    expect(bufferBytes(decoded.message.data).byteOffset).toBe(0);
    expect(bufferBytes(decoded.message.data).buffer.byteLength).toBe(5);
  });

  it('sends buffer payloads as their own chunk, without copying', () => {
    const data = new Uint8Array(1024).fill(7);
    const chunks = encodeFrameChunks({
      type: 'message',
      from: 'a/0',
      to: 'b/1',
      message: { type: 'buffer', receiverId: 'r', backlog: 0, data },
    });
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(data);
  });

  describe('golden bytes (the wire format must not drift)', () => {
    it('hello', () => {
      const frame: NetworkFrame = { type: 'hello', taskManagerId: 'tm-a' };
      const golden = '0000000a f5e7 01 01  0004 746d2d61';
      expect(hex(encodeFrame(frame))).toBe(golden.replace(/\s+/g, ''));
      expect(decodeFrame(fromHex(golden))).toEqual(frame);
    });

    it('buffer', () => {
      const data = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
      const frame: NetworkFrame = {
        type: 'message',
        from: 'a/0',
        to: 'b/1',
        message: { type: 'buffer', receiverId: 'r', backlog: 3, data },
      };
      const golden = '00000019 f5e7 20 01  0003 612f30  0003 622f31  0001 72  00000003  deadbeef';
      expect(hex(encodeFrame(frame))).toBe(golden.replace(/\s+/g, ''));
      expect(decodeFrame(fromHex(golden))).toEqual(frame);
    });

    it('add-credit', () => {
      const frame: NetworkFrame = {
        type: 'message',
        from: 'a/0',
        to: 'b/1',
        message: { type: 'add-credit', receiverId: 'r', credit: 2 },
      };
      const golden = '00000015 f5e7 11 01  0003 612f30  0003 622f31  0001 72  00000002';
      expect(hex(encodeFrame(frame))).toBe(golden.replace(/\s+/g, ''));
      expect(decodeFrame(fromHex(golden))).toEqual(frame);
    });

    it('event (msgpack body)', () => {
      const frame: NetworkFrame = {
        type: 'message',
        from: 'a/0',
        to: 'b/1',
        message: {
          type: 'event',
          receiverId: 'r',
          backlog: 0,
          event: { type: 'watermark', timestamp: 1000 },
        },
      };
      // msgpack ['r', 0, { type: 'watermark', timestamp: 1000 }]
      const body = '93 a172 00 82 a474797065 a977617465726d61726b a974696d657374616d70 cd03e8';
      const golden = `0000002f f5e7 21 01  0003 612f30  0003 622f31  ${body}`;
      expect(hex(encodeFrame(frame))).toBe(golden.replace(/\s+/g, ''));
      expect(decodeFrame(fromHex(golden))).toEqual(frame);
    });
  });

  describe('FrameDecoder', () => {
    const stream = concat(frames.map(encodeFrame));

    it('decodes several frames from one chunk', () => {
      expect(decodeAll(new FrameDecoder(), [stream])).toEqual(frames);
    });

    it('decodes frames fed one byte at a time', () => {
      const decoder = new FrameDecoder();
      const bytes = Array.from(stream, (b) => Uint8Array.of(b));
      expect(decodeAll(decoder, bytes)).toEqual(frames);
      expect(decoder.bufferedBytes).toBe(0);
    });

    it('decodes frames split at every possible pair of points', () => {
      const small = concat(frames.slice(0, 4).map(encodeFrame));
      for (let i = 0; i <= small.byteLength; i += 3) {
        for (let j = i; j <= small.byteLength; j += 5) {
          const chunks = [small.subarray(0, i), small.subarray(i, j), small.subarray(j)];
          expect(decodeAll(new FrameDecoder(), chunks)).toEqual(frames.slice(0, 4));
        }
      }
    });

    it('keeps a partial frame until the rest arrives', () => {
      const decoder = new FrameDecoder();
      const one = encodeFrame(frames[1]!);
      expect(decodeAll(decoder, [one.subarray(0, 10)])).toEqual([]);
      expect(decoder.bufferedBytes).toBe(10);
      expect(decodeAll(decoder, [one.subarray(10)])).toEqual([frames[1]]);
    });

    it('rejects a bad magic as soon as the header is in, and stays failed', () => {
      const decoder = new FrameDecoder();
      const bad = fromHex('00000100 dead 01 01');
      expectFrameError(() => decodeAll(decoder, [bad]), 'NETWORK_FRAME_BAD_MAGIC', /magic 0xdead.*0xf5e7/);
      expectFrameError(
        () => decodeAll(decoder, [encodeFrame(frames[0]!)]),
        'NETWORK_FRAME_BAD_MAGIC',
        /magic/,
      );
    });

    it('yields the good frames before a bad one', () => {
      const decoder = new FrameDecoder();
      const out: NetworkFrame[] = [];
      const bytes = concat([encodeFrame(frames[0]!), fromHex('00000004 f5e7 7f 01')]);
      expectFrameError(
        () => {
          for (const frame of decoder.push(bytes)) out.push(frame);
        },
        'NETWORK_FRAME_UNKNOWN_TYPE',
        /unknown type 0x7f/,
      );
      expect(out).toEqual([frames[0]]);
    });

    it('rejects an absurd length from its first four bytes', () => {
      const tooLong = MAX_FRAME_LENGTH + 1;
      const bytes = Uint8Array.of(
        tooLong >>> 24,
        (tooLong >>> 16) & 0xff,
        (tooLong >>> 8) & 0xff,
        tooLong & 0xff,
      );
      expectFrameError(
        () => decodeAll(new FrameDecoder(), [bytes]),
        'NETWORK_FRAME_BAD_LENGTH',
        /length 67108865 is outside/,
      );
      // An HTTP request on the data port reads as a ~1.2 GB frame.
      expectFrameError(
        () => decodeAll(new FrameDecoder(), [new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')]),
        'NETWORK_FRAME_BAD_LENGTH',
        /outside/,
      );
    });

    it('rejects an unsupported version', () => {
      const bytes = fromHex(`0000000a ${FRAME_MAGIC.toString(16)} 01 09  0004 746d2d61`);
      expectFrameError(
        () => decodeAll(new FrameDecoder(), [bytes]),
        'NETWORK_FRAME_UNSUPPORTED_VERSION',
        /version 9/,
      );
    });

    it('rejects bodies that do not match their type', () => {
      // add-credit without its credit field
      const truncated = fromHex('00000011 f5e7 11 01  0003 612f30  0003 622f31  0001 72');
      expectFrameError(() => decodeFrame(truncated), 'NETWORK_FRAME_MALFORMED', /ends inside credit/);
      // error-response whose msgpack body is a bare number
      const wrongShape = fromHex('0000000f f5e7 22 01  0003 612f30  0003 622f31  07');
      expectFrameError(() => decodeFrame(wrongShape), 'NETWORK_FRAME_MALFORMED', /2-element array/);
      // cancel-request with a trailing byte
      const trailing = fromHex('00000012 f5e7 12 01  0003 612f30  0003 622f31  0001 72  00');
      expectFrameError(() => decodeFrame(trailing), 'NETWORK_FRAME_MALFORMED', /trailing/);
    });

    it('rejects checkpoint barriers with unknown options', () => {
      const barrier = (options: unknown): NetworkFrame =>
        ({
          type: 'message',
          from: 'a/0',
          to: 'b/1',
          message: {
            type: 'event',
            receiverId: 'r',
            backlog: 0,
            event: { type: 'checkpoint-barrier', checkpointId: 1, timestamp: 5, options },
          },
        }) as unknown as NetworkFrame;
      const badAlignment = encodeFrame(barrier({ checkpointType: 'checkpoint', alignment: 'sometimes' }));
      expectFrameError(() => decodeFrame(badAlignment), 'NETWORK_FRAME_MALFORMED', /alignment must be/);
      const badType = encodeFrame(barrier({ checkpointType: 'snapshot', alignment: 'aligned' }));
      expectFrameError(() => decodeFrame(badType), 'NETWORK_FRAME_MALFORMED', /checkpoint type must be/);
    });
  });

  it('refuses to encode values that do not fit the format', () => {
    const frame = (message: NetworkMessage): NetworkFrame => ({
      type: 'message',
      from: 'a/0',
      to: 'b/1',
      message,
    });
    expectFrameError(
      () => encodeFrame(frame({ type: 'add-credit', receiverId: 'r', credit: -1 })),
      'NETWORK_FRAME_UNENCODABLE',
      /credit/,
    );
    expectFrameError(
      () => encodeFrame(frame({ type: 'cancel-request', receiverId: 'x'.repeat(70_000) })),
      'NETWORK_FRAME_UNENCODABLE',
      /receiverId is 70000 bytes/,
    );
  });
});
