/**
 * Durations the way Flink's `TimeUtils` writes them: a number followed by an optional unit
 * ("100 ms", "100ms", "5 s", "10 min", "1 h", "2 d"). A number without a unit means milliseconds.
 * Freshet keeps durations as a number of milliseconds.
 */

const MS_PER_UNIT: ReadonlyArray<readonly [ms: number, labels: readonly string[]]> = [
  [1e-6, ['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds']],
  [1e-3, ['µs', 'us', 'micro', 'micros', 'microsecond', 'microseconds']],
  [1, ['ms', 'milli', 'millis', 'millisecond', 'milliseconds']],
  [1_000, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60_000, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3_600_000, ['h', 'hour', 'hours']],
  [86_400_000, ['d', 'day', 'days']],
];

const UNIT_BY_LABEL: ReadonlyMap<string, number> = new Map(
  MS_PER_UNIT.flatMap(([ms, labels]) => labels.map((label) => [label, ms] as const)),
);

/** The units `formatDuration` uses, largest first (Flink's `formatWithHighestUnit` labels). */
const FORMAT_UNITS: ReadonlyArray<readonly [ms: number, label: string]> = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
  [1, 'ms'],
];

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-zµ]*)$/i;

/**
 * Parses a duration text into milliseconds, or returns undefined when the text is not a duration
 * (unknown unit, negative, not a number). Sub-millisecond units yield fractional milliseconds.
 */
export function tryParseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const label = (match[2] ?? '').toLowerCase();
  const unitMs = label === '' ? 1 : UNIT_BY_LABEL.get(label);
  if (unitMs === undefined) return undefined;
  const ms = amount * unitMs;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Formats milliseconds with the largest unit that divides them evenly: 600000 → "10 min". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0 ms';
  if (Number.isInteger(ms)) {
    for (const [unitMs, label] of FORMAT_UNITS) {
      if (ms % unitMs === 0) return `${ms / unitMs} ${label}`;
    }
  }
  return `${ms} ms`;
}
