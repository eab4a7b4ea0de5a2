/**
 * RocksDB key layout (Flink's RocksDB backend layout, with our own key encoding):
 *
 *   key group (2 bytes, big-endian) | state ID (2 bytes, big-endian) | key length (varint) | key | namespace (UTF-8)
 *
 * The key group comes first, so a subtask's key-group range is one contiguous range of the
 * database and a snapshot or restore touches only its own ranges. The key bytes are built from the
 * key's identity (heapKeyId): equal keys, equal bytes. Values are stored as msgpack of
 * [original key, value], so a snapshot gives keys back exactly as the user made them.
 */
import { Packr } from 'msgpackr';
import { FreshetError } from '../../../common/errors/freshet-error.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const valuePackr = new Packr({ useRecords: false, moreTypes: true });

export const MAX_STATE_ID = 0xffff;

/** The identity bytes of a key identity (see heapKeyId): a type tag, then the value. */
export function keyIdBytes(keyId: unknown): Uint8Array {
  switch (typeof keyId) {
    case 'string': {
      const out = new Uint8Array(1 + keyId.length * 3);
      out[0] = 0x73;
      const { written } = encoder.encodeInto(keyId, out.subarray(1));
      return out.subarray(0, 1 + written);
    }
    case 'number': {
      const out = new Uint8Array(9);
      out[0] = 0x6e;
      scratch.setFloat64(0, keyId === 0 ? 0 : keyId);
      out.set(scratchBytes, 1);
      return out;
    }
    case 'bigint':
      return tagged(0x62, encoder.encode(keyId.toString()));
    case 'boolean':
      return new Uint8Array([keyId ? 0x74 : 0x66]);
    default:
      return new Uint8Array([0x30]);
  }
}

function tagged(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 1);
  out[0] = tag;
  out.set(body, 1);
  return out;
}

/**
 * `stateKey(keyGroup, stateId, keyIdBytes(keyId), namespace)` in one allocation for number keys,
 * the common case (no intermediate identity bytes).
 */
export function stateKeyOf(keyGroup: number, stateId: number, keyId: unknown, namespace: string): Uint8Array {
  if (typeof keyId !== 'number') return stateKey(keyGroup, stateId, keyIdBytes(keyId), namespace);
  const ns = bytesOfNamespace(namespace);
  const out = new Uint8Array(14 + ns.length);
  out[0] = keyGroup >>> 8;
  out[1] = keyGroup & 0xff;
  out[2] = stateId >>> 8;
  out[3] = stateId & 0xff;
  out[4] = 9; // varint length of the 9 identity bytes
  out[5] = 0x6e;
  scratch.setFloat64(0, keyId === 0 ? 0 : keyId);
  out.set(scratchBytes, 6);
  out.set(ns, 14);
  return out;
}

const scratchBytes = new Uint8Array(8);
const scratch = new DataView(scratchBytes.buffer);

/** Namespaces (window names) recur: their bytes are kept for a while. */
const namespaceBytes = new Map<string, Uint8Array>();

function bytesOfNamespace(namespace: string): Uint8Array {
  if (namespace.length === 0) return EMPTY;
  let bytes = namespaceBytes.get(namespace);
  if (bytes === undefined) {
    if (namespaceBytes.size >= 4096) namespaceBytes.clear();
    namespaceBytes.set(namespace, (bytes = encoder.encode(namespace)));
  }
  return bytes;
}

/** key group | state ID | varint length | key identity bytes | namespace. */
export function stateKey(
  keyGroup: number,
  stateId: number,
  keyBytes: Uint8Array,
  namespace: string,
): Uint8Array {
  const ns = bytesOfNamespace(namespace);
  const lengthBytes = varintLength(keyBytes.length);
  const out = new Uint8Array(4 + lengthBytes + keyBytes.length + ns.length);
  out[0] = keyGroup >>> 8;
  out[1] = keyGroup & 0xff;
  out[2] = stateId >>> 8;
  out[3] = stateId & 0xff;
  let pos = writeVarint(out, 4, keyBytes.length);
  out.set(keyBytes, pos);
  pos += keyBytes.length;
  out.set(ns, pos);
  return out;
}

/** The first key of (key group, state ID) and the first key after it. */
export function stateRange(keyGroup: number, stateId: number): [Uint8Array, Uint8Array] {
  const next = stateId === MAX_STATE_ID ? [keyGroup + 1, 0] : [keyGroup, stateId + 1];
  return [prefix(keyGroup, stateId), prefix(next[0]!, next[1]!)];
}

/** [first key of `startKeyGroup`, first key after `endKeyGroup`). */
export function keyGroupsRange(startKeyGroup: number, endKeyGroup: number): [Uint8Array, Uint8Array] {
  return [prefix(startKeyGroup, 0), prefix(endKeyGroup + 1, 0)];
}

function prefix(keyGroup: number, stateId: number): Uint8Array {
  return new Uint8Array([keyGroup >>> 8, keyGroup & 0xff, stateId >>> 8, stateId & 0xff]);
}

export interface DecodedStateKey {
  readonly keyGroup: number;
  readonly stateId: number;
  readonly namespace: string;
}

export function decodeStateKey(bytes: Uint8Array): DecodedStateKey {
  if (bytes.length < 5) throw corrupt('a key shorter than its header');
  let length = 0;
  let shift = 0;
  let pos = 4;
  for (;;) {
    const b = bytes[pos++];
    if (b === undefined) throw corrupt('a truncated key length');
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  const nsStart = pos + length;
  if (nsStart > bytes.length) throw corrupt('a key shorter than its length says');
  return {
    keyGroup: (bytes[0]! << 8) | bytes[1]!,
    stateId: (bytes[2]! << 8) | bytes[3]!,
    namespace: nsStart === bytes.length ? '' : decoder.decode(bytes.subarray(nsStart)),
  };
}

export function encodeStateValue(key: unknown, value: unknown): Uint8Array {
  return valuePackr.pack([key, value]);
}

export function decodeStateValue(bytes: Uint8Array): [key: unknown, value: unknown] {
  const decoded = valuePackr.unpack(bytes) as unknown;
  if (!Array.isArray(decoded) || decoded.length !== 2) throw corrupt('a value that is not [key, value]');
  return decoded as [unknown, unknown];
}

const EMPTY = new Uint8Array(0);

function varintLength(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    bytes++;
  }
  return bytes;
}

function writeVarint(out: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  return pos;
}

function corrupt(what: string): FreshetError {
  return new FreshetError('CORRUPT_ROCKSDB_STATE', `RocksDB state holds ${what}`);
}
