/**
 * Savepoint disposal endpoints (Flink's SavepointDisposalHandlers): `POST /savepoint-disposal`
 * with `{"savepoint-path": …}` starts deleting a savepoint and answers at once with a trigger ID
 * (200, as Flink's SavepointDisposalTriggerHeaders); `GET /savepoint-disposal/:triggerid` tells
 * whether it is in progress, done, or why it failed (`operation.failure-cause`). Not per job: a
 * savepoint outlives its job. Outcomes are kept in a CompletedOperationCache, as savepoints'.
 */
import type { CompletedOperationCache } from './completed-operation-cache.js';
import { savepointDisposalOperationResultJson, triggerResponseJson } from './flink-savepoint-json.js';
import { parseJsonBody } from './request-body.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';
import { ok, pathParam, type RestHandler, type RestHandlerContext } from './rest-handler.js';
import type { RestRouter } from './rest-router.js';
import { TriggerId } from './trigger-id.js';

export interface SavepointDisposalHandlerContext extends RestHandlerContext {
  readonly operations: CompletedOperationCache<TriggerId, void>;
}

export function registerSavepointDisposalHandlers(
  router: RestRouter<RestHandler>,
  context: SavepointDisposalHandlerContext,
): void {
  const { backend, operations } = context;
  router
    .add('POST', '/savepoint-disposal', async (request) => {
      const path = parseSavepointDisposalRequest(parseJsonBody(await request.body()));
      operations.reserve();
      const triggerId = TriggerId.generate();
      const { completion } = await backend.disposeSavepoint(path);
      operations.register(triggerId, completion);
      return ok(triggerResponseJson(triggerId));
    })
    .add('GET', '/savepoint-disposal/:triggerid', (request) => {
      const triggerId = TriggerId.parse(pathParam(request, 'triggerid'));
      const result = operations.get(triggerId);
      if (result === undefined) {
        throw new RestHandlerError(
          HttpStatus.NOT_FOUND,
          `no savepoint disposal with trigger ID ${triggerId}: it was never triggered, ` +
            'or it ended more than 5 minutes ago and its result was dropped',
        );
      }
      return Promise.resolve(ok(savepointDisposalOperationResultJson(result)));
    });
}

/**
 * Flink's SavepointDisposalRequest: `{"savepoint-path": "<path>"}`, the savepoint's directory or its
 * `_metadata` file. Strict as the other request bodies: anything else is a 400.
 */
export function parseSavepointDisposalRequest(body: unknown): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the savepoint disposal request body must be a JSON object with "savepoint-path"');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== 'savepoint-path') throw badRequest(`unknown field '${key}'; known: savepoint-path`);
  }
  const path = fields['savepoint-path'];
  if (typeof path !== 'string' || path.trim() === '') {
    throw badRequest('savepoint-path must be a non-empty string: the savepoint directory to dispose');
  }
  return path.trim();
}

function badRequest(message: string): RestHandlerError {
  return new RestHandlerError(HttpStatus.BAD_REQUEST, message);
}
