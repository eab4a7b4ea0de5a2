/**
 * Byte-level helpers for the data-plane frame codec: a writer that assembles one frame's head
 * (header plus fixed fields) in a single allocation, and a bounds-checked reader over a frame's
 * body. Strings are a u16 big-endian byte length followed by UTF-8; integers are big-endian.
 */
import { Packr } from 'msgpackr';
import { ErrorDomain, FreshetError } from '../errors/freshet-error.js';

/** Plain msgpack (no records extension, compact maps) so the bytes are stable and portable. */
const packr = new Packr({ useRecords: false, variableMapSize: true });
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;

export function malformedFrame(what: string, cause?: unknown): FreshetError {
  return new FreshetError(
    'NETWORK_FRAME_MALFORMED',
    `malformed network frame: ${what}; the peer speaks a different protocol version or the stream is corrupt`,
    { domain: ErrorDomain.external, ...(cause === undefined ? {} : { cause }) },
  );
}

function unencodable(what: string): FreshetError {
  return new FreshetError('NETWORK_FRAME_UNENCODABLE', `cannot encode network frame: ${what}`);
}

/** Collects the pieces of a frame after the 8-byte header; `finish` writes header and pieces at once. */
export class FrameWriter {
  private readonly pieces: (Uint8Array | { readonly width: 2 | 4; readonly value: number })[] = [];
  private size = 0;

  /** Bytes collected so far (after the header). */
  get byteLength(): number {
    return this.size;
  }

  str(value: string, what: string): this {
    const bytes = textEncoder.encode(value);
    if (bytes.byteLength > MAX_U16) {
      throw unencodable(`${what} is ${bytes.byteLength} bytes of UTF-8, more than ${MAX_U16}`);
    }
    this.pieces.push({ width: 2, value: bytes.byteLength }, bytes);
    this.size += 2 + bytes.byteLength;
    return this;
  }

  u32(value: number, what: string): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
      throw unencodable(`${what} must be an integer in [0, ${MAX_U32}], got ${value}`);
    }
    this.pieces.push({ width: 4, value });
    this.size += 4;
    return this;
  }

  msgpack(value: unknown): this {
    const bytes = packr.pack(value);
    this.pieces.push(bytes);
    this.size += bytes.byteLength;
    return this;
  }

  /**
   * Returns the frame as chunks: the head (header, fields) and, if given, the `tail` bytes
   * untouched (a buffer's payload is never copied or re-encoded on the send side).
   */
  finish(magic: number, typeId: number, version: number, tail?: Uint8Array): Uint8Array[] {
    const tailLength = tail?.byteLength ?? 0;
    const head = new Uint8Array(8 + this.size);
    const view = new DataView(head.buffer);
    view.setUint32(0, 4 + this.size + tailLength);
    view.setUint16(4, magic);
    view.setUint8(6, typeId);
    view.setUint8(7, version);
    let pos = 8;
    for (const piece of this.pieces) {
      if (piece instanceof Uint8Array) {
        head.set(piece, pos);
        pos += piece.byteLength;
      } else {
        if (piece.width === 2) view.setUint16(pos, piece.value);
        else view.setUint32(pos, piece.value);
        pos += piece.width;
      }
    }
    return tail === undefined ? [head] : [head, tail];
  }
}

/** Reads a frame body front to back; every read is bounds-checked. */
export class FrameReader {
  private readonly view: DataView;
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  str(what: string): string {
    this.need(2, what);
    const length = this.view.getUint16(this.pos);
    this.pos += 2;
    this.need(length, what);
    const raw = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    try {
      return textDecoder.decode(raw);
    } catch (error) {
      throw malformedFrame(`${what} is not valid UTF-8`, error);
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.pos);
    this.pos += 4;
    return value;
  }

  /** The remaining bytes as a fresh, exactly sized array (safe to transfer to another thread). */
  rest(): Uint8Array {
    // A plain copy: `slice` on a Node Buffer would be a view into the socket's chunk.
    const out = new Uint8Array(this.bytes.byteLength - this.pos);
    out.set(this.bytes.subarray(this.pos));
    this.pos = this.bytes.byteLength;
    return out;
  }

  msgpack(what: string): unknown {
    const raw = this.bytes.subarray(this.pos);
    this.pos = this.bytes.byteLength;
    try {
      return packr.unpack(raw);
    } catch (error) {
      throw malformedFrame(`${what} is not valid msgpack`, error);
    }
  }

  end(what: string): void {
    if (this.pos !== this.bytes.byteLength) {
      throw malformedFrame(`${this.bytes.byteLength - this.pos} unexpected trailing bytes after ${what}`);
    }
  }

  private need(count: number, what: string): void {
    if (this.pos + count > this.bytes.byteLength) throw malformedFrame(`the frame ends inside ${what}`);
  }
}

/** Checks a decoded msgpack value is an array of exactly `length` elements. */
export function expectTuple(value: unknown, length: number, what: string): readonly unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw malformedFrame(`${what} must be a ${length}-element array`);
  }
  return value as readonly unknown[];
}

export function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw malformedFrame(`${what} must be a string`);
  return value;
}

export function expectNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') throw malformedFrame(`${what} must be a number`);
  return value;
}

export function expectInteger(value: unknown, what: string): number {
  const n = expectNumber(value, what);
  if (!Number.isSafeInteger(n) || n < 0) throw malformedFrame(`${what} must be a non-negative integer`);
  return n;
}
