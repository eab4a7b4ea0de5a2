import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { Configuration } from './configuration.js';

/** The configuration file inside the configuration directory (Flink 1.19+'s name). */
export const CONFIG_FILE_NAME = 'config.yaml';
/** Environment variable naming the configuration directory (default `./conf`). */
export const ENV_CONF_DIR = 'FRESHET_CONF_DIR';
/** Environment variables with newline-separated `key: value` lines; the later one wins. */
export const ENV_PROPERTIES = ['FLINK_PROPERTIES', 'FRESHET_PROPERTIES'] as const;
/** The source `-D key=value` values are reported as. */
export const DYNAMIC_PROPERTIES_SOURCE = '-D';

export interface LoadConfigurationOptions {
  /** Directory holding config.yaml; else `$FRESHET_CONF_DIR`, else `./conf`. */
  readonly confDir?: string;
  /** Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** `key=value` texts from `-D` command-line flags. */
  readonly dynamicProperties?: readonly string[];
}

export interface Property {
  readonly key: string;
  readonly value: string;
}

/**
 * Builds the effective configuration; later layers win: defaults < `<confDir>/config.yaml` (a
 * missing file is fine) < `FLINK_PROPERTIES` < `FRESHET_PROPERTIES` < `-D key=value`. Every value of
 * a known key is validated as it is read, naming its source when it is bad.
 */
export function loadConfiguration(options: LoadConfigurationOptions = {}): Configuration {
  const env = options.env ?? process.env;
  const configuration = new Configuration();
  const confDir = resolve(options.confDir ?? env[ENV_CONF_DIR] ?? 'conf');
  const configFile = join(confDir, CONFIG_FILE_NAME);
  const fromFile = readConfigFile(configFile);
  if (fromFile !== undefined) {
    for (const [key, raw] of fromFile) configuration.setRaw(key, raw, configFile);
  }
  for (const variable of ENV_PROPERTIES) {
    const text = env[variable];
    if (text === undefined) continue;
    for (const { key, value } of parsePropertiesText(text, variable))
      configuration.setRaw(key, value, variable);
  }
  for (const text of options.dynamicProperties ?? []) {
    const { key, value } = parseDynamicProperty(text);
    configuration.setRaw(key, value, DYNAMIC_PROPERTIES_SOURCE);
  }
  return configuration;
}

/**
 * Reads a config.yaml into flat `key → value` pairs, or returns undefined when the file does not
 * exist. A file that cannot be read, is not YAML or is not a mapping fails with its path.
 */
export function readConfigFile(path: string): Map<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw new IllegalConfigurationError(`cannot read configuration file ${path}: ${describeError(error)}`, {
      cause: error,
    });
  }
  return parseConfigYaml(text, path);
}

/**
 * Parses config.yaml text into flat `key → value` pairs. Flink's flat keys (`a.b.c: v`) and nested
 * maps (`a: {b: {c: v}}`) both give `a.b.c`; lists stay lists; keys without a value are skipped.
 */
export function parseConfigYaml(text: string, path: string): Map<string, unknown> {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new IllegalConfigurationError(
      `configuration file ${path} is not valid YAML: ${describeError(error)}`,
      { cause: error },
    );
  }
  const flat = new Map<string, unknown>();
  if (document === null || document === undefined) return flat;
  if (!isMapping(document)) {
    throw new IllegalConfigurationError(
      `configuration file ${path} must be a YAML mapping of 'key: value' lines, but it holds ${describeYamlKind(document)}`,
    );
  }
  flatten(document, '', flat, path);
  return flat;
}

function flatten(
  mapping: Record<string, unknown>,
  prefix: string,
  into: Map<string, unknown>,
  path: string,
): void {
  for (const [name, value] of Object.entries(mapping)) {
    const key = prefix + name;
    if (isMapping(value)) {
      flatten(value, `${key}.`, into, path);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (into.has(key)) {
      throw new IllegalConfigurationError(
        `configuration file ${path} sets '${key}' twice (once as a flat key, once nested); keep one`,
      );
    }
    into.set(key, value);
  }
}

/**
 * Parses newline-separated `key: value` lines (the `FLINK_PROPERTIES` format). Blank lines and
 * lines starting with '#' are skipped; values may be quoted.
 */
export function parsePropertiesText(text: string, source: string): Property[] {
  const properties: Property[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const key = colon < 0 ? '' : line.slice(0, colon).trim();
    if (key === '') {
      throw new IllegalConfigurationError(
        `${source} line ${index + 1}: expected 'key: value', got '${line}'`,
      );
    }
    properties.push({ key, value: unquote(line.slice(colon + 1).trim()) });
  }
  return properties;
}

/** Parses one `-D` argument: `key=value` (a leading `-D` is tolerated); the value may be empty. */
export function parseDynamicProperty(text: string): Property {
  const body = text.startsWith('-D') ? text.slice(2) : text;
  const equals = body.indexOf('=');
  const key = equals < 0 ? '' : body.slice(0, equals).trim();
  if (key === '') {
    throw new IllegalConfigurationError(`-D expects key=value, got '${text}'`);
  }
  return { key, value: body.slice(equals + 1).trim() };
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first))
    return value.slice(1, -1);
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeYamlKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return `a single ${typeof value} value`;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
