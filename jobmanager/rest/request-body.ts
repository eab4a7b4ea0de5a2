/**
 * Reads a request body into memory up to a limit. Past the limit it stops collecting at once and
 * fails with 413 (asking the server to close the connection), so an oversized upload never gets
 * buffered whole; a declared Content-Length over the limit fails before reading anything.
 */
import type { IncomingMessage } from 'node:http';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

export class RequestBody {
  private state: 'unread' | 'reading' | 'read' | 'abandoned' = 'unread';

  constructor(
    private readonly request: IncomingMessage,
    private readonly maxContentLength: number,
  ) {}

  /** Whether the request announced a body (Content-Length > 0 or Transfer-Encoding). */
  get present(): boolean {
    const length = this.request.headers['content-length'];
    return (
      this.request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
    );
  }

  /** True when a body was announced but not read to its end: the connection cannot be reused. */
  get leftUnread(): boolean {
    return this.present && this.state !== 'read';
  }

  read(): Promise<Buffer> {
    if (this.state !== 'unread') {
      throw new RestHandlerError(HttpStatus.INTERNAL_SERVER_ERROR, 'the request body was read twice');
    }
    this.state = 'reading';
    const declared = this.request.headers['content-length'];
    if (declared !== undefined && Number(declared) > this.maxContentLength) {
      this.state = 'abandoned';
      return Promise.reject(this.tooLarge(`request body of ${declared} bytes`));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      const stop = (): void => {
        this.request.off('data', onData);
        this.request.off('end', onEnd);
        this.request.off('error', onError);
        this.request.off('close', onClose);
      };
      const onData = (chunk: Buffer): void => {
        received += chunk.length;
        if (received <= this.maxContentLength) {
          chunks.push(chunk);
          return;
        }
        // Stop collecting; the server answers 413 and closes the connection.
        stop();
        chunks.length = 0;
        this.state = 'abandoned';
        reject(this.tooLarge('request body'));
      };
      const onEnd = (): void => {
        stop();
        this.state = 'read';
        resolve(Buffer.concat(chunks, received));
      };
      const onError = (error: Error): void => {
        stop();
        this.state = 'abandoned';
        reject(
          new RestHandlerError(HttpStatus.BAD_REQUEST, `reading the request body failed: ${error.message}`),
        );
      };
      const onClose = (): void => onError(new Error('the connection closed before the body ended'));
      this.request.on('data', onData);
      this.request.once('end', onEnd);
      this.request.once('error', onError);
      this.request.once('close', onClose);
    });
  }

  private tooLarge(what: string): RestHandlerError {
    return new RestHandlerError(
      HttpStatus.PAYLOAD_TOO_LARGE,
      `${what} exceeds the limit of ${this.maxContentLength} bytes (rest.server.max-content-length)`,
      { closeConnection: true },
    );
  }
}

/** Parses a JSON request body; an empty body is `undefined`. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RestHandlerError(
      HttpStatus.BAD_REQUEST,
      `request body is not valid JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
