/**
 * Binary frames for the data plane between TaskManagers (one TCP connection per TaskManager pair
 * carries the messages of all slot pairs). Every frame starts with an 8-byte header:
 *
 *   length u32 BE (bytes after this field) | magic u16 BE (0xF5E7) | frame type u8 | version u8
 *
 * A `hello` frame opens each connection and names the sending TaskManager. Every other frame
 * carries one NetworkMessage plus the slot locations it is routed between: `from` (the sending
 * slot) and `to` (the receiving slot), each a u16-length UTF-8 string, then the message body.
 * Buffers and credit (the hot path) are laid out by hand, a buffer's payload as raw bytes at the
 * end; the rarer control messages are msgpack tuples. `FrameDecoder` reassembles frames from a
 * byte stream and rejects anything that is not this protocol.
 */
import { ErrorDomain, FreshetError } from '../errors/freshet-error.js';
import { FrameReader, FrameWriter, malformedFrame } from './network-frame-bytes.js';
import { readMessageBody, writeMessageBody } from './network-message-body.js';
import type { NetworkMessage } from './network-messages.js';

export const FRAME_MAGIC = 0xf5e7;
export const FRAME_VERSION = 1;
export const FRAME_HEADER_LENGTH = 8;
/** Frames whose length field exceeds this are rejected before anything is buffered. */
export const MAX_FRAME_LENGTH = 64 * 1024 * 1024;

/** First frame on every connection, in both directions. */
export interface HelloFrame {
  readonly type: 'hello';
  readonly taskManagerId: string;
}

/** One data-plane message between two slots (`<taskManagerId>/<slotIndex>` locations). */
export interface MessageFrame {
  readonly type: 'message';
  readonly from: string;
  readonly to: string;
  readonly message: NetworkMessage;
}

export type NetworkFrame = HelloFrame | MessageFrame;

/** The one table of frame type byte IDs. Never reuse an ID; add new ones and bump the version. */
export const FRAME_TYPE_IDS = {
  hello: 0x01,
  'partition-request': 0x10,
  'add-credit': 0x11,
  'cancel-request': 0x12,
  buffer: 0x20,
  event: 0x21,
  'error-response': 0x22,
} as const satisfies Record<'hello' | NetworkMessage['type'], number>;

type FrameTypeName = keyof typeof FRAME_TYPE_IDS;

const FRAME_TYPE_BY_ID: ReadonlyMap<number, FrameTypeName> = new Map(
  Object.entries(FRAME_TYPE_IDS).map(([name, id]) => [id, name as FrameTypeName]),
);

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

function frameError(code: string, message: string): FreshetError {
  return new FreshetError(code, message, { domain: ErrorDomain.external });
}

function checkLength(length: number): void {
  if (length < FRAME_HEADER_LENGTH - 4 || length > MAX_FRAME_LENGTH) {
    throw frameError(
      'NETWORK_FRAME_BAD_LENGTH',
      `network frame length ${length} is outside [${FRAME_HEADER_LENGTH - 4}, ${MAX_FRAME_LENGTH}] bytes; ` +
        'the peer is not a Freshet data port or the stream is corrupt',
    );
  }
}

/**
 * Checks the header fields and returns the frame type. Throws on an absurd length, a bad magic,
 * an unknown type or an unsupported version, each with its own error code.
 */
function checkHeader(length: number, magic: number, typeId: number, version: number): FrameTypeName {
  checkLength(length);
  if (magic !== FRAME_MAGIC) {
    throw frameError(
      'NETWORK_FRAME_BAD_MAGIC',
      `network frame has magic ${hex(magic, 4)}, expected ${hex(FRAME_MAGIC, 4)}; ` +
        'the peer is not a Freshet TaskManager data port',
    );
  }
  const type = FRAME_TYPE_BY_ID.get(typeId);
  if (type === undefined) {
    throw frameError(
      'NETWORK_FRAME_UNKNOWN_TYPE',
      `network frame has unknown type ${hex(typeId, 2)}; the peer runs an incompatible Freshet version`,
    );
  }
  if (version !== FRAME_VERSION) {
    throw frameError(
      'NETWORK_FRAME_UNSUPPORTED_VERSION',
      `network frame has protocol version ${version}, this TaskManager speaks ${FRAME_VERSION}; ` +
        'run the same Freshet version on all TaskManagers',
    );
  }
  return type;
}

/**
 * Encodes a frame as the chunks to write in order: one chunk, or for a buffer message a head chunk
 * followed by the buffer's own bytes (not copied).
 */
export function encodeFrameChunks(frame: NetworkFrame): Uint8Array[] {
  const writer = new FrameWriter();
  if (frame.type === 'hello') {
    writer.str(frame.taskManagerId, 'taskManagerId');
    return writer.finish(FRAME_MAGIC, FRAME_TYPE_IDS.hello, FRAME_VERSION);
  }
  const { message } = frame;
  writer.str(frame.from, 'from location').str(frame.to, 'to location');
  const tail = writeMessageBody(writer, message);
  if (4 + writer.byteLength + (tail?.byteLength ?? 0) > MAX_FRAME_LENGTH) {
    throw new FreshetError(
      'NETWORK_FRAME_UNENCODABLE',
      `a ${message.type} frame of more than ${MAX_FRAME_LENGTH} bytes cannot be sent; use smaller network buffers`,
    );
  }
  return writer.finish(FRAME_MAGIC, FRAME_TYPE_IDS[message.type], FRAME_VERSION, tail);
}

/** Encodes a frame into one contiguous byte array (tests, fixtures). */
export function encodeFrame(frame: NetworkFrame): Uint8Array {
  const chunks = encodeFrameChunks(frame);
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.byteLength, 0));
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.byteLength;
  }
  return out;
}

/** Decodes exactly one complete frame (header included). */
export function decodeFrame(bytes: Uint8Array): NetworkFrame {
  if (bytes.byteLength < FRAME_HEADER_LENGTH) throw malformedFrame('shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0);
  const type = checkHeader(length, view.getUint16(4), view.getUint8(6), view.getUint8(7));
  if (length + 4 !== bytes.byteLength) {
    throw malformedFrame(`length field says ${length + 4} bytes but the frame has ${bytes.byteLength}`);
  }
  const reader = new FrameReader(bytes, FRAME_HEADER_LENGTH);
  if (type === 'hello') {
    const taskManagerId = reader.str('taskManagerId');
    reader.end('hello');
    return { type: 'hello', taskManagerId };
  }
  const from = reader.str('from location');
  const to = reader.str('to location');
  const message = readMessageBody(type, reader);
  return { type: 'message', from, to, message };
}

/**
 * Reassembles frames from a byte stream: chunks may hold part of a frame or several frames. A
 * header is checked as soon as its 8 bytes are in, so garbage is rejected without waiting for the
 * length it claims. After an error the stream cannot be resynchronised: every later push rethrows.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  /** Read position inside chunks[0]. */
  private offset = 0;
  private buffered = 0;
  private failure: FreshetError | undefined;
  private readonly scratch = new Uint8Array(FRAME_HEADER_LENGTH);

  /** Bytes received and not yet decoded (a gauge; at most one frame plus one chunk). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and yields every frame it completes, in order. */
  *push(chunk: Uint8Array): Generator<NetworkFrame, void, undefined> {
    if (this.failure !== undefined) throw this.failure;
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.byteLength;
    }
    for (;;) {
      if (this.buffered < 4) return;
      const header = this.peekHeader();
      const length = header.getUint32(0);
      try {
        if (this.buffered < FRAME_HEADER_LENGTH) {
          checkLength(length);
          return;
        }
        checkHeader(length, header.getUint16(4), header.getUint8(6), header.getUint8(7));
        if (this.buffered < length + 4) return;
        const frame = decodeFrame(this.take(length + 4));
        yield frame;
      } catch (error) {
        this.failure =
          error instanceof FreshetError ? error : malformedFrame('the frame could not be decoded', error);
        this.chunks = [];
        this.buffered = 0;
        throw this.failure;
      }
    }
  }

  private peekHeader(): DataView {
    const count = Math.min(FRAME_HEADER_LENGTH, this.buffered);
    let copied = 0;
    let pos = this.offset;
    for (let i = 0; copied < count; i++) {
      const chunk = this.chunks[i]!;
      const n = Math.min(count - copied, chunk.byteLength - pos);
      this.scratch.set(chunk.subarray(pos, pos + n), copied);
      copied += n;
      pos = 0;
    }
    return new DataView(this.scratch.buffer);
  }

  /** Removes `n` buffered bytes: a view when they lie in one chunk, else a copy. */
  private take(n: number): Uint8Array {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.byteLength - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(first, n);
      return out;
    }
    const out = new Uint8Array(n);
    let copied = 0;
    while (copied < n) {
      const chunk = this.chunks[0]!;
      const count = Math.min(n - copied, chunk.byteLength - this.offset);
      out.set(chunk.subarray(this.offset, this.offset + count), copied);
      copied += count;
      this.advance(chunk, count);
    }
    return out;
  }

  private advance(chunk: Uint8Array, count: number): void {
    this.offset += count;
    if (this.offset === chunk.byteLength) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
