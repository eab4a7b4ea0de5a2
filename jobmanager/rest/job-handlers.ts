/**
 * Job endpoints: `/jobs`, `/jobs/overview`, `/jobs/:jobid`, `PATCH /jobs/:jobid?mode=cancel`,
 * `/jobs/:jobid/exceptions`.
 */
import {
  jobDetailsInfoJson,
  jobExceptionsInfoJson,
  jobIdsWithStatusJson,
  multipleJobsDetailsJson,
} from './flink-job-json.js';
import { HttpStatus, RestHandlerError } from './rest-handler-error.js';
import {
  jobIdParam,
  ok,
  type RestHandler,
  type RestHandlerContext,
  type RestRequest,
} from './rest-handler.js';
import type { RestRouter } from './rest-router.js';

/** Flink's default for `web.exception-history-size`. */
const DEFAULT_MAX_EXCEPTIONS = 16;

export function registerJobHandlers(router: RestRouter<RestHandler>, context: RestHandlerContext): void {
  const { backend, clock } = context;
  router
    .add('GET', '/jobs', async () => ok(jobIdsWithStatusJson(await backend.jobs())))
    .add('GET', '/jobs/overview', async () =>
      ok(multipleJobsDetailsJson(await backend.jobsOverview(), clock())),
    )
    .add('GET', '/jobs/:jobid', async (request) =>
      ok(jobDetailsInfoJson(await backend.jobDetails(jobIdParam(request)), clock())),
    )
    .add('PATCH', '/jobs/:jobid', async (request) => {
      const jobId = jobIdParam(request);
      terminationMode(request);
      await backend.cancelJob(jobId);
      return { status: HttpStatus.ACCEPTED, body: {} };
    })
    .add('GET', '/jobs/:jobid/exceptions', async (request) => {
      const jobId = jobIdParam(request);
      const max = maxExceptions(request);
      return ok(jobExceptionsInfoJson(await backend.jobExceptions(jobId), max));
    });
}

/** Flink's `mode` query parameter: absent or `cancel`; `stop` moved to `POST /jobs/:jobid/stop`. */
function terminationMode(request: RestRequest): 'cancel' {
  const mode = request.query.get('mode');
  if (mode === null || mode.toLowerCase() === 'cancel') return 'cancel';
  if (mode.toLowerCase() === 'stop') {
    throw new RestHandlerError(
      HttpStatus.BAD_REQUEST,
      "mode 'stop' is not supported here; stop a job with POST /jobs/:jobid/stop",
    );
  }
  throw new RestHandlerError(HttpStatus.BAD_REQUEST, `unknown termination mode '${mode}'; expected 'cancel'`);
}

function maxExceptions(request: RestRequest): number {
  const text = request.query.get('maxExceptions');
  if (text === null) return DEFAULT_MAX_EXCEPTIONS;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new RestHandlerError(
      HttpStatus.BAD_REQUEST,
      `maxExceptions must be a positive integer, got '${text}'`,
    );
  }
  return Number(text);
}
