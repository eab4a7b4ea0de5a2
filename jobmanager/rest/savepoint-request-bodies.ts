/**
 * The request bodies of the savepoint endpoints: Flink's SavepointTriggerRequestBody
 * (`POST /jobs/:jobid/savepoints`: `target-directory`, `cancel-job`) and StopWithSavepointRequestBody
 * (`POST /jobs/:jobid/stop`: `targetDirectory`, `drain`), both with `formatType` and `triggerId`.
 * Strict as the run request: wrong types and unknown fields are 400s, and `null` means "not given".
 * `formatType` may only be CANONICAL (Freshet has one savepoint format).
 */
import type { SavepointTriggerRequest, StopWithSavepointRequest } from './rest-backend.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';
import { TriggerId } from './trigger-id.js';

export interface ParsedSavepointTrigger extends SavepointTriggerRequest {
  readonly triggerId?: TriggerId;
}

export interface ParsedStopWithSavepoint extends StopWithSavepointRequest {
  readonly triggerId?: TriggerId;
}

const SAVEPOINT_FIELDS = ['target-directory', 'cancel-job', 'formatType', 'triggerId'];
const STOP_FIELDS = ['targetDirectory', 'drain', 'formatType', 'triggerId'];

export function parseSavepointTriggerRequest(body: unknown): ParsedSavepointTrigger {
  if (body === undefined) return { cancelJob: false };
  const fields = fieldsOf(body, 'savepoint', SAVEPOINT_FIELDS);
  const target = targetDirectoryOf(fields, 'target-directory');
  return {
    cancelJob: flagOf(fields, 'cancel-job'),
    ...(target === undefined ? {} : { targetDirectory: target }),
    ...triggerIdOf(fields),
  };
}

export function parseStopWithSavepointRequest(body: unknown): ParsedStopWithSavepoint {
  if (body === undefined) return { drain: false };
  const fields = fieldsOf(body, 'stop', STOP_FIELDS);
  const target = targetDirectoryOf(fields, 'targetDirectory');
  return {
    drain: flagOf(fields, 'drain'),
    ...(target === undefined ? {} : { targetDirectory: target }),
    ...triggerIdOf(fields),
  };
}

/** The body's fields, once it is known to be an object of known fields with a supported formatType. */
function fieldsOf(body: unknown, what: string, known: readonly string[]): Readonly<Record<string, unknown>> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`the ${what} request body must be a JSON object`);
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) throw badRequest(`unknown field '${key}'; known: ${known.join(', ')}`);
  }
  const formatType = fields['formatType'] ?? 'CANONICAL';
  if (formatType !== 'CANONICAL') {
    throw badRequest(
      `formatType ${JSON.stringify(formatType)} is not supported: Freshet writes savepoints in ` +
        'one format only; leave formatType out or pass CANONICAL',
    );
  }
  return fields;
}

function targetDirectoryOf(fields: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const target = fields[name] ?? undefined;
  if (target !== undefined && (typeof target !== 'string' || target.trim() === '')) {
    throw badRequest(`${name} must be a non-empty string`);
  }
  return target;
}

function flagOf(fields: Readonly<Record<string, unknown>>, name: string): boolean {
  const flag = fields[name] ?? false;
  if (typeof flag !== 'boolean')
    throw badRequest(`${name} must be true or false, got ${JSON.stringify(flag)}`);
  return flag;
}

function triggerIdOf(fields: Readonly<Record<string, unknown>>): { triggerId?: TriggerId } {
  const triggerId = fields['triggerId'] ?? undefined;
  if (triggerId === undefined) return {};
  if (typeof triggerId !== 'string') throw badRequest('triggerId must be a string');
  return { triggerId: TriggerId.parse(triggerId) };
}

function badRequest(message: string): RestHandlerError {
  return new RestHandlerError(HttpStatus.BAD_REQUEST, message);
}
