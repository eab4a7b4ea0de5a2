import { describe, expect, it, vi } from 'vitest';
import { ExecutionAttemptId, JobId } from '../../common/ids.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import {
  TESTING_CHECKPOINT_INTERVAL,
  TestingCheckpointCoordinator,
} from './testing-checkpoint-coordinator.js';
import { SINK_OPERATOR, SOURCE_OPERATOR, testingTaskState } from './testing-checkpoint-tasks.js';

/** Acknowledges from every task, expecting each acknowledgement to succeed. */
function ackAll(h: TestingCheckpointCoordinator, id: CheckpointId): void {
  expect(h.ackAll(id)).toEqual(['success', 'success']);
}

describe('CheckpointCoordinator: periodic triggering', () => {
  it('triggers the sources every interval and completes once all tasks acknowledged', async () => {
    const h = new TestingCheckpointCoordinator();
    h.coordinator.startPeriodicScheduling();
    await h.advance(TESTING_CHECKPOINT_INTERVAL - 1);
    expect(h.gateway.triggered).toEqual([]);
    await h.advance(1);
    expect(h.gateway.triggered).toEqual([
      {
        attemptId: h.source.attemptId,
        checkpointId: 1,
        timestamp: h.timer.now,
        options: {
          checkpointType: 'CHECKPOINT',
          targetLocation: 'memory://checkpoints/job/chk-1',
          alignmentType: 'ALIGNED',
        },
      },
    ]);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(1);

    ackAll(h, CheckpointId.of(1));
    await h.coordinator.settled();
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    const latest = h.coordinator.completedCheckpointStore.latest();
    expect(latest).toMatchObject({
      checkpointId: 1,
      stateSize: 7,
      externalPointer: 'memory://checkpoints/job/chk-1',
    });
    expect(
      h.storage.metadata
        .get('memory://checkpoints/job/chk-1')
        ?.operatorStates.map((s) => s.operatorId)
        .sort(),
    ).toEqual([SOURCE_OPERATOR, SINK_OPERATOR].sort());
    expect(h.gateway.completed).toEqual([
      { attemptId: h.source.attemptId, checkpointId: 1 },
      { attemptId: h.sink.attemptId, checkpointId: 1 },
    ]);

    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1, 2]);
  });

  it('starts no new checkpoint while max-concurrent are pending, and runs the held tick when one ends', async () => {
    const h = new TestingCheckpointCoordinator({ maxConcurrentCheckpoints: 1 });
    h.coordinator.startPeriodicScheduling();
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1]);
    expect(h.coordinator.numQueuedRequests).toBe(1);

    ackAll(h, CheckpointId.of(1));
    await h.coordinator.settled();
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1, 2]);
    expect(h.coordinator.numQueuedRequests).toBe(0);
  });

  it('allows several pending checkpoints up to max-concurrent', async () => {
    const h = new TestingCheckpointCoordinator({ maxConcurrentCheckpoints: 2 });
    h.coordinator.startPeriodicScheduling();
    await h.advance(3 * TESTING_CHECKPOINT_INTERVAL);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1, 2]);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(2);
  });

  it('waits out the min pause after a completion before the next periodic checkpoint', async () => {
    const h = new TestingCheckpointCoordinator({ minPauseBetweenCheckpointsMs: 600 });
    const start = h.timer.now;
    h.coordinator.startPeriodicScheduling();
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    await h.advance(500);
    ackAll(h, CheckpointId.of(1)); // completes at start + 1500
    await h.coordinator.settled();
    await h.advance(500); // the tick at start + 2000 falls in the pause (until start + 2100)
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1]);
    await h.advance(99);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1]);
    await h.advance(1);
    expect(h.gateway.triggered.map((t) => t.timestamp - start)).toEqual([1_000, 2_100]);
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1, 2]); // checkpoint 2 still pending
  });

  it('fails a request when not all tasks run, without counting it', async () => {
    const h = new TestingCheckpointCoordinator();
    h.taskSet = { notReady: 'vertex sink subtask 0 is DEPLOYING' };
    const failure = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await expect(failure).rejects.toMatchObject({ reason: 'NOT_ALL_REQUIRED_TASKS_RUNNING' });
    await expect(failure).rejects.toThrow(/not all required tasks are currently running: .*DEPLOYING/);
    expect(h.failures).toEqual([]);
    expect(h.coordinator.checkpointStats().counts).toMatchObject({ failed: 1, inProgress: 0 });
    expect(h.gateway.triggered).toEqual([]);
  });

  it('passes the unaligned and at-least-once alignment to the sources', async () => {
    const unaligned = new TestingCheckpointCoordinator({ unalignedCheckpointsEnabled: true });
    void unaligned.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await unaligned.coordinator.settled();
    expect(unaligned.gateway.triggered[0]?.options.alignmentType).toBe('UNALIGNED');

    const atLeastOnce = new TestingCheckpointCoordinator({ checkpointingMode: 'AT_LEAST_ONCE' });
    void atLeastOnce.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await atLeastOnce.coordinator.settled();
    expect(atLeastOnce.gateway.triggered[0]?.options.alignmentType).toBe('AT_LEAST_ONCE');
  });
});

describe('CheckpointCoordinator: acknowledgements', () => {
  it('returns duplicate, unknown, discarded and unknown-checkpoint, deleting unused state', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 5 });
    const done = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    const id = CheckpointId.of(1);
    const state = (path: string) => testingTaskState(SINK_OPERATOR, path, 1);

    expect(h.coordinator.receiveAcknowledge(h.jobId, h.source.attemptId, id, undefined)).toBe('success');
    expect(h.coordinator.receiveAcknowledge(h.jobId, h.source.attemptId, id, undefined)).toBe('duplicate');
    expect(
      h.coordinator.receiveAcknowledge(h.jobId, ExecutionAttemptId.generate(), id, state('stranger')),
    ).toBe('unknown');
    expect(h.coordinator.receiveAcknowledge(JobId.generate(), h.sink.attemptId, id, state('other-job'))).toBe(
      'wrong-job',
    );
    expect(h.coordinator.receiveDecline(id, h.sink.attemptId, 'CHECKPOINT_DECLINED')).toBe(true);
    await expect(done).rejects.toMatchObject({ reason: 'CHECKPOINT_DECLINED' });
    expect(h.coordinator.receiveAcknowledge(h.jobId, h.sink.attemptId, id, state('late'))).toBe('discarded');
    expect(
      h.coordinator.receiveAcknowledge(h.jobId, h.sink.attemptId, CheckpointId.of(99), state('never')),
    ).toBe('unknown-checkpoint');
    await h.coordinator.settled();
    expect(h.storage.discardedStateHandles.map((handle) => handle.path)).toEqual([
      'stranger',
      'late',
      'never',
    ]);
  });
});

describe('CheckpointCoordinator: lifecycle', () => {
  it('stop() aborts pending checkpoints and stops periodic triggering; start resumes it', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 0 });
    h.coordinator.startPeriodicScheduling();
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    const savepoint = h.coordinator.triggerCheckpoint(CheckpointProperties.savepoint());
    await h.coordinator.settled();
    h.coordinator.stop();
    await expect(savepoint).rejects.toMatchObject({ reason: 'CHECKPOINT_COORDINATOR_SUSPEND' });
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    await h.advance(5 * TESTING_CHECKPOINT_INTERVAL);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1, 2]);
    expect(h.storage.discardedLocations).toHaveLength(2);
    expect(h.failures).toEqual([]);

    h.coordinator.startPeriodicScheduling();
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    expect(h.gateway.triggeredCheckpointIds()).toEqual([1, 2, 3]);
  });

  it('stop() during a trigger fails the request and deletes the location prepared meanwhile', async () => {
    const h = new TestingCheckpointCoordinator();
    h.storage.holdInitialization = true;
    const checkpoint = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await vi.waitFor(() => expect(h.storage.heldInitializations).toHaveLength(1), { timeout: 5_000 });
    h.coordinator.stop();
    await expect(checkpoint).rejects.toMatchObject({ reason: 'CHECKPOINT_COORDINATOR_SUSPEND' });
    h.storage.heldInitializations[0]!.release();
    await h.coordinator.settled();
    expect(h.storage.discardedLocations).toEqual(['memory://checkpoints/job/chk-1']);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    expect(h.gateway.triggered).toEqual([]);
  });

  it('refuses requests after shutdown', async () => {
    const h = new TestingCheckpointCoordinator();
    await h.coordinator.shutdown();
    await expect(h.coordinator.triggerCheckpoint(CheckpointProperties.savepoint())).rejects.toMatchObject({
      reason: 'CHECKPOINT_COORDINATOR_SHUTDOWN',
    });
    expect(() => h.coordinator.startPeriodicScheduling()).toThrow(/shut down/);
  });

  it('refuses periodic scheduling without an interval', () => {
    const h = new TestingCheckpointCoordinator({ checkpointIntervalMs: undefined });
    expect(h.coordinator.isPeriodicCheckpointingConfigured()).toBe(false);
    expect(() => h.coordinator.startPeriodicScheduling()).toThrow(/execution\.checkpointing\.interval/);
  });

  it('restores the latest completed checkpoint and records it', async () => {
    const h = new TestingCheckpointCoordinator();
    expect(h.coordinator.restoreLatest()).toBeUndefined();
    void h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    ackAll(h, CheckpointId.of(1));
    await h.coordinator.settled();
    expect(h.coordinator.restoreLatest()).toMatchObject({ checkpointId: 1 });
    expect(h.coordinator.checkpointStats().latest.restored).toMatchObject({
      checkpointId: 1,
      isSavepoint: false,
      externalPath: 'memory://checkpoints/job/chk-1',
    });
    expect(h.coordinator.checkpointStats().counts.restored).toBe(1);
  });

  it('reports in-progress checkpoints with their acknowledged subtasks', async () => {
    const h = new TestingCheckpointCoordinator();
    void h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.advance(250);
    h.coordinator.receiveAcknowledge(
      h.jobId,
      h.sink.attemptId,
      CheckpointId.of(1),
      testingTaskState(SINK_OPERATOR, 'f', 9),
    );
    const stats = h.coordinator.checkpointStats();
    expect(stats.counts).toMatchObject({ inProgress: 1, total: 1 });
    expect(stats.history[0]).toMatchObject({
      checkpointId: 1,
      status: 'IN_PROGRESS',
      numSubtasks: 2,
      numAcknowledgedSubtasks: 1,
      stateSize: 9,
      endToEndDuration: 250,
    });
  });
});
