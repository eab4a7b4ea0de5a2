/**
 * What the checkpoint benchmark's jobs tell the benchmark, as small JSON files written atomically
 * from inside the job (a slot worker or a TaskManager process): when the source started, when the
 * input ended, when all keys had state, and when a sink subtask processed its first record.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Sink } from 'freshet';
import { wallClockMillis } from './network-records.js';
import { writeJson } from './network-sinks.js';

/** A wall-clock moment (epoch ms, sub-millisecond resolution) noted by a job. */
export interface Moment {
  readonly at: number;
}

/** What a sink subtask notes on its first record: its process and when. */
export interface FirstRecord extends Moment {
  readonly pid: number;
}

/** Notes the wall-clock time of the first call with `index >= from` in `file`; returns `generator(index)`. */
export function announcingIndex<T>(
  file: string,
  from: number,
  generator: (index: number) => T,
): (index: number) => T {
  let announced = false;
  return (index) => {
    if (!announced && index >= from) {
      announced = true;
      writeJson(file, { at: wallClockMillis() } satisfies Moment);
    }
    return generator(index);
  };
}

/** Discards its input; notes the wall-clock time at which its input ended in `file`. */
export function endNotingSink(file: string): Sink<unknown> {
  return {
    createWriter: () => ({
      write() {},
      flush(endOfInput) {
        if (endOfInput) writeJson(file, { at: wallClockMillis() } satisfies Moment);
      },
      close() {},
    }),
  };
}

/**
 * Discards its input; every writer (one per subtask attempt) writes a new `first-*.json` file into
 * `directory` when it gets its first record, so the first record after a restore can be seen.
 */
export function firstRecordSink(directory: string): Sink<unknown> {
  return {
    createWriter: () => {
      let seen = false;
      return {
        write() {
          if (seen) return;
          seen = true;
          const at = wallClockMillis();
          const file = join(
            directory,
            `first-${process.pid}-${Math.round(at)}-${randomBytes(3).toString('hex')}.json`,
          );
          writeJson(file, { pid: process.pid, at } satisfies FirstRecord);
        },
        flush() {},
        close() {},
      };
    },
  };
}
