import { describe, expect, it } from 'vitest';

import { FreshetError } from '../../common/errors/freshet-error.js';
import { Watermark } from './watermark.js';

describe('Watermark', () => {
  it('MAX_WATERMARK is our Long.MAX_VALUE and MIN_WATERMARK our Long.MIN_VALUE', () => {
    expect(Watermark.MAX_WATERMARK.timestamp).toBe(Number.MAX_SAFE_INTEGER);
    expect(Watermark.MIN_WATERMARK.timestamp).toBe(Number.MIN_SAFE_INTEGER);
  });

  it('carries its timestamp and compares by value', () => {
    const watermark = new Watermark(42);
    expect(watermark.timestamp).toBe(42);
    expect(watermark.equals(new Watermark(42))).toBe(true);
    expect(watermark.equals(new Watermark(43))).toBe(false);
    expect(String(watermark)).toBe('Watermark @ 42');
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2])(
    'rejects %s with a clear error',
    (timestamp) => {
      const thrown = (() => {
        try {
          new Watermark(timestamp);
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      expect(thrown).toBeInstanceOf(FreshetError);
      expect((thrown as FreshetError).code).toBe('INVALID_WATERMARK');
      expect((thrown as FreshetError).domain).toBe('user');
      expect((thrown as FreshetError).message).toContain('MAX_WATERMARK');
    },
  );
});
