/**
 * Checkpoint statistics for REST tests, made by driving a real CheckpointCoordinator (with its
 * testing timer, storage and gateway) through a known history, oldest first:
 *
 *   1  checkpoint  triggered at T, completed at T+30  (source 3 B + sink 4 B = 7 B)
 *   2  checkpoint  triggered at T+30, source acked at T+40, sink declined at T+55 → FAILED
 *   3  savepoint   triggered at T+55, completed at T+105 (source 10 B + sink 20 B = 30 B)
 *   4  checkpoint  triggered at T+105, no acknowledgement yet → IN_PROGRESS
 *
 * and then a restore from checkpoint 1 at T+105 (T is `triggerTimestamps[0]`).
 */
import type { JobGraph } from '../../../api/graph/job-graph.js';
import { CheckpointId } from '../../checkpoint/checkpoint-id.js';
import { CheckpointProperties } from '../../checkpoint/checkpoint-properties.js';
import { TestingCheckpointCoordinator } from '../../checkpoint/testing-checkpoint-coordinator.js';
import {
  SINK_OPERATOR,
  SOURCE_OPERATOR,
  testingTaskState,
} from '../../checkpoint/testing-checkpoint-tasks.js';
import { jobCheckpoints } from '../job-checkpoints.js';
import type { JobCheckpoints } from '../rest-backend.js';

export interface TestingCheckpointHistory {
  readonly harness: TestingCheckpointCoordinator;
  /** Trigger times of checkpoints 1 to 4. */
  readonly triggerTimestamps: readonly [number, number, number, number];
  /** What the backend answers for a job with this history and `state.backend.type: rocksdb`. */
  readonly checkpoints: JobCheckpoints;
}

export async function testingCheckpointHistory(
  harness = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 5 }),
): Promise<TestingCheckpointHistory> {
  const { coordinator, timer, jobId, source, sink } = harness;
  const trigger = async (properties = CheckpointProperties.checkpoint()) => {
    const at = timer.now;
    const done = coordinator.triggerCheckpoint(properties);
    done.catch(() => {}); // checkpoint 2 fails, on purpose
    await coordinator.settled();
    return at;
  };
  const ack = (id: number, task: typeof source, bytes: number) =>
    coordinator.receiveAcknowledge(
      jobId,
      task.attemptId,
      CheckpointId.of(id),
      testingTaskState(task === source ? SOURCE_OPERATOR : SINK_OPERATOR, `${task.vertexId}-${id}`, bytes),
    );
  const expectSuccess = (result: string) => {
    if (result !== 'success') throw new Error(`acknowledgement was ${result}`);
  };

  const first = await trigger();
  await harness.advance(30);
  expectSuccess(ack(1, source, 3));
  expectSuccess(ack(1, sink, 4));
  await coordinator.settled();

  const second = await trigger();
  await harness.advance(10);
  expectSuccess(ack(2, source, 5));
  await harness.advance(15);
  coordinator.receiveDecline(
    CheckpointId.of(2),
    sink.attemptId,
    'CHECKPOINT_DECLINED',
    new Error('disk full'),
  );
  await coordinator.settled();

  const third = await trigger(CheckpointProperties.savepoint());
  await harness.advance(50);
  expectSuccess(ack(3, source, 10));
  expectSuccess(ack(3, sink, 20));
  await coordinator.settled();

  const fourth = await trigger();
  coordinator.restoreLatest();

  const job = { configuration: { 'state.backend.type': 'rocksdb' } };
  const jobGraph = { config: { configuration: {} } } as unknown as Pick<JobGraph, 'config'>;
  return {
    harness,
    triggerTimestamps: [first, second, third, fourth],
    checkpoints: jobCheckpoints(job, jobGraph, coordinator),
  };
}
