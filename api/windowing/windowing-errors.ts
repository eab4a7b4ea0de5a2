/**
 * The errors the windowing API raises for bad job input: invalid assigner, trigger or evictor
 * arguments, and records without the event timestamp an event-time window needs.
 */
import { UserError } from '../../common/errors/freshet-error.js';

/** An argument to a window assigner, trigger or evictor is out of range (Flink's IllegalArgumentException). */
export function invalidWindowArgument(message: string): UserError {
  return new UserError('INVALID_WINDOW_ARGUMENT', message);
}

/** A record reached an event-time assigner or trigger without a timestamp. */
export function missingTimestamp(component: string): UserError {
  return new UserError(
    'MISSING_TIMESTAMP',
    `${component} got a record without a timestamp. Event-time windows need event timestamps: ` +
      `call DataStream.assignTimestampsAndWatermarks(...) or pass a WatermarkStrategy with a ` +
      `timestamp assigner to env.fromSource(...), or use a processing-time window instead`,
  );
}

/** Checks that a count argument is an integer. */
export function requireInteger(component: string, what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidWindowArgument(`${component} ${what} must be an integer, got ${String(value)}`);
  }
}

/** Checks that a duration-like argument is an integer number of milliseconds. */
export function requireMillis(component: string, what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidWindowArgument(
      `${component} ${what} must be an integer number of milliseconds, got ${String(value)}`,
    );
  }
}
