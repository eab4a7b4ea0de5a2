import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart } from './multipart-parser.js';
import { binaryishPayload, multipartBody } from './testing/testing-multipart.js';

const B = 'XyZ-boundary_01';
const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

describe('multipartBoundary', () => {
  it('reads plain and quoted boundaries, case-insensitive media type', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${B}`)).toBe(B);
    expect(multipartBoundary('Multipart/Form-Data ; charset=utf-8; BOUNDARY="a b:c"')).toBe('a b:c');
  });

  it.each([
    [undefined, 'no Content-Type'],
    ['application/json', 'expected Content-Type multipart/form-data'],
    ['multipart/mixed; boundary=x', 'expected Content-Type multipart/form-data'],
    ['multipart/form-data', 'no boundary'],
    ['multipart/form-data; boundary=""', 'not a valid boundary'],
    [`multipart/form-data; boundary="${'a'.repeat(71)}"`, 'not a valid boundary'],
    ['multipart/form-data; boundary="ends with space "', 'not a valid boundary'],
    ['multipart/form-data; boundary=a; boundary=b', 'appears twice'],
    ['multipart/form-data; boundary="unterminated', 'unterminated'],
  ])('rejects %s', (contentType, message) => {
    expect(() => multipartBoundary(contentType)).toThrow(message);
  });
});

describe('parseMultipart', () => {
  it('splits fields and files with their names, file names and content types', () => {
    const body = multipartBody(B, [
      { name: 'a', data: 'one' },
      { name: 'jarfile', filename: 'job.js', contentType: 'text/javascript', data: 'two' },
    ]);
    expect(parseMultipart(body, B)).toEqual([
      { name: 'a', data: Buffer.from('one') },
      { name: 'jarfile', filename: 'job.js', contentType: 'text/javascript', data: Buffer.from('two') },
    ]);
  });

  it('keeps binary content byte for byte: CR, LF, CRLF, "--" and boundary prefixes inside it', () => {
    const payload = binaryishPayload(B);
    const [part] = parseMultipart(multipartBody(B, [{ name: 'f', filename: 'x', data: payload }]), B);
    expect(part?.data.equals(payload)).toBe(true);
  });

  it('keeps content that is empty or only CRLFs', () => {
    const parts = parseMultipart(
      multipartBody(B, [
        { name: 'empty', data: '' },
        { name: 'crlf', data: '\r\n\r\n' },
      ]),
      B,
    );
    expect(parts.map((p) => p.data.toString())).toEqual(['', '\r\n\r\n']);
  });

  it('ignores preamble and epilogue, allows transport padding and a part without headers for form fields', () => {
    const body = crlf([
      'preamble line',
      `--${B} \t`,
      'content-disposition: form-data; name=plain',
      '',
      'v',
      `--${B}--   trailing`,
      'epilogue',
    ]);
    expect(parseMultipart(body, B)).toEqual([{ name: 'plain', data: Buffer.from('v') }]);
  });

  it('decodes quoted-string escapes, UTF-8 file names and RFC 8187 filename*', () => {
    const body = crlf([
      `--${B}`,
      'Content-Disposition: form-data; name="f"; filename="a\\"b;c.js"',
      '',
      'x',
      `--${B}`,
      `Content-Disposition: form-data; name="g"; filename="fallback.js"; filename*=UTF-8''na%C3%AFve%20job.js`,
      '',
      'y',
      `--${B}`,
      'Content-Disposition: form-data; name="h"; filename="wörd.js"',
      '',
      'z',
      `--${B}--`,
    ]);
    expect(parseMultipart(body, B).map((p) => p.filename)).toEqual(['a"b;c.js', 'naïve job.js', 'wörd.js']);
  });

  it('accepts zero parts', () => {
    expect(parseMultipart(Buffer.from(`--${B}--`), B)).toEqual([]);
  });

  it.each([
    ['no boundary at all', Buffer.from('hello'), 'contains no boundary'],
    [
      'LF line endings',
      Buffer.from(`--${B}\nContent-Disposition: form-data; name="a"\n\nx\n--${B}--`),
      'CRLF',
    ],
    [
      'a bare LF inside headers',
      crlf([`--${B}`, 'Content-Disposition: form-data; name="a"\nX: y', '', 'x', `--${B}--`]),
      'bare CR or LF',
    ],
    [
      'a missing closing delimiter',
      crlf([`--${B}`, 'Content-Disposition: form-data; name="a"', '', 'x']),
      'no closing boundary',
    ],
    [
      'headers without an end',
      crlf([`--${B}`, 'Content-Disposition: form-data; name="a"']),
      'do not end with an empty line',
    ],
    [
      'garbage after a delimiter',
      crlf([`--${B}`, 'Content-Disposition: form-data; name="a"', '', 'x', `--${B}junk`]),
      'must end with CRLF',
    ],
    [
      'no Content-Disposition',
      crlf([`--${B}`, 'Content-Type: text/plain', '', 'x', `--${B}--`]),
      'no Content-Disposition',
    ],
    [
      'a non-form-data disposition',
      crlf([`--${B}`, 'Content-Disposition: attachment; name="a"', '', 'x', `--${B}--`]),
      'expected form-data',
    ],
    [
      'a part without a name',
      crlf([`--${B}`, 'Content-Disposition: form-data; filename="a"', '', 'x', `--${B}--`]),
      'has no name',
    ],
    [
      'a header twice',
      crlf([
        `--${B}`,
        'Content-Disposition: form-data; name="a"',
        'content-disposition: form-data; name="b"',
        '',
        'x',
        `--${B}--`,
      ]),
      'appears twice',
    ],
    [
      'a folded header',
      crlf([`--${B}`, 'Content-Disposition: form-data;', ' name="a"', '', 'x', `--${B}--`]),
      'folded',
    ],
    [
      'a header line without a colon',
      crlf([`--${B}`, 'Content-Disposition form-data', '', 'x', `--${B}--`]),
      'not a header line',
    ],
    [
      'a bad filename*',
      crlf([`--${B}`, "Content-Disposition: form-data; name=a; filename*=latin1''x", '', 'x', `--${B}--`]),
      'RFC 8187',
    ],
    [
      'an unquoted value with spaces',
      crlf([`--${B}`, 'Content-Disposition: form-data; name=a b', '', 'x', `--${B}--`]),
      'token or quoted',
    ],
  ])('rejects %s', (_case, body, message) => {
    expect(() => parseMultipart(body, B)).toThrow(message);
  });

  it('enforces the part and header size limits', () => {
    const many = multipartBody(
      B,
      Array.from({ length: 3 }, (_, i) => ({ name: `p${i}`, data: 'x' })),
    );
    expect(() => parseMultipart(many, B, { maxParts: 2, maxHeaderBytes: 1024 })).toThrow('more than 2 parts');
    const longHeader = multipartBody(B, [{ name: 'a'.repeat(2000), data: 'x' }]);
    expect(() => parseMultipart(longHeader, B, { maxParts: 2, maxHeaderBytes: 1024 })).toThrow(
      'exceed 1024 bytes',
    );
  });

  it('throws a user error with a stable code', () => {
    expect(() => parseMultipart(Buffer.from('x'), B)).toThrow(
      expect.objectContaining({ code: 'MALFORMED_MULTIPART', domain: 'user' }),
    );
  });
});
