/**
 * Identities for keys in the heap backend's hash maps. Primitive keys are their own identity (a
 * Map keeps 1, '1', 1n and true apart, and hashes numbers without building strings); object keys
 * get their canonical JSON behind U+0000, so equal structures share an entry. The rare string key
 * that itself starts with U+0000 is escaped with a second one, so it never meets an object's.
 */
import { canonicalKeyString } from '../../../common/key-groups.js';

const TAG = '\u0000';

export function heapKeyId(key: unknown): unknown {
  switch (typeof key) {
    case 'string':
      return key.charCodeAt(0) === 0 ? TAG + key : key;
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      // A Map tells 1, '1', 1n and true apart by itself (and treats -0 as 0, as keyHashCode does).
      return key;
    default:
      return key === null ? null : TAG + canonicalKeyString(key);
  }
}
