import { describe, expect, it } from 'vitest';
import { decodeStateKey, keyIdBytes, stateKey, stateKeyOf } from './rocksdb-key-codec.js';

describe('stateKeyOf', () => {
  it('builds the same bytes as stateKey over keyIdBytes, for every kind of key identity', () => {
    for (const id of [0, -0, 1, -7.5, 1e300, 'k', '', 'ü€', 12n, true, null]) {
      expect(stateKeyOf(5, 9, id, 't:1:2')).toEqual(stateKey(5, 9, keyIdBytes(id), 't:1:2'));
      expect(stateKeyOf(300, 65535, id, '')).toEqual(stateKey(300, 65535, keyIdBytes(id), ''));
    }
  });
});

describe('decodeStateKey', () => {
  it('gives back the key group, state ID and namespace', () => {
    expect(decodeStateKey(stateKeyOf(300, 65535, 'some key', 't:10:20'))).toEqual({
      keyGroup: 300,
      stateId: 65535,
      namespace: 't:10:20',
    });
    expect(decodeStateKey(stateKeyOf(0, 1, 42, ''))).toEqual({ keyGroup: 0, stateId: 1, namespace: '' });
  });
});
