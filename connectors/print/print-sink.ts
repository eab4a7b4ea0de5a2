import type { Sink, SinkInitContext, SinkWriter } from '../../api/connector/sink.js';
import { UserError } from '../../common/errors/freshet-error.js';

/** A writer writes its buffered lines once they exceed this many characters (and on flush). */
const MAX_BUFFERED_CHARS = 64 * 1024;
/** Buffered lines never wait longer than this (the default network buffer timeout). */
const MAX_LINGER_MS = 100;

/**
 * Prints every record as `JSON.stringify(record)` on its own line (Flink's PrintSink): to the
 * process's stdout (the TaskManager's on a cluster), or stderr with `stdErr`. Lines are prefixed
 * `<subtask + 1>> ` when the parallelism is above 1, `<prefix>:<subtask + 1>> ` with a prefix,
 * and `<prefix>> ` with a prefix at parallelism 1.
 */
export class PrintSink<T> implements Sink<T> {
  private readonly prefix: string;
  private readonly stdErr: boolean;

  constructor(prefix = '', stdErr = false) {
    this.prefix = prefix;
    this.stdErr = stdErr;
  }

  createWriter(context: SinkInitContext): SinkWriter<T> {
    const write = this.stdErr
      ? (text: string): void => {
          // SinkInitContext has no stderr channel yet; a worker's process.stderr reaches the parent.
          process.stderr.write(text);
        }
      : (text: string): void => context.writeStdout(text);
    return new PrintSinkWriter(linePrefix(this.prefix, context.indexOfSubtask, context.parallelism), write);
  }
}

/** The prefix of every line a subtask prints. */
export function linePrefix(prefix: string, indexOfSubtask: number, parallelism: number): string {
  let completed = prefix;
  if (parallelism > 1) completed = `${completed === '' ? '' : `${completed}:`}${indexOfSubtask + 1}`;
  return completed === '' ? '' : `${completed}> `;
}

class PrintSinkWriter<T> implements SinkWriter<T> {
  private readonly prefix: string;
  private readonly writeText: (text: string) => void;
  private buffer = '';
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(prefix: string, writeText: (text: string) => void) {
    this.prefix = prefix;
    this.writeText = writeText;
  }

  write(element: T): void {
    this.buffer += `${this.prefix}${toJsonLine(element)}\n`;
    if (this.buffer.length > MAX_BUFFERED_CHARS) this.flushBuffer();
    else if (this.lingerTimer === undefined) {
      // Runs on the task's thread between records, so an unbounded job prints as it goes.
      this.lingerTimer = setTimeout(() => this.flushBuffer(), MAX_LINGER_MS);
      this.lingerTimer.unref();
    }
  }

  flush(): void {
    this.flushBuffer();
  }

  close(): void {
    this.flushBuffer();
  }

  private flushBuffer(): void {
    if (this.lingerTimer !== undefined) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    this.writeText(text);
  }
}

/** `JSON.stringify(value)`; values JSON cannot show (undefined, functions, bigint) print as String(value). */
function toJsonLine(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    try {
      json = JSON.stringify(value, (_key, inner: unknown) =>
        typeof inner === 'bigint' ? inner.toString() : inner,
      );
    } catch {
      throw new UserError(
        'PRINT_SINK_UNPRINTABLE',
        `print sink cannot serialize a record: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  return json ?? String(value);
}
