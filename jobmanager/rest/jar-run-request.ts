/**
 * Parses `POST /jars/:jarid/run` (Flink's JarRunRequestBody, plus its query parameters as
 * fallback: a body field wins over the query parameter of the same meaning). Strict: wrong types,
 * unknown fields and options Freshet does not have are 400s, not silently ignored.
 */
import { JobId } from '../../common/ids.js';
import type { JarRunRequest } from './rest-backend.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';

const SUPPORTED_FIELDS = new Set([
  'programArgsList',
  'programArgs',
  'parallelism',
  'savepointPath',
  'allowNonRestoredState',
  'jobId',
  'flinkConfiguration',
]);
/** Flink fields that mean nothing for a bundle; accepted only when null. */
const UNSUPPORTED_FIELDS = new Set(['entryClass', 'restoreMode']);

function badRequest(message: string): RestHandlerError {
  return new RestHandlerError(HttpStatus.BAD_REQUEST, message);
}

export function parseJarRunRequest(body: unknown, query: URLSearchParams): JarRunRequest {
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    throw badRequest('the run request body must be a JSON object');
  }
  const fields = new Map(Object.entries((body ?? {}) as Record<string, unknown>));
  for (const [key, value] of fields) {
    if (value === null) fields.delete(key);
    else if (UNSUPPORTED_FIELDS.has(key)) throw badRequest(`'${key}' is not supported by Freshet`);
    else if (!SUPPORTED_FIELDS.has(key)) {
      throw badRequest(`unknown field '${key}'; known: ${[...SUPPORTED_FIELDS].join(', ')}`);
    }
  }
  const programArgsList = programArguments(fields, query);
  const parallelism = parallelismOf(fields.get('parallelism') ?? fromQueryText(query.get('parallelism')));
  const savepointPath = stringField(
    'savepointPath',
    fields.get('savepointPath') ?? query.get('savepointPath'),
  );
  const allowNonRestoredState = booleanOf(
    fields.get('allowNonRestoredState') ?? fromQueryText(query.get('allowNonRestoredState')),
  );
  const jobIdText = stringField('jobId', fields.get('jobId'));
  const flinkConfiguration = configurationOf(fields.get('flinkConfiguration'));
  return {
    ...(flinkConfiguration === undefined ? {} : { flinkConfiguration }),
    programArgsList,
    allowNonRestoredState,
    ...(parallelism === undefined ? {} : { parallelism }),
    ...(savepointPath === undefined || savepointPath === '' ? {} : { savepointPath }),
    ...(jobIdText === undefined ? {} : { jobId: JobId.parse(jobIdText) }),
  };
}

function programArguments(fields: ReadonlyMap<string, unknown>, query: URLSearchParams): string[] {
  const list = fields.get('programArgsList');
  const text = fields.get('programArgs');
  if (list !== undefined && text !== undefined) {
    throw badRequest('both programArgs and programArgsList are given; use only programArgsList');
  }
  if (list !== undefined) {
    if (!Array.isArray(list) || !list.every((a): a is string => typeof a === 'string')) {
      throw badRequest('programArgsList must be an array of strings');
    }
    return list;
  }
  if (text !== undefined) return tokenize(stringField('programArgs', text) ?? '');
  const fromQuery = query.get('programArg');
  if (fromQuery !== null) return fromQuery === '' ? [] : fromQuery.split(',');
  return tokenize(query.get('program-args') ?? '');
}

/** A query parameter's text as the JSON value it spells (`2` → 2, `true` → true), else as is. */
function fromQueryText(text: string | null): unknown {
  if (text === null) return undefined;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text === 'true' || text === 'false' ? text === 'true' : text;
}

function parallelismOf(value: unknown): number | undefined {
  if (value === undefined || value === -1) return undefined; // -1: Flink's "default parallelism"
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badRequest(`parallelism must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function booleanOf(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  throw badRequest(`allowNonRestoredState must be true or false, got ${JSON.stringify(value)}`);
}

function stringField(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  return value;
}

/** Splits program arguments at whitespace, keeping single- or double-quoted runs together. */
export function tokenize(text: string): string[] {
  const args: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) {
    const [, doubleQuoted, singleQuoted, plain] = match;
    args.push(doubleQuoted?.replace(/\\(.)/g, '$1') ?? singleQuoted ?? plain ?? '');
  }
  return args;
}

/** Flink's `flinkConfiguration`: the job's own configuration keys, string to string. */
function configurationOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('flinkConfiguration must be an object of configuration keys to values');
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw badRequest(`flinkConfiguration['${key}'] must be a string, number or boolean`);
    }
    out[key] = String(v);
  }
  return out;
}
