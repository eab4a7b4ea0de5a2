/**
 * A small, strict `multipart/form-data` parser (RFC 7578 on RFC 2046) for bodies that are already
 * in memory (the server reads them up to `rest.server.max-content-length` first).
 *
 * Strict: CRLF line endings only, a closing delimiter is required, every part needs
 * `Content-Disposition: form-data; name=...`, obsolete header folding and bare LF/CR in headers are
 * rejected. Tolerated as the RFC says: a preamble before the first delimiter, an epilogue after the
 * last one, and transport padding (spaces/tabs) after a delimiter.
 */
import { UserError } from '../../common/errors/freshet-error.js';

export interface MultipartPart {
  readonly name: string;
  /** Present for file parts (`filename=` or `filename*=` in Content-Disposition). */
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

export interface MultipartLimits {
  readonly maxParts: number;
  readonly maxHeaderBytes: number;
}

const DEFAULT_LIMITS: MultipartLimits = { maxParts: 32, maxHeaderBytes: 16 * 1024 };

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
/** RFC 2046 `bchars`: the characters a boundary may use (it must not end with a space). */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function malformed(message: string): UserError {
  return new UserError('MALFORMED_MULTIPART', `malformed multipart/form-data request: ${message}`);
}

/** The boundary of a `multipart/form-data` Content-Type, or a clear error. */
export function multipartBoundary(contentType: string | undefined): string {
  if (contentType === undefined) throw malformed('the request has no Content-Type header');
  const [mediaType = '', ...rest] = splitParameters(contentType);
  if (mediaType.toLowerCase() !== 'multipart/form-data') {
    throw malformed(`expected Content-Type multipart/form-data, got '${mediaType}'`);
  }
  const boundary = parseParameters(rest).get('boundary');
  if (boundary === undefined) throw malformed('the Content-Type has no boundary parameter');
  if (!BOUNDARY.test(boundary)) throw malformed(`'${boundary}' is not a valid boundary (RFC 2046)`);
  return boundary;
}

export function parseMultipart(
  body: Buffer,
  boundary: string,
  limits: MultipartLimits = DEFAULT_LIMITS,
): MultipartPart[] {
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.concat([CRLF, dashBoundary]);
  let position: number;
  if (body.subarray(0, dashBoundary.length).equals(dashBoundary)) {
    position = 0;
  } else {
    const first = body.indexOf(delimiter);
    if (first < 0) throw malformed(`the body contains no boundary '--${boundary}'`);
    position = first + CRLF.length;
  }
  const parts: MultipartPart[] = [];
  for (;;) {
    const afterDelimiter = position + dashBoundary.length;
    if (body.toString('latin1', afterDelimiter, afterDelimiter + 2) === '--') return parts;
    const headerStart = skipPaddingAndCrlf(body, afterDelimiter);
    if (parts.length === limits.maxParts) throw malformed(`more than ${limits.maxParts} parts`);
    const { headers, contentStart } = readHeaders(body, headerStart, limits.maxHeaderBytes);
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) throw malformed(`part ${parts.length + 1} has no closing boundary (truncated body?)`);
    parts.push(toPart(headers, body.subarray(contentStart, next), parts.length + 1));
    position = next + CRLF.length;
  }
}

function skipPaddingAndCrlf(body: Buffer, from: number): number {
  let i = from;
  while (body[i] === 0x20 || body[i] === 0x09) i++;
  if (body[i] !== 0x0d || body[i + 1] !== 0x0a) {
    throw malformed('a boundary line must end with CRLF (or "--" for the last one)');
  }
  return i + 2;
}

function readHeaders(
  body: Buffer,
  start: number,
  maxHeaderBytes: number,
): { headers: Map<string, string>; contentStart: number } {
  // A part without any header lines starts with the empty line right away.
  if (body[start] === 0x0d && body[start + 1] === 0x0a)
    return { headers: new Map(), contentStart: start + 2 };
  const end = body.indexOf(HEADER_END, start);
  if (end < 0 || end - start > maxHeaderBytes) {
    throw malformed(
      end < 0 ? 'part headers do not end with an empty line' : `part headers exceed ${maxHeaderBytes} bytes`,
    );
  }
  const headers = new Map<string, string>();
  for (const line of body.toString('utf8', start, end).split('\r\n')) {
    if (/[\r\n]/.test(line)) throw malformed('bare CR or LF in part headers (lines must end with CRLF)');
    if (line.startsWith(' ') || line.startsWith('\t')) throw malformed('folded part headers are not allowed');
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).toLowerCase();
    if (colon <= 0 || !TOKEN.test(name)) throw malformed(`'${line}' is not a header line`);
    if (headers.has(name)) throw malformed(`part header '${name}' appears twice`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, contentStart: end + HEADER_END.length };
}

function toPart(headers: ReadonlyMap<string, string>, data: Buffer, index: number): MultipartPart {
  const disposition = headers.get('content-disposition');
  if (disposition === undefined) throw malformed(`part ${index} has no Content-Disposition header`);
  const [type = '', ...rest] = splitParameters(disposition);
  if (type.toLowerCase() !== 'form-data') {
    throw malformed(`part ${index} has Content-Disposition '${type}', expected form-data`);
  }
  const parameters = parseParameters(rest);
  const name = parameters.get('name');
  if (name === undefined || name === '') throw malformed(`part ${index} has no name`);
  const filename = decodeExtendedValue(parameters.get('filename*')) ?? parameters.get('filename');
  const contentType = headers.get('content-type');
  return {
    name,
    ...(filename === undefined ? {} : { filename }),
    ...(contentType === undefined ? {} : { contentType }),
    data,
  };
}

/** Splits `a; b=1; c="x;y"` at the semicolons that are not inside a quoted string. */
function splitParameters(header: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const c = header.charAt(i);
    if (quoted && c === '\\') {
      current += c + header.charAt(++i);
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ';' && !quoted) {
      pieces.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) throw malformed(`unterminated quoted string in '${header}'`);
  pieces.push(current.trim());
  return pieces;
}

function parseParameters(pieces: readonly string[]): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const piece of pieces) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const key = piece.slice(0, Math.max(equals, 0)).trim().toLowerCase();
    if (equals <= 0 || !TOKEN.test(key)) throw malformed(`'${piece}' is not a parameter`);
    if (parameters.has(key)) throw malformed(`parameter '${key}' appears twice`);
    parameters.set(key, unquote(piece.slice(equals + 1).trim()));
  }
  return parameters;
}

function unquote(value: string): string {
  if (!value.startsWith('"')) {
    if (!TOKEN.test(value)) throw malformed(`parameter value '${value}' must be a token or quoted`);
    return value;
  }
  if (value.length < 2 || !value.endsWith('"')) throw malformed(`bad quoted string ${value}`);
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** RFC 8187 `filename*=UTF-8''na%C3%AFve.js`. */
function decodeExtendedValue(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^([A-Za-z0-9!#$%&+\-^_`{}~]+)'[^']*'(.*)$/.exec(value);
  const charset = match?.[1]?.toLowerCase();
  if (match === null || charset !== 'utf-8') {
    throw malformed(`'${value}' is not an RFC 8187 extended value (UTF-8''...)`);
  }
  try {
    return decodeURIComponent(match[2] ?? '');
  } catch (error) {
    throw new UserError('MALFORMED_MULTIPART', `malformed percent-encoding in '${value}'`, { cause: error });
  }
}
