/**
 * Structured logs of the cluster processes (pino): one JSON object per line with `level`,
 * `time`, `name` (the component) and `msg`, so log shippers and tests read them alike.
 * `FRESHET_LOG_LEVEL` (or `log.level`) sets the level; the default is `info`.
 */
import type { DestinationStream, Logger } from 'pino';
import { loadPino } from '../lazy-modules.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go; standard output by default. */
  readonly destination?: DestinationStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['FRESHET_LOG_LEVEL'] ?? 'info';
  const settings = { name, level, base: { pid: process.pid } };
  const { pino } = loadPino();
  return options.destination === undefined
    ? pino(settings, pino.destination({ dest: 1, sync: true }))
    : pino(settings, options.destination);
}

/** A logger that drops everything (for embedded use and unit tests). */
export function silentLogger(): Logger {
  return loadPino().pino({ level: 'silent' });
}
