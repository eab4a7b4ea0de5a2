import { describe, expect, it } from 'vitest';
import { CheckpointId } from '../checkpoint/checkpoint-id.js';
import { TestingCheckpointCoordinator } from '../checkpoint/testing-checkpoint-coordinator.js';
import {
  checkpointConfigInfoJson,
  checkpointingStatisticsJson,
  checkpointStatisticsJson,
  findCheckpointStats,
  percentile,
  restApiCheckpointType,
} from './flink-checkpoint-json.js';
import { flinkSpecViolations } from './testing/flink-rest-conformance.js';
import { testingCheckpointHistory } from './testing/testing-job-checkpoints.js';

describe('checkpointingStatisticsJson', () => {
  it("shows a real coordinator's counts, latest, summary and history in Flink's shape", async () => {
    const {
      checkpoints,
      triggerTimestamps: [t1, t2, t3, t4],
    } = await testingCheckpointHistory();
    const json = checkpointingStatisticsJson(checkpoints.stats, checkpoints.config);
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints', 'GET', 200, json)).toEqual([]);

    expect(json.counts).toEqual({ restored: 1, total: 4, in_progress: 1, completed: 2, failed: 1 });
    expect(json.history.map((h) => [h.id, h.status, h.className])).toEqual([
      [4, 'IN_PROGRESS', 'in_progress'],
      [3, 'COMPLETED', 'completed'],
      [2, 'FAILED', 'failed'],
      [1, 'COMPLETED', 'completed'],
    ]);
    expect(json.latest.completed).toEqual({
      className: 'completed',
      id: 1,
      status: 'COMPLETED',
      is_savepoint: false,
      savepointFormat: null,
      trigger_timestamp: t1,
      latest_ack_timestamp: t1 + 30,
      checkpointed_size: 7,
      state_size: 7,
      end_to_end_duration: 30,
      alignment_buffered: 0,
      processed_data: 0,
      persisted_data: 0,
      num_subtasks: 2,
      num_acknowledged_subtasks: 2,
      checkpoint_type: 'CHECKPOINT',
      tasks: {},
      external_path: 'memory://checkpoints/job/chk-1',
      discarded: false,
    });
    expect(json.latest.savepoint).toMatchObject({
      id: 3,
      is_savepoint: true,
      savepointFormat: 'CANONICAL',
      checkpoint_type: 'SAVEPOINT',
      state_size: 30,
      end_to_end_duration: 50,
      external_path: 'memory://savepoints/savepoint-3',
    });
    expect(json.latest.failed).toMatchObject({
      className: 'failed',
      id: 2,
      trigger_timestamp: t2,
      latest_ack_timestamp: t2 + 10,
      state_size: 5,
      num_acknowledged_subtasks: 1,
      failure_timestamp: t2 + 25,
      end_to_end_duration: 25,
    });
    expect(json.latest.failed?.failure_message).toMatch(/declined.*disk full/);
    expect(json.latest.restored).toEqual({
      id: 1,
      restore_timestamp: t4,
      is_savepoint: false,
      external_path: 'memory://checkpoints/job/chk-1',
    });
    // In progress without acknowledgements: Flink's -1 for the unknown ack time and duration.
    expect(json.history[0]).toEqual({
      className: 'in_progress',
      id: 4,
      status: 'IN_PROGRESS',
      is_savepoint: false,
      savepointFormat: null,
      trigger_timestamp: t4,
      latest_ack_timestamp: -1,
      checkpointed_size: 0,
      state_size: 0,
      end_to_end_duration: -1,
      alignment_buffered: 0,
      processed_data: 0,
      persisted_data: 0,
      num_subtasks: 2,
      num_acknowledged_subtasks: 0,
      checkpoint_type: 'CHECKPOINT',
      tasks: {},
    });
    expect(json.history[1]!.trigger_timestamp).toBe(t3);

    // Completed: checkpoint 1 (7 B, 30 ms) and savepoint 3 (30 B, 50 ms).
    expect(json.summary.state_size).toEqual({
      min: 7,
      max: 30,
      avg: 18, // 18.5 truncated, as Flink's long
      p50: 18.5,
      p90: 30,
      p95: 30,
      p99: 30,
      p999: 30,
    });
    expect(json.summary.checkpointed_size).toEqual(json.summary.state_size);
    expect(json.summary.end_to_end_duration).toMatchObject({ min: 30, max: 50, avg: 40, p50: 40 });
    expect(json.summary.processed_data).toEqual({
      min: 0,
      max: 0,
      avg: 0,
      p50: 0,
      p90: 0,
      p95: 0,
      p99: 0,
      p999: 0,
    });
  });

  it('answers zeros and nulls before any checkpoint', () => {
    const h = new TestingCheckpointCoordinator();
    const json = checkpointingStatisticsJson(h.coordinator.checkpointStats(), h.coordinator.configuration);
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints', 'GET', 200, json)).toEqual([]);
    expect(json).toMatchObject({
      counts: { restored: 0, total: 0, in_progress: 0, completed: 0, failed: 0 },
      latest: { completed: null, savepoint: null, failed: null, restored: null },
      history: [],
    });
    expect(json.summary.end_to_end_duration).toMatchObject({ min: 0, max: 0, avg: 0, p99: 0 });
  });

  it('marks checkpoints of a job with unaligned checkpoints as UNALIGNED_CHECKPOINT', async () => {
    const { checkpoints } = await testingCheckpointHistory(
      new TestingCheckpointCoordinator({
        unalignedCheckpointsEnabled: true,
        tolerableCheckpointFailureNumber: 5,
      }),
    );
    const json = checkpointingStatisticsJson(checkpoints.stats, checkpoints.config);
    expect(json.history.map((h) => h.checkpoint_type)).toEqual([
      'UNALIGNED_CHECKPOINT',
      'SAVEPOINT',
      'UNALIGNED_CHECKPOINT',
      'UNALIGNED_CHECKPOINT',
    ]);
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints', 'GET', 200, json)).toEqual([]);
  });
});

describe('checkpointStatisticsJson with tasks (details)', () => {
  it('adds per-vertex statistics', async () => {
    const {
      checkpoints,
      triggerTimestamps: [t1, t2],
    } = await testingCheckpointHistory();
    const find = (id: number) => findCheckpointStats(checkpoints.stats, CheckpointId.of(id))!;

    const completed = checkpointStatisticsJson(find(1), checkpoints.config, true);
    const path = '/jobs/{jobid}/checkpoints/details/{checkpointid}';
    expect(flinkSpecViolations(path, 'GET', 200, completed)).toEqual([]);
    expect(Object.keys(completed.tasks)).toEqual(['source', 'sink']);
    expect(completed.tasks['sink']).toMatchObject({ state_size: 4, num_acknowledged_subtasks: 1 });
    expect(completed.tasks['source']).toEqual({
      id: 1,
      status: 'COMPLETED',
      latest_ack_timestamp: t1 + 30,
      checkpointed_size: 3,
      state_size: 3,
      end_to_end_duration: 30,
      alignment_buffered: 0,
      processed_data: 0,
      persisted_data: 0,
      num_subtasks: 1,
      num_acknowledged_subtasks: 1,
    });

    const failed = checkpointStatisticsJson(find(2), checkpoints.config, true);
    expect(flinkSpecViolations(path, 'GET', 200, failed)).toEqual([]);
    expect(failed.tasks['source']).toMatchObject({ status: 'FAILED', latest_ack_timestamp: t2 + 10 });
    expect(failed.tasks['sink']).toMatchObject({
      latest_ack_timestamp: -1,
      end_to_end_duration: -1,
      num_acknowledged_subtasks: 0,
    });
    expect(findCheckpointStats(checkpoints.stats, CheckpointId.of(99))).toBeUndefined();
  });
});

describe('checkpointConfigInfoJson', () => {
  it("shows the coordinator's settings, state backend and storage as Flink names them", async () => {
    const { checkpoints } = await testingCheckpointHistory();
    const json = checkpointConfigInfoJson(checkpoints.config);
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints/config', 'GET', 200, json)).toEqual([]);
    expect(json).toEqual({
      mode: 'exactly_once',
      interval: 1_000,
      timeout: 10_000,
      min_pause: 0,
      max_concurrent: 1,
      externalization: { enabled: true, delete_on_cancellation: false },
      state_backend: 'EmbeddedRocksDBStateBackend',
      checkpoint_storage: 'FileSystemCheckpointStorage',
      unaligned_checkpoints: false,
      tolerable_failed_checkpoints: 5,
      aligned_checkpoint_timeout: 0,
      checkpoints_after_tasks_finish: true,
      state_changelog_enabled: false,
      changelog_periodic_materialization_interval: 0,
      changelog_storage: null,
    });
  });

  it('shows at-least-once, hashmap and no periodic interval', () => {
    const { configuration } = new TestingCheckpointCoordinator({
      checkpointingMode: 'AT_LEAST_ONCE',
      checkpointIntervalMs: undefined,
    }).coordinator;
    const json = checkpointConfigInfoJson({
      ...configuration,
      stateBackend: 'hashmap',
      externalization: { enabled: false, deleteOnCancellation: true },
    });
    expect(json).toMatchObject({
      mode: 'at_least_once',
      interval: -1,
      state_backend: 'HashMapStateBackend',
      externalization: { enabled: false, delete_on_cancellation: true },
    });
    expect(flinkSpecViolations('/jobs/{jobid}/checkpoints/config', 'GET', 200, json)).toEqual([]);
  });
});

describe('restApiCheckpointType', () => {
  it.each([
    ['CHECKPOINT', false, 'CHECKPOINT'],
    ['CHECKPOINT', true, 'UNALIGNED_CHECKPOINT'],
    ['SAVEPOINT', true, 'SAVEPOINT'],
    ['SAVEPOINT_SUSPEND', false, 'SYNC_SAVEPOINT'],
    ['SAVEPOINT_TERMINATE', true, 'SYNC_SAVEPOINT'],
  ] as const)('%s (unaligned %s) is %s', (type, unaligned, expected) => {
    expect(restApiCheckpointType(type, unaligned)).toBe(expected);
  });
});

describe('percentile', () => {
  it("estimates as Commons Math's default does", () => {
    const values = [10, 20, 30, 40];
    expect(percentile(values, 50)).toBe(25); // position 2.5
    expect(percentile(values, 90)).toBe(40); // position 4.5 ≥ n
    expect(percentile(values, 10)).toBe(10); // position 0.5 < 1
    expect(percentile(values, 25)).toBe(12.5); // position 1.25
    expect(percentile([7], 99.9)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});
