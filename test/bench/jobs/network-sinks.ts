/**
 * The sinks of the network benchmark jobs. Each writes what it measured as JSON to a result file
 * when its bounded input ends (the bench reads it back), with the pid of its TaskManager process.
 */
import { renameSync, writeFileSync } from 'node:fs';
import type { Sink, SinkWriter } from 'freshet';
import { LatencyHistogram } from './network-latency-histogram.js';
import { wallClockMillis, type NetworkRecord } from './network-records.js';

/** What the counting sink writes: records, and when the first arrived and the input ended. */
export interface ThroughputResult {
  readonly pid: number;
  readonly records: number;
  readonly firstAt: number;
  readonly endAt: number;
}

/** What the latency sink writes; latencies in ms, for the records after the warm-up. */
export interface LatencyResult {
  readonly pid: number;
  readonly records: number;
  readonly measured: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Records per second arriving during the measured part. */
  readonly rate: number;
  /** True when written at the end of input, false when written after the measuring time. */
  readonly endOfInput: boolean;
}

/** Writes atomically (temp file + rename), so a reader polling for `file` never sees it half written. */
export function writeJson(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(value));
  renameSync(temp, file);
}

/** Writes the pid of the process it first runs in to `file`, then returns `generator(index)`. */
export function announcingPid<T>(file: string, generator: (index: number) => T): (index: number) => T {
  let announced = false;
  return (index) => {
    if (!announced) {
      announced = true;
      writeJson(file, { pid: process.pid });
    }
    return generator(index);
  };
}

/** Counts records; notes the arrival of the first one and the end of input. */
export function countingSink(resultFile: string): Sink<NetworkRecord> {
  return {
    createWriter: (): SinkWriter<NetworkRecord> => {
      let records = 0;
      let firstAt = 0;
      return {
        write() {
          if (records++ === 0) firstAt = wallClockMillis();
        },
        flush(endOfInput) {
          if (!endOfInput) return;
          const result: ThroughputResult = { pid: process.pid, records, firstAt, endAt: wallClockMillis() };
          writeJson(resultFile, result);
        },
        close() {},
      };
    },
  };
}

/**
 * Records `now - record.ts` of every record generated at least `warmupMs` after the first one, for
 * `measureMs` from the first measured arrival (or until the input ends), then writes the result.
 * Bounding the run by time keeps it short when the job cannot keep up with the source's rate.
 */
export function latencySink(resultFile: string, warmupMs: number, measureMs: number): Sink<NetworkRecord> {
  return {
    createWriter: (): SinkWriter<NetworkRecord> => {
      const histogram = new LatencyHistogram();
      let records = 0;
      let measureFrom = Number.POSITIVE_INFINITY;
      let measuredFirstAt = 0;
      let measuredLastAt = 0;
      let written = false;
      const writeResult = (endOfInput: boolean): void => {
        written = true;
        const seconds = (measuredLastAt - measuredFirstAt) / 1000;
        const result: LatencyResult = {
          pid: process.pid,
          records,
          measured: histogram.count,
          p50: histogram.percentile(0.5),
          p99: histogram.percentile(0.99),
          max: histogram.max,
          rate: seconds > 0 ? (histogram.count - 1) / seconds : 0,
          endOfInput,
        };
        writeJson(resultFile, result);
      };
      return {
        write(record) {
          if (written) return;
          const now = wallClockMillis();
          if (records++ === 0) measureFrom = record.ts + warmupMs;
          if (record.ts < measureFrom) return;
          if (histogram.count === 0) measuredFirstAt = now;
          measuredLastAt = now;
          histogram.record(now - record.ts);
          if (now - measuredFirstAt >= measureMs) writeResult(false);
        },
        flush(endOfInput) {
          if (endOfInput && !written) writeResult(true);
        },
        close() {},
      };
    },
  };
}

/**
 * A slow operator: busy-waits so that it takes at most `recordsPerSecond` records per second
 * (a sink's write is synchronous, so this blocks its task like expensive per-record work would).
 * Writes its pid to `pidFile` when created.
 */
export function throttledSink(recordsPerSecond: number, pidFile: string): Sink<NetworkRecord> {
  const intervalMs = 1000 / recordsPerSecond;
  return {
    createWriter: (): SinkWriter<NetworkRecord> => {
      writeJson(pidFile, { pid: process.pid });
      let nextAt = 0;
      return {
        write() {
          const now = performance.now();
          nextAt = Math.max(nextAt, now) + intervalMs;
          while (performance.now() < nextAt) {
            // busy: the per-record work of a slow operator
          }
        },
        flush() {},
        close() {},
      };
    },
  };
}
