/**
 * Savepoint endpoints (Flink's SavepointHandlers): `POST /jobs/:jobid/savepoints` starts a
 * savepoint and answers 202 with a trigger ID at once; `GET /jobs/:jobid/savepoints/:triggerid`
 * tells whether it is in progress, where it went, or why it failed. Outcomes are kept in a
 * CompletedOperationCache. A request that names its own `triggerId` is idempotent: asking again
 * with the same ID answers the same ID without starting another savepoint (as Flink).
 */
import type { JobId } from '../../common/ids.js';
import type { CompletedOperationCache } from './completed-operation-cache.js';
import { savepointOperationResultJson, triggerResponseJson } from './flink-savepoint-json.js';
import { parseJsonBody } from './request-body.js';
import type { SavepointTriggerRequest } from './rest-backend.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';
import {
  jobIdParam,
  ok,
  pathParam,
  type RestHandler,
  type RestHandlerContext,
  type RestResponse,
} from './rest-handler.js';
import type { RestRouter } from './rest-router.js';
import { TriggerId } from './trigger-id.js';

/** Operations are kept per job: `<jobId>/<triggerId>`. */
export type SavepointOperationKey = `${JobId}/${TriggerId}`;

export interface SavepointHandlerContext extends RestHandlerContext {
  readonly operations: CompletedOperationCache<SavepointOperationKey, string>;
}

export function registerSavepointHandlers(
  router: RestRouter<RestHandler>,
  context: SavepointHandlerContext,
): void {
  const { backend, operations } = context;
  /** Keys whose trigger is being started (between the request and the backend's answer). */
  const starting = new Set<SavepointOperationKey>();
  router
    .add('POST', '/jobs/:jobid/savepoints', async (request) => {
      const jobId = jobIdParam(request);
      const { triggerId: requested, ...trigger } = parseSavepointTriggerRequest(
        parseJsonBody(await request.body()),
      );
      const triggerId = requested ?? TriggerId.generate();
      const key: SavepointOperationKey = `${jobId}/${triggerId}`;
      if (operations.has(key) || starting.has(key)) return accepted(triggerId);
      operations.reserve();
      starting.add(key);
      try {
        const { completion } = await backend.triggerSavepoint(jobId, trigger);
        operations.register(key, completion);
      } finally {
        starting.delete(key);
      }
      return accepted(triggerId);
    })
    .add('GET', '/jobs/:jobid/savepoints/:triggerid', (request) => {
      const jobId = jobIdParam(request);
      const triggerId = TriggerId.parse(pathParam(request, 'triggerid'));
      const result = operations.get(`${jobId}/${triggerId}`);
      if (result === undefined) {
        throw new RestHandlerError(
          HttpStatus.NOT_FOUND,
          `no savepoint with trigger ID ${triggerId} for job ${jobId}: it was never triggered, ` +
            'or it ended more than 5 minutes ago and its result was dropped',
        );
      }
      return Promise.resolve(ok(savepointOperationResultJson(result)));
    });
}

function accepted(triggerId: TriggerId): RestResponse {
  return { status: HttpStatus.ACCEPTED, body: triggerResponseJson(triggerId) };
}

export interface ParsedSavepointTrigger extends SavepointTriggerRequest {
  readonly triggerId?: TriggerId;
}

const FIELDS = ['target-directory', 'cancel-job', 'formatType', 'triggerId'];

/**
 * Flink's SavepointTriggerRequestBody; strict as the run request: wrong types and unknown fields
 * are 400s, and `null` means "not given". `formatType` may only be CANONICAL (Freshet has one
 * savepoint format).
 */
export function parseSavepointTriggerRequest(body: unknown): ParsedSavepointTrigger {
  if (body === undefined) return { cancelJob: false };
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the savepoint request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.includes(key)) throw badRequest(`unknown field '${key}'; known: ${FIELDS.join(', ')}`);
  }
  const target = fields['target-directory'] ?? undefined;
  if (target !== undefined && (typeof target !== 'string' || target.trim() === '')) {
    throw badRequest('target-directory must be a non-empty string');
  }
  const cancelJob = fields['cancel-job'] ?? false;
  if (typeof cancelJob !== 'boolean') {
    throw badRequest(`cancel-job must be true or false, got ${JSON.stringify(cancelJob)}`);
  }
  const formatType = fields['formatType'] ?? 'CANONICAL';
  if (formatType !== 'CANONICAL') {
    throw badRequest(
      `formatType ${JSON.stringify(formatType)} is not supported: Freshet writes savepoints in ` +
        'one format only; leave formatType out or pass CANONICAL',
    );
  }
  const triggerId = fields['triggerId'] ?? undefined;
  if (triggerId !== undefined && typeof triggerId !== 'string')
    throw badRequest('triggerId must be a string');
  return {
    cancelJob,
    ...(target === undefined ? {} : { targetDirectory: target }),
    ...(triggerId === undefined ? {} : { triggerId: TriggerId.parse(triggerId) }),
  };
}

function badRequest(message: string): RestHandlerError {
  return new RestHandlerError(HttpStatus.BAD_REQUEST, message);
}
