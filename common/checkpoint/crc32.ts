/**
 * CRC-32 (IEEE 802.3, as zip and zlib use it). Node's `zlib.crc32` (Node ≥ 20.15 / 22.2) when there
 * is one, else a table-driven implementation giving the same values.
 */
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

const native = (zlib as { readonly crc32?: Crc32 }).crc32;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  const built = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    built[n] = c >>> 0;
  }
  table = built;
  return built;
}

/** The portable implementation (exported to test it against Node's). */
export function crc32Portable(data: Uint8Array, value = 0): number {
  const lookup = crcTable();
  let crc = (value ^ 0xffffffff) >>> 0;
  for (const byte of data) crc = lookup[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `data`, continuing from `value` (the CRC of what came before). Unsigned 32-bit. */
export function crc32(data: Uint8Array, value = 0): number {
  return native === undefined ? crc32Portable(data, value) : native(data, value) >>> 0;
}
