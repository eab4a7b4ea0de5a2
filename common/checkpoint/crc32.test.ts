import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Portable } from './crc32.js';

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Portable(check)).toBe(0xcbf43926);
  });

  it('portable and native implementations agree, also when continued', () => {
    const data = randomBytes(4099);
    expect(crc32Portable(data)).toBe(crc32(data));
    expect(crc32Portable(data.subarray(100), crc32Portable(data.subarray(0, 100)))).toBe(crc32(data));
  });
});
