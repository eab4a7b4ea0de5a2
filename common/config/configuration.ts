import { IllegalConfigurationError } from '../errors/freshet-error.js';
import type { ConfigOption, ConfigOptionWithDefault } from './config-option.js';
import { ALL_OPTIONS } from './config-options.js';

/** What `toMap` prints instead of a sensitive value (Flink's `GlobalConfiguration.HIDDEN_CONTENT`). */
export const HIDDEN_CONTENT = '******';

/** Key fragments that mark a value as secret, after Flink's `GlobalConfiguration.SENSITIVE_KEYS`. */
const SENSITIVE_KEY_FRAGMENTS = [
  'password',
  'secret',
  'token',
  'apikey',
  'api-key',
  'access-key',
  'auth-params',
  'service-key',
  'basic-auth',
  'jaas.config',
  'http-headers',
  'fs.azure.account.key',
];

/** Whether a key holds a secret that must not be shown (REST `/config`, logs). */
export function isSensitiveKey(key: string): boolean {
  const lower = key.toLowerCase();
  return SENSITIVE_KEY_FRAGMENTS.some((fragment) => lower.includes(fragment));
}

export interface ToMapOptions {
  /** Show secret values as they are instead of `HIDDEN_CONTENT`; default false. */
  readonly includeSensitive?: boolean;
}

interface Entry {
  /** The value as it was given (YAML value, `-D` string, or typed value from `set`). */
  readonly raw: unknown;
  /** Where the value came from, for error messages ("-D", a file path). */
  readonly source: string | undefined;
  /** The known option the value was validated against, and the parsed value. */
  readonly option: ConfigOption<unknown> | undefined;
  readonly value: unknown;
}

type Registry = ReadonlyMap<string, ConfigOption<unknown>>;

/** Registry key and fallback key → option; computed once per registry. */
const lookupTables = new WeakMap<Registry, ReadonlyMap<string, ConfigOption<unknown>>>();

function lookupTable(registry: Registry): ReadonlyMap<string, ConfigOption<unknown>> {
  let table = lookupTables.get(registry);
  if (table === undefined) {
    const byKey = new Map<string, ConfigOption<unknown>>();
    for (const option of registry.values()) {
      for (const fallbackKey of option.fallbackKeys) byKey.set(fallbackKey, option);
    }
    for (const option of registry.values()) byKey.set(option.key, option);
    table = byKey;
    lookupTables.set(registry, table);
  }
  return table;
}

/**
 * A set of configuration values, after Flink's `Configuration`. Values of known keys (those in the
 * registry, `ALL_OPTIONS` by default) are validated when they are set, so a bad value fails at
 * startup naming its key and source; unknown keys are kept as strings, as Flink does, and parsed
 * when an option for them is read. A known option's older key (`state.backend`) is stored under its
 * current key (`state.backend.type`), so whichever was set last wins.
 */
export class Configuration {
  private readonly entries = new Map<string, Entry>();
  private readonly registry: Registry;

  constructor(registry: Registry = ALL_OPTIONS) {
    this.registry = registry;
  }

  /** A configuration holding every entry of `record`, validated like `setRaw`. */
  static fromMap(record: Readonly<Record<string, unknown>>, source?: string): Configuration {
    const configuration = new Configuration();
    for (const [key, raw] of Object.entries(record)) configuration.setRaw(key, raw, source);
    return configuration;
  }

  /** The value if set, else the option's default. */
  get<T>(option: ConfigOptionWithDefault<T>): T;
  get<T>(option: ConfigOption<T>): T | undefined;
  get<T>(option: ConfigOption<T>): T | undefined {
    const value = this.getOptional(option);
    return value === undefined ? option.defaultValue : value;
  }

  /** The value if set (under the option's key or one of its fallback keys), ignoring the default. */
  getOptional<T>(option: ConfigOption<T>): T | undefined {
    for (const key of [option.key, ...option.fallbackKeys]) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      if (entry.option === option) return entry.value as T;
      return option.parse(entry.raw, entry.source);
    }
    return undefined;
  }

  /** Sets a typed value (validated against the option's bounds); `undefined` unsets it. */
  set<T>(option: ConfigOption<T>, value: T, source?: string): this {
    this.remove(option.key);
    if (value === undefined) return this;
    const parsed = option.parse(value, source);
    this.entries.set(option.key, {
      raw: value,
      source,
      option: option,
      value: parsed,
    });
    return this;
  }

  /**
   * Sets a value as read from a file, the environment or `-D`. A known key is validated now (an
   * IllegalConfigurationError names key, value, `source` and the expected form); an unknown key is
   * kept as a string.
   */
  setRaw(key: string, raw: unknown, source?: string): this {
    const trimmedKey = key.trim();
    if (trimmedKey === '') {
      const from = source === undefined ? '' : ` (from ${source})`;
      throw new IllegalConfigurationError(`empty configuration key${from}`);
    }
    const option = lookupTable(this.registry).get(trimmedKey);
    if (option === undefined) {
      this.entries.set(trimmedKey, { raw: rawToString(raw), source, option: undefined, value: undefined });
      return this;
    }
    const value = option.parse(raw, source);
    this.remove(trimmedKey);
    this.entries.set(option.key, { raw, source, option, value });
    return this;
  }

  /** Whether the key (or, for a known option's older key, the option) is set. */
  contains(key: string): boolean {
    return this.entries.has(this.canonicalKey(key));
  }

  /** Unsets the key; returns whether it was set. */
  remove(key: string): boolean {
    const canonical = this.canonicalKey(key);
    const option = lookupTable(this.registry).get(canonical);
    let removed = this.entries.delete(canonical);
    for (const fallbackKey of option?.fallbackKeys ?? [])
      removed = this.entries.delete(fallbackKey) || removed;
    return removed;
  }

  /** The string form of the key's value, or undefined when it is not set. */
  getRaw(key: string): string | undefined {
    const entry = this.entries.get(this.canonicalKey(key));
    return entry === undefined ? undefined : entryToString(entry);
  }

  /** Where the key's value came from (as passed to `setRaw`/`set`), if known. */
  sourceOf(key: string): string | undefined {
    return this.entries.get(this.canonicalKey(key))?.source;
  }

  /** The keys that are set, sorted. */
  keys(): string[] {
    return [...this.entries.keys()].sort();
  }

  /**
   * The set keys (sorted) with string forms of their values, as config.yaml or REST `/config`
   * shows them. Secret values (see `isSensitiveKey`) are hidden unless `includeSensitive`.
   */
  toMap(options: ToMapOptions = {}): Record<string, string> {
    const result: Record<string, string> = {};
    for (const key of this.keys()) {
      const entry = this.entries.get(key);
      if (entry === undefined) continue;
      const hide = options.includeSensitive !== true && isSensitiveKey(key);
      result[key] = hide ? HIDDEN_CONTENT : entryToString(entry);
    }
    return result;
  }

  clone(): Configuration {
    const copy = new Configuration(this.registry);
    for (const [key, entry] of this.entries) copy.entries.set(key, entry);
    return copy;
  }

  /** Copies every entry of `other` into this configuration; `other` wins on conflicts. */
  addAll(other: Configuration): this {
    for (const [key, entry] of other.entries) {
      if (entry.option === undefined && lookupTable(this.registry).has(key)) {
        this.setRaw(key, entry.raw, entry.source);
      } else {
        this.remove(key);
        this.entries.set(key, entry);
      }
    }
    return this;
  }

  private canonicalKey(key: string): string {
    const trimmed = key.trim();
    return lookupTable(this.registry).get(trimmed)?.key ?? trimmed;
  }
}

function entryToString(entry: Entry): string {
  return entry.option === undefined ? rawToString(entry.raw) : entry.option.format(entry.value);
}

/** String form of a raw value: lists are joined with ';' as in Flink's legacy format. */
function rawToString(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw === undefined || raw === null) return '';
  if (Array.isArray(raw)) return (raw as readonly unknown[]).map(rawToString).join(';');
  if (typeof raw === 'object') return JSON.stringify(raw);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- raw is a non-null primitive or function here; TS only narrows it to {}
  return String(raw);
}
