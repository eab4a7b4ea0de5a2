/** Builds `multipart/form-data` bodies byte by byte for tests (no FormData, so edge cases stay exact). */

export interface TestingPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer | string;
}

export function multipartBody(boundary: string, parts: readonly TestingPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType !== undefined) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Every byte value, plus sequences that look like line ends and boundary starts. */
export function binaryishPayload(boundary: string): Buffer {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([
    all,
    Buffer.from(`\r\n\r\n--${boundary.slice(0, -1)}\r\n-\r--\n\r\n`),
    Buffer.from([0x0d]),
    all,
    Buffer.from('\r\n'),
  ]);
}
