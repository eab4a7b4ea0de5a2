/**
 * String identities for keys in the heap backend's hash maps. A string key is its own identity
 * (no allocation on the hot path); any other key gets a tagged form so that `1`, `'1'` and `1n`
 * stay distinct. Identities of non-string keys start with U+0000 and a tag that no JSON text
 * starts with; the rare string key that itself starts with U+0000 is escaped with a second one.
 */
import { canonicalKeyString } from '../../../common/key-groups.js';

const TAG = '\u0000';

export function heapKeyId(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return key.charCodeAt(0) === 0 ? TAG + key : key;
    case 'number':
      // String(-0) is '0', matching keyHashCode (both hash as integer 0).
      return `${TAG}#${key}`;
    case 'bigint':
      return `${TAG}b${key}`;
    case 'undefined':
      return `${TAG}~`;
    default:
      return TAG + canonicalKeyString(key);
  }
}
