/**
 * Job endpoints: `/jobs`, `/jobs/overview`, `/jobs/:jobid`, `PATCH /jobs/:jobid?mode=cancel`,
 * `/jobs/:jobid/exceptions`, and the checkpoint statistics `/jobs/:jobid/checkpoints`,
 * `…/checkpoints/config` and `…/checkpoints/details/:checkpointid`.
 */
import type { JobId } from '../../common/ids.js';
import { CheckpointId } from '../checkpoint/checkpoint-id.js';
import {
  checkpointConfigInfoJson,
  checkpointingStatisticsJson,
  checkpointStatisticsJson,
  findCheckpointStats,
} from './flink-checkpoint-json.js';
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
  pathParam,
  type RestHandler,
  type RestHandlerContext,
  type RestRequest,
} from './rest-handler.js';
import type { JobCheckpoints, RestBackend } from './rest-backend.js';
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
    })
    .add('GET', '/jobs/:jobid/checkpoints', async (request) => {
      const { stats, config } = await checkpointsOf(backend, jobIdParam(request));
      return ok(checkpointingStatisticsJson(stats, config));
    })
    .add('GET', '/jobs/:jobid/checkpoints/config', async (request) =>
      ok(checkpointConfigInfoJson((await checkpointsOf(backend, jobIdParam(request))).config)),
    )
    .add('GET', '/jobs/:jobid/checkpoints/details/:checkpointid', async (request) => {
      const jobId = jobIdParam(request);
      const checkpointId = CheckpointId.parse(pathParam(request, 'checkpointid'));
      const { stats, config } = await checkpointsOf(backend, jobId);
      const entry = findCheckpointStats(stats, checkpointId);
      if (entry === undefined) {
        throw new RestHandlerError(
          HttpStatus.NOT_FOUND,
          `Could not find checkpointing statistics for checkpoint ${checkpointId}: ` +
            'only the latest checkpoints of each kind and the recent history are kept',
        );
      }
      return ok(checkpointStatisticsJson(entry, config, true));
    });
}

/** Throws UNKNOWN_JOB (404), or 404 as Flink's when the job does not checkpoint. */
async function checkpointsOf(backend: RestBackend, jobId: JobId): Promise<JobCheckpoints> {
  const checkpoints = await backend.jobCheckpoints(jobId);
  if (checkpoints === undefined) {
    throw new RestHandlerError(
      HttpStatus.NOT_FOUND,
      `Checkpointing is not enabled for this job (${jobId}); ` +
        "set 'execution.checkpointing.interval' to enable it",
    );
  }
  return checkpoints;
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
