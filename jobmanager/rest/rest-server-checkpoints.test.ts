import { afterEach, describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { CheckpointingStatisticsJson, CheckpointStatisticsJson } from './flink-checkpoint-json.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import { testingCheckpointHistory } from './testing/testing-job-checkpoints.js';
import {
  RUNNING_JOB_ID as JOB_ID,
  startServerWithJobs,
  stopTestingRestServers,
} from './testing/testing-rest-server.js';

afterEach(stopTestingRestServers);

async function startWithCheckpoints() {
  const rest = await startServerWithJobs();
  const history = await testingCheckpointHistory();
  rest.backend.checkpoints.set(JOB_ID, history.checkpoints);
  return { rest, history };
}

describe('RestServer checkpoint endpoints', () => {
  it('GET /jobs/:jobid/checkpoints answers CheckpointingStatistics', async () => {
    const { rest } = await startWithCheckpoints();
    const reply = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints`);
    expect(reply.status).toBe(200);
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints', 'GET', reply.status, reply.body)).toEqual([]);
    const body = reply.body as CheckpointingStatisticsJson;
    expect(body.counts).toEqual({ restored: 1, total: 4, in_progress: 1, completed: 2, failed: 1 });
    expect(body.history.map((h) => h.id)).toEqual([4, 3, 2, 1]);
    expect(body.latest).toMatchObject({
      completed: { id: 1, external_path: 'memory://checkpoints/job/chk-1' },
      savepoint: { id: 3 },
      failed: { id: 2 },
      restored: { id: 1 },
    });
    // Under Flink's /v1 prefix too.
    expect((await rest.call('GET', `/v1/jobs/${JOB_ID}/checkpoints`)).body).toEqual(body);
  });

  it('GET /jobs/:jobid/checkpoints/config answers CheckpointConfigInfo', async () => {
    const { rest } = await startWithCheckpoints();
    const reply = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints/config`);
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints/config', 'GET', reply.status, reply.body)).toEqual(
      [],
    );
    expect(reply.body).toMatchObject({
      mode: 'exactly_once',
      interval: 1_000,
      timeout: 10_000,
      tolerable_failed_checkpoints: 5,
      state_backend: 'EmbeddedRocksDBStateBackend',
      checkpoints_after_tasks_finish: true,
      state_changelog_enabled: false,
    });
  });

  it('GET /jobs/:jobid/checkpoints/details/:checkpointid answers one checkpoint with its tasks', async () => {
    const { rest, history } = await startWithCheckpoints();
    const path = '/jobs/{jobid}/checkpoints/details/{checkpointid}';
    const failed = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints/details/2`);
    expect(failed.status).toBe(200);
    expect(flinkSpecViolations(path, 'GET', failed.status, failed.body)).toEqual([]);
    const body = failed.body as CheckpointStatisticsJson;
    expect(body).toMatchObject({
      className: 'failed',
      id: 2,
      status: 'FAILED',
      failure_timestamp: history.triggerTimestamps[1] + 25,
    });
    expect(Object.keys(body.tasks).sort()).toEqual(['sink', 'source']);
    expect(body.tasks['source']).toMatchObject({ state_size: 5, num_acknowledged_subtasks: 1 });

    const savepoint = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints/details/3`);
    expect(flinkSpecViolations(path, 'GET', savepoint.status, savepoint.body)).toEqual([]);
    expect(savepoint.body).toMatchObject({ className: 'completed', is_savepoint: true, state_size: 30 });
  });

  it('answers 404 for a checkpoint it has no statistics of, and 400 for a malformed ID', async () => {
    const { rest } = await startWithCheckpoints();
    const missing = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints/details/99`);
    expect(missing).toMatchObject({
      status: 404,
      body: { errors: [expect.stringMatching(/^Could not find checkpointing statistics for checkpoint 99/)] },
    });
    const malformed = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints/details/latest`);
    expect(malformed).toMatchObject({
      status: 400,
      body: { errors: [expect.stringContaining("'latest' is not a valid checkpoint ID")] },
    });
  });

  it('answers 404 for a job that does not checkpoint, and for an unknown job', async () => {
    const { rest } = await startWithCheckpoints();
    const finished = rest.backend.jobs().find((j) => j.status === 'FINISHED')!;
    for (const suffix of ['checkpoints', 'checkpoints/config', 'checkpoints/details/1']) {
      const reply = await rest.call('GET', `/jobs/${finished.jobId}/${suffix}`);
      expect(reply.status, suffix).toBe(404);
      expect(reply.body).toEqual({
        errors: [
          `Checkpointing is not enabled for this job (${finished.jobId}); ` +
            "set 'execution.checkpointing.interval' to enable it",
        ],
      });
      const unknown = await rest.call('GET', `/jobs/${JobId.generate()}/${suffix}`);
      expect(unknown).toMatchObject({ status: 404, body: { errors: [expect.stringMatching(/not found/)] } });
    }
  });

  it('answers 500 when the backend fails', async () => {
    const { rest } = await startWithCheckpoints();
    rest.backend.failWith('jobCheckpoints', new FreshetError('BROKEN', 'coordinator gone'));
    const reply = await rest.call('GET', `/jobs/${JOB_ID}/checkpoints`);
    expect(reply.status).toBe(500);
    expect(rest.internalErrors).toHaveLength(1);
  });
});
