import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { formatDuration, tryParseDuration } from './duration.js';
import { formatMemorySize, tryParseMemorySize } from './memory-size.js';

/**
 * One configuration key with its type, default and documentation, after Flink's `ConfigOption`.
 * `parse` turns a raw value (a YAML scalar or list, a `-D` string, or an already typed value) into
 * the option's type and throws an IllegalConfigurationError naming the key, the value, where it came
 * from and the expected form.
 */
export interface ConfigOption<T> {
  readonly key: string;
  /** Used when the key is not set; undefined means the option is optional ("absent" has a meaning). */
  readonly defaultValue: T | undefined;
  readonly description: string;
  /** Older keys (e.g. Flink 1.x or 2.x spellings) that set this option too. */
  readonly fallbackKeys: readonly string[];
  /** The accepted form, as error messages print it: "an integer >= 1". */
  readonly expected: string;
  /** @param source where the raw value came from ("-D", a file path), for the error message. */
  parse(raw: unknown, source?: string): T;
  /** The string form, as `config.yaml` or the REST `/config` endpoint would show it. */
  format(value: T): string;
}

/** An option that always has a value: `Configuration#get` returns `T`, not `T | undefined`. */
export interface ConfigOptionWithDefault<T> extends ConfigOption<T> {
  readonly defaultValue: T;
}

/** `ConfigOptionWithDefault<T>` when a default is given, `ConfigOption<T>` for `undefined`. */
export type OptionFor<T, D extends T | undefined> = D extends undefined
  ? ConfigOption<T>
  : ConfigOptionWithDefault<T>;

export interface OptionSpec {
  readonly description?: string;
  readonly fallbackKeys?: readonly string[];
}

export interface IntOptionSpec extends OptionSpec {
  readonly min?: number;
  readonly max?: number;
  /** Values accepted outside [min, max], such as -1 for "use the default rule". */
  readonly allow?: readonly number[];
}

export interface DoubleOptionSpec extends OptionSpec {
  readonly min?: number;
  readonly max?: number;
}

export interface DurationOptionSpec extends OptionSpec {
  /** Smallest accepted duration in milliseconds. */
  readonly min?: number;
}

export interface EnumOptionSpec<V extends string> extends OptionSpec {
  /** Other spellings accepted (case-insensitively) and normalized to a canonical value. */
  readonly aliases?: Readonly<Record<string, V>>;
}

/** The error every option throws for a value it cannot accept. */
export function invalidValueError(
  key: string,
  raw: unknown,
  expected: string,
  source?: string,
): IllegalConfigurationError {
  const from = source === undefined ? '' : ` (from ${source})`;
  return new IllegalConfigurationError(
    `invalid value '${describeRaw(raw)}' for '${key}'${from}: expected ${expected}`,
  );
}

function describeRaw(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw === undefined || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  // Best-effort text for an error message: JSON where possible, else whatever String() gives
  // (functions, symbols, bigints, circular objects), so a bad value never hides the real error.
  /* eslint-disable @typescript-eslint/no-base-to-string -- deliberate last-resort fallback, see above */
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
  /* eslint-enable @typescript-eslint/no-base-to-string */
}

function makeOption<T>(
  key: string,
  defaultValue: T | undefined,
  spec: OptionSpec,
  expected: string,
  convert: (raw: unknown) => T | undefined,
  format: (value: T) => string,
): ConfigOption<T> {
  return Object.freeze({
    key,
    defaultValue,
    description: spec.description ?? '',
    fallbackKeys: spec.fallbackKeys ?? [],
    expected,
    parse(raw: unknown, source?: string): T {
      const value = raw === undefined || raw === null ? undefined : convert(raw);
      if (value === undefined) throw invalidValueError(key, raw, expected, source);
      return value;
    },
    format,
  });
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

function toNumber(raw: unknown, pattern: RegExp): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && pattern.test(raw.trim())) return Number(raw.trim());
  return undefined;
}

const INT_PATTERN = /^[+-]?\d+$/;
const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function intOption<D extends number | undefined>(
  key: string,
  defaultValue: D,
  spec: IntOptionSpec = {},
): OptionFor<number, D> {
  const { min, max, allow = [] } = spec;
  const alsoAllowed = allow.length === 0 ? '' : ` or ${allow.join(' or ')}`;
  const expected = `an integer${rangeText(min, max)}${alsoAllowed}`;
  const convert = (raw: unknown): number | undefined => {
    const value = toNumber(raw, INT_PATTERN);
    if (value === undefined || !Number.isSafeInteger(value)) return undefined;
    return inRange(value, min, max) || allow.includes(value) ? value : undefined;
  };
  return makeOption<number>(key, defaultValue, spec, expected, convert, String) as OptionFor<number, D>;
}

export function doubleOption<D extends number | undefined>(
  key: string,
  defaultValue: D,
  spec: DoubleOptionSpec = {},
): OptionFor<number, D> {
  const { min, max } = spec;
  const expected = `a number${rangeText(min, max)}`;
  const convert = (raw: unknown): number | undefined => {
    const value = toNumber(raw, DOUBLE_PATTERN);
    return value !== undefined && Number.isFinite(value) && inRange(value, min, max) ? value : undefined;
  };
  return makeOption<number>(key, defaultValue, spec, expected, convert, String) as OptionFor<number, D>;
}

export function booleanOption<D extends boolean | undefined>(
  key: string,
  defaultValue: D,
  spec: OptionSpec = {},
): OptionFor<boolean, D> {
  const convert = (raw: unknown): boolean | undefined => {
    if (typeof raw === 'boolean') return raw;
    const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    return text === 'true' ? true : text === 'false' ? false : undefined;
  };
  return makeOption<boolean>(key, defaultValue, spec, 'true or false', convert, String) as OptionFor<
    boolean,
    D
  >;
}

export function stringOption<D extends string | undefined>(
  key: string,
  defaultValue: D,
  spec: OptionSpec = {},
): OptionFor<string, D> {
  const convert = (raw: unknown): string | undefined => {
    if (typeof raw === 'string') return raw;
    return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
  };
  return makeOption<string>(key, defaultValue, spec, 'a string', convert, (value) => value) as OptionFor<
    string,
    D
  >;
}

export function enumOption<const V extends string, D extends V | undefined>(
  key: string,
  values: readonly V[],
  defaultValue: D,
  spec: EnumOptionSpec<V> = {},
): OptionFor<V, D> {
  const byLowerCase = new Map<string, V>(values.map((value) => [value.toLowerCase(), value]));
  for (const [alias, value] of Object.entries(spec.aliases ?? {}))
    byLowerCase.set(alias.toLowerCase(), value);
  const expected = `one of ${values.join(', ')}`;
  const convert = (raw: unknown): V | undefined =>
    typeof raw === 'string' ? byLowerCase.get(raw.trim().toLowerCase()) : undefined;
  return makeOption<V>(key, defaultValue, spec, expected, convert, (value) => value) as OptionFor<V, D>;
}

/** A duration in milliseconds; see `tryParseDuration` for the accepted texts. */
export function durationOption<D extends number | undefined>(
  key: string,
  defaultValue: D,
  spec: DurationOptionSpec = {},
): OptionFor<number, D> {
  const { min = 0 } = spec;
  const atLeast = min > 0 ? ` of at least ${formatDuration(min)}` : '';
  const expected = `a duration${atLeast} such as '100 ms', '5 s', '10 min', '1 h' (a plain number means milliseconds)`;
  const convert = (raw: unknown): number | undefined => {
    const ms = typeof raw === 'number' ? raw : typeof raw === 'string' ? tryParseDuration(raw) : undefined;
    return ms !== undefined && Number.isFinite(ms) && ms >= min ? ms : undefined;
  };
  return makeOption<number>(key, defaultValue, spec, expected, convert, formatDuration) as OptionFor<
    number,
    D
  >;
}

/** A memory size in bytes; see `tryParseMemorySize` for the accepted texts. */
export function memorySizeOption<D extends number | undefined>(
  key: string,
  defaultValue: D,
  spec: OptionSpec = {},
): OptionFor<number, D> {
  const expected = "a memory size such as '32 kb', '64 mb', '1 gb' (a plain number means bytes)";
  const convert = (raw: unknown): number | undefined => {
    if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined;
    return typeof raw === 'string' ? tryParseMemorySize(raw) : undefined;
  };
  return makeOption<number>(key, defaultValue, spec, expected, convert, formatMemorySize) as OptionFor<
    number,
    D
  >;
}

/** A list of strings: a YAML list, or one string separated by ';' or ',' ("[a, b]" works too). */
export function listOption<D extends readonly string[] | undefined>(
  key: string,
  defaultValue: D,
  spec: OptionSpec = {},
): OptionFor<readonly string[], D> {
  const expected = "a list of values separated by ';' or ','";
  const convert = (raw: unknown): readonly string[] | undefined => {
    if (Array.isArray(raw)) {
      const items: string[] = [];
      for (const item of raw as readonly unknown[]) {
        if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
          return undefined;
        const text = String(item).trim();
        if (text !== '') items.push(text);
      }
      return Object.freeze(items);
    }
    if (typeof raw !== 'string') return undefined;
    const text = raw.trim().replace(/^\[(.*)\]$/s, '$1');
    return Object.freeze(
      text
        .split(/[;,]/)
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    );
  };
  const format = (value: readonly string[]): string => value.join(';');
  return makeOption<readonly string[]>(key, defaultValue, spec, expected, convert, format) as OptionFor<
    readonly string[],
    D
  >;
}
