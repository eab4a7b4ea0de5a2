import { UserError } from '../../common/errors/freshet-error.js';

/**
 * Extracts an event's timestamp in milliseconds (Flink's `TimestampAssigner`): a function or an
 * object with `extractTimestamp`. `recordTimestamp` is the timestamp the record already carries
 * (from its source), or `undefined` when it has none.
 */
export type TimestampAssigner<T> =
  | ((event: T, recordTimestamp: number | undefined) => number)
  | { extractTimestamp(event: T, recordTimestamp: number | undefined): number };

/**
 * The timestamp handed to `WatermarkGenerator.onEvent` for a record without one (Flink's
 * `TimestampAssigner.NO_TIMESTAMP`, `Long.MIN_VALUE`). It never advances a watermark.
 */
export const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;

/**
 * The runtime's view of an assigner: `undefined` means the record keeps having no timestamp,
 * which only the default {@link recordTimestampAssigner} returns.
 */
export type TimestampAssignerFunction<T> = (
  event: T,
  recordTimestamp: number | undefined,
) => number | undefined;

/**
 * The default assigner (Flink's `RecordTimestampAssigner`): keep the timestamp the record already
 * has. A record without one stays without one.
 */
export function recordTimestampAssigner<T>(
  _event: T,
  recordTimestamp: number | undefined,
): number | undefined {
  return recordTimestamp;
}

/**
 * Turns a user's assigner into a {@link TimestampAssignerFunction} that checks every result: an
 * assigner that returns anything but a finite number fails the record with a `UserError` coded
 * `INVALID_TIMESTAMP` instead of letting `NaN` or `undefined` reach windows and watermarks.
 */
export function checkedTimestampAssigner<T>(assigner: TimestampAssigner<T>): TimestampAssignerFunction<T> {
  const extract =
    typeof assigner === 'function'
      ? assigner
      : (event: T, recordTimestamp: number | undefined): number =>
          assigner.extractTimestamp(event, recordTimestamp);
  return (event, recordTimestamp) => {
    const timestamp: unknown = extract(event, recordTimestamp);
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
      throw new UserError(
        'INVALID_TIMESTAMP',
        `timestamp assigner returned ${describe(timestamp)} for ${describe(event)}; ` +
          'it must return a number of milliseconds',
      );
    }
    return timestamp;
  };
}

const MAX_DESCRIBED_LENGTH = 200;

function describe(value: unknown): string {
  let text: string;
  if (
    value === undefined ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'symbol'
  ) {
    text = String(value);
  } else if (typeof value === 'function') {
    text = 'a function';
  } else {
    try {
      // `JSON.stringify` gives undefined for values it skips (e.g. a `toJSON` returning undefined).
      const encoded: string | undefined = JSON.stringify(value);
      text = encoded ?? Object.prototype.toString.call(value);
    } catch {
      text = Object.prototype.toString.call(value); // cyclic or otherwise not encodable
    }
  }
  return text.length > MAX_DESCRIBED_LENGTH ? `${text.slice(0, MAX_DESCRIBED_LENGTH)}...` : text;
}
