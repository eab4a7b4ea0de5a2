import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import type { StreamFormat, StreamFormatDecoder } from './stream-format.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Charsets in which `\n` is the byte 0x0a and never part of another character. */
const CHARSETS: ReadonlyMap<string, BufferEncoding> = new Map<string, BufferEncoding>([
  ['utf-8', 'utf8'],
  ['utf8', 'utf8'],
  ['us-ascii', 'ascii'],
  ['ascii', 'ascii'],
  ['iso-8859-1', 'latin1'],
  ['latin1', 'latin1'],
]);

/**
 * Reads a text file line by line (Flink's TextLineInputFormat): lines end with `\n` or `\r\n`, the
 * terminator is dropped, and a last line without terminator counts too.
 */
export class TextLineInputFormat implements StreamFormat<string> {
  private readonly encoding: BufferEncoding;

  constructor(charsetName = 'UTF-8') {
    const encoding = CHARSETS.get(charsetName.toLowerCase());
    if (encoding === undefined) {
      throw new IllegalConfigurationError(
        `TextLineInputFormat does not support charset '${charsetName}'; use one of ${[...CHARSETS.keys()].join(', ')}`,
      );
    }
    this.encoding = encoding;
  }

  createDecoder(): StreamFormatDecoder<string> {
    return new TextLineDecoder(this.encoding);
  }
}

class TextLineDecoder implements StreamFormatDecoder<string> {
  private readonly encoding: BufferEncoding;
  /** Bytes of an unfinished line carried over from earlier chunks (copies). */
  private tail: Buffer[] = [];

  constructor(encoding: BufferEncoding) {
    this.encoding = encoding;
  }

  decode(chunk: Buffer, chunkOffset: number, emit: (record: string, endOffset: number) => void): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      let line: Buffer = chunk.subarray(start, newline);
      if (this.tail.length > 0) {
        this.tail.push(line);
        line = Buffer.concat(this.tail);
        this.tail = [];
      }
      emit(this.lineText(line), chunkOffset + newline + 1);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.tail.push(Buffer.from(chunk.subarray(start)));
  }

  finish(endOffset: number, emit: (record: string, endOffset: number) => void): void {
    if (this.tail.length === 0) return;
    const line = Buffer.concat(this.tail);
    this.tail = [];
    emit(this.lineText(line), endOffset);
  }

  private lineText(line: Buffer): string {
    const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
    return line.toString(this.encoding, 0, end);
  }
}
