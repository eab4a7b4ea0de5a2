/**
 * Savepoint endpoints (Flink's SavepointHandlers and StopWithSavepointHandlers):
 * `POST /jobs/:jobid/savepoints` starts a savepoint, `POST /jobs/:jobid/stop` stops the job with
 * one; both answer 202 with a trigger ID at once, and `GET /jobs/:jobid/savepoints/:triggerid`
 * tells whether it is in progress, where it went, or why it failed. Outcomes are kept in a
 * CompletedOperationCache. A request that names its own `triggerId` is idempotent: asking again
 * with the same ID answers the same ID without starting another savepoint (as Flink).
 */
import type { JobId } from '../../common/ids.js';
import type { CompletedOperationCache } from './completed-operation-cache.js';
import { savepointOperationResultJson, triggerResponseJson } from './flink-savepoint-json.js';
import { parseJsonBody } from './request-body.js';
import type { SavepointTrigger } from './rest-backend.js';
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
import { parseSavepointTriggerRequest, parseStopWithSavepointRequest } from './savepoint-request-bodies.js';
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
  const start = async (
    jobId: JobId,
    requested: TriggerId | undefined,
    trigger: () => SavepointTrigger | Promise<SavepointTrigger>,
  ): Promise<RestResponse> => {
    const triggerId = requested ?? TriggerId.generate();
    const key: SavepointOperationKey = `${jobId}/${triggerId}`;
    if (operations.has(key) || starting.has(key)) return accepted(triggerId);
    operations.reserve();
    starting.add(key);
    try {
      const { completion } = await trigger();
      operations.register(key, completion);
    } finally {
      starting.delete(key);
    }
    return accepted(triggerId);
  };
  router
    .add('POST', '/jobs/:jobid/savepoints', async (request) => {
      const jobId = jobIdParam(request);
      const { triggerId, ...trigger } = parseSavepointTriggerRequest(parseJsonBody(await request.body()));
      return start(jobId, triggerId, () => backend.triggerSavepoint(jobId, trigger));
    })
    .add('POST', '/jobs/:jobid/stop', async (request) => {
      const jobId = jobIdParam(request);
      const { triggerId, ...stop } = parseStopWithSavepointRequest(parseJsonBody(await request.body()));
      return start(jobId, triggerId, () => backend.stopWithSavepoint(jobId, stop));
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
