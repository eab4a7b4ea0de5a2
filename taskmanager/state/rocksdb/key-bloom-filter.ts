/**
 * An in-memory Bloom filter over the RocksDB keys a backend has written: a key it has never seen
 * is certainly not in RocksDB, so the backend caches it as absent without a round trip to the I/O
 * thread (new windows, new keys: the common case of a keyed stream). False positives only cost a
 * read. 2^26 bits (8 MiB), three probes: ~0.04% false positives at 1 M keys, ~5% at 10 M.
 */
const BITS_LOG2 = 26;
const MASK = (1 << BITS_LOG2) - 1;

export class KeyBloomFilter {
  private bits: Int32Array | undefined;

  add(key: Uint8Array): void {
    const bits = (this.bits ??= new Int32Array(1 << (BITS_LOG2 - 5)));
    const [h1, h2] = hashes(key);
    for (let i = 0; i < 3; i++) {
      const bit = (h1 + i * h2) & MASK;
      bits[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mightContain(key: Uint8Array): boolean {
    const bits = this.bits;
    if (bits === undefined) return false;
    const [h1, h2] = hashes(key);
    for (let i = 0; i < 3; i++) {
      const bit = (h1 + i * h2) & MASK;
      if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

const pair: [number, number] = [0, 0];

/** FNV-1a and a multiplicative hash of the bytes (the second made odd, for double hashing). */
function hashes(key: Uint8Array): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const byte = key[i]!;
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b + byte, 0x5bd1e995) ^ (b >>> 15);
  }
  pair[0] = a >>> 0;
  pair[1] = (b | 1) >>> 0;
  return pair;
}
