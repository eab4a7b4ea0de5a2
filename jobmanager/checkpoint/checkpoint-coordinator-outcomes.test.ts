import { describe, expect, it, vi } from 'vitest';
import { CheckpointException } from './checkpoint-exception.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import {
  TESTING_CHECKPOINT_INTERVAL,
  TestingCheckpointCoordinator,
} from './testing-checkpoint-coordinator.js';

/** Acknowledges from every task, expecting each acknowledgement to succeed. */
function ackAll(h: TestingCheckpointCoordinator, id: CheckpointId): void {
  expect(h.ackAll(id)).toEqual(['success', 'success']);
}

describe('CheckpointCoordinator: failures', () => {
  it('aborts on decline: deletes the location, notifies the tasks and counts the failure', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 1 });
    void h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint()).catch(() => {});
    await h.coordinator.settled();
    h.coordinator.receiveDecline(
      CheckpointId.of(1),
      h.sink.attemptId,
      'CHECKPOINT_DECLINED',
      new Error('disk full'),
    );
    await h.coordinator.settled();
    expect(h.storage.discardedLocations).toEqual(['memory://checkpoints/job/chk-1']);
    expect(h.gateway.aborted.map((n) => n.attemptId)).toEqual([h.source.attemptId, h.sink.attemptId]);
    expect(h.failures).toEqual([]);
    const stats = h.coordinator.checkpointStats();
    expect(stats.counts).toMatchObject({ failed: 1, inProgress: 0, completed: 0 });
    expect(stats.latest.failed).toMatchObject({ checkpointId: 1, status: 'FAILED' });
    expect(stats.latest.failed?.failureMessage).toMatch(/disk full/);

    void h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint()).catch(() => {});
    await h.coordinator.settled();
    h.coordinator.receiveDecline(
      CheckpointId.of(2),
      h.source.attemptId,
      'CHECKPOINT_DECLINED',
      new Error('again'),
    );
    expect(h.failures).toHaveLength(1);
    expect(h.failures[0]?.message).toMatch(
      /^exceeded checkpoint tolerable failure threshold: 2 consecutive failures; last: a task declined the checkpoint: task attempt [0-9a-f]+: again/,
    );
  });

  it('does not count declines Flink does not count', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 0 });
    const done = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    h.coordinator.receiveDecline(
      CheckpointId.of(1),
      h.source.attemptId,
      'CHECKPOINT_DECLINED_TASK_NOT_READY',
    );
    await expect(done).rejects.toBeInstanceOf(CheckpointException);
    expect(h.failures).toEqual([]);
  });

  it('aborts a checkpoint that times out and fails the job when nothing is tolerated', async () => {
    const h = new TestingCheckpointCoordinator({
      checkpointTimeoutMs: 5_000,
      tolerableCheckpointFailureNumber: 0,
    });
    const done = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    h.coordinator.receiveAcknowledge(h.jobId, h.source.attemptId, CheckpointId.of(1), undefined);
    await h.advance(4_999);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(1);
    await h.advance(1);
    await expect(done).rejects.toMatchObject({ reason: 'CHECKPOINT_EXPIRED' });
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    expect(h.storage.discardedLocations).toEqual(['memory://checkpoints/job/chk-1']);
    expect(h.failures.map((f) => f.message)).toEqual([
      expect.stringMatching(
        /threshold: 1 consecutive failures; last: the checkpoint expired before completing: 1 of 2 tasks acknowledged within 5000 ms/,
      ),
    ]);
  });

  it('tolerates failures up to the threshold when a success resets the count', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 1 });
    for (const outcome of ['decline', 'complete', 'decline', 'complete', 'decline'] as const) {
      void h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint()).catch(() => {});
      await h.coordinator.settled();
      const id = h.gateway.triggeredCheckpointIds().at(-1)!;
      if (outcome === 'decline') h.coordinator.receiveDecline(id, h.sink.attemptId, 'CHECKPOINT_DECLINED');
      else ackAll(h, id);
      await h.coordinator.settled();
    }
    expect(h.failures).toEqual([]);
    expect(h.coordinator.checkpointStats().counts).toMatchObject({ completed: 2, failed: 3 });
  });

  it('counts a storage that cannot prepare a location', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 0 });
    h.storage.failNextInitialize(new Error('bucket not found'));
    await expect(h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint())).rejects.toMatchObject({
      reason: 'IO_EXCEPTION',
    });
    expect(h.failures[0]?.message).toMatch(/bucket not found/);
    expect(h.gateway.triggered).toEqual([]);
  });

  it('aborts (uncounted) when a source cannot be triggered', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 0 });
    h.gateway.triggerFailure = new Error('connection reset');
    const failure = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await expect(failure).rejects.toMatchObject({ reason: 'TRIGGER_CHECKPOINT_FAILURE' });
    await expect(failure).rejects.toThrow(/vertex source subtask 0.*connection reset/);
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    expect(h.failures).toEqual([]);
  });

  it('aborts a checkpoint whose metadata cannot be written, counting it', async () => {
    const h = new TestingCheckpointCoordinator({ tolerableCheckpointFailureNumber: 0 });
    const done = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    h.storage.failNextFinalize(new Error('no space left'));
    ackAll(h, CheckpointId.of(1));
    await expect(done).rejects.toMatchObject({ reason: 'FINALIZE_CHECKPOINT_FAILURE' });
    await h.coordinator.settled();
    expect(h.storage.discardedLocations).toEqual(['memory://checkpoints/job/chk-1']);
    expect(h.coordinator.completedCheckpointStore.latest()).toBeUndefined();
    expect(h.failures).toHaveLength(1);
  });

  it('aborts the pending checkpoints a failed task had not acknowledged', async () => {
    const h = new TestingCheckpointCoordinator();
    const done = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    h.coordinator.failUnacknowledgedPendingCheckpointsFor(h.sink.attemptId, new Error('task crashed'));
    await expect(done).rejects.toMatchObject({ reason: 'TASK_FAILURE' });
    expect(h.failures).toEqual([]);
  });
});

describe('CheckpointCoordinator: subsumption', () => {
  it('with num-retained 1, discards the previous completed checkpoint when a new one completes', async () => {
    const h = new TestingCheckpointCoordinator({ maxRetainedCheckpoints: 1 });
    for (const id of [1, 2].map(CheckpointId.of)) {
      void h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
      await h.coordinator.settled();
      ackAll(h, id);
      await h.coordinator.settled();
    }
    expect(h.storage.discardedLocations).toEqual(['memory://checkpoints/job/chk-1']);
    expect(h.coordinator.completedCheckpointStore.all().map((c) => c.checkpointId)).toEqual([2]);
    const history = h.coordinator.checkpointStats().history;
    expect(history.map((e) => [e.checkpointId, e.status, e.discarded])).toEqual([
      [2, 'COMPLETED', false],
      [1, 'COMPLETED', true],
    ]);
  });

  it('aborts older pending checkpoints when a newer one completes, without counting them', async () => {
    const h = new TestingCheckpointCoordinator({
      maxConcurrentCheckpoints: 2,
      tolerableCheckpointFailureNumber: 0,
    });
    const first = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    const second = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    ackAll(h, CheckpointId.of(2));
    await expect(second).resolves.toMatchObject({ checkpointId: 2 });
    expect(h.coordinator.numberOfPendingCheckpoints).toBe(0);
    await expect(first).rejects.toMatchObject({ reason: 'CHECKPOINT_SUBSUMED' });
    expect(h.failures).toEqual([]);
    await h.coordinator.settled();
    expect(h.gateway.aborted.map((n) => n.checkpointId)).toEqual([1, 1]);
  });

  it('deletes a checkpoint that expired while its metadata was being written', async () => {
    const h = new TestingCheckpointCoordinator({
      checkpointTimeoutMs: 5_000,
      tolerableCheckpointFailureNumber: 3,
    });
    const done = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await h.coordinator.settled();
    h.storage.holdFinalization = true;
    ackAll(h, CheckpointId.of(1));
    await vi.waitFor(() => expect(h.storage.heldFinalizations).toHaveLength(1), { timeout: 5_000 });
    h.timer.advance(5_000);
    await expect(done).rejects.toMatchObject({ reason: 'CHECKPOINT_EXPIRED' });
    expect(h.storage.discardedLocations).toEqual([]); // not while the write is in flight
    h.storage.heldFinalizations[0]!.release();
    await h.coordinator.settled();
    expect(h.storage.discardedLocations).toEqual(['memory://checkpoints/job/chk-1']);
    expect(h.coordinator.completedCheckpointStore.latest()).toBeUndefined();
    expect(h.gateway.completed).toEqual([]);
  });
});

describe('CheckpointCoordinator: savepoints', () => {
  it('triggers a savepoint while a periodic checkpoint is pending, without subsuming or notifying', async () => {
    const h = new TestingCheckpointCoordinator({ maxConcurrentCheckpoints: 1 });
    h.coordinator.startPeriodicScheduling();
    await h.advance(TESTING_CHECKPOINT_INTERVAL);
    const savepoint = h.coordinator.triggerCheckpoint(
      CheckpointProperties.savepoint('memory://savepoints/mine'),
    );
    await h.coordinator.settled();
    expect(h.gateway.triggered.map((t) => [t.checkpointId, t.options.checkpointType])).toEqual([
      [1, 'CHECKPOINT'],
      [2, 'SAVEPOINT'],
    ]);
    ackAll(h, CheckpointId.of(2));
    await expect(savepoint).resolves.toMatchObject({
      checkpointId: 2,
      externalPointer: 'memory://savepoints/mine/savepoint-2',
    });
    await h.coordinator.settled();
    expect(h.coordinator.pendingCheckpoint(CheckpointId.of(1))?.status).toBe('PENDING');
    expect(h.coordinator.completedCheckpointStore.latest()).toBeUndefined();
    expect(h.gateway.completed).toEqual([]);
    expect(h.coordinator.checkpointStats().latest.savepoint).toMatchObject({
      checkpointId: 2,
      isSavepoint: true,
    });

    ackAll(h, CheckpointId.of(1));
    await h.coordinator.settled();
    expect(h.coordinator.completedCheckpointStore.latest()?.checkpointId).toBe(1);
  });

  it('queues a savepoint requested while another trigger is in progress', async () => {
    const h = new TestingCheckpointCoordinator();
    h.storage.holdInitialization = true;
    const checkpoint = h.coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    const savepoint = h.coordinator.triggerCheckpoint(CheckpointProperties.savepoint());
    expect(h.coordinator.numQueuedRequests).toBe(1);
    await vi.waitFor(() => expect(h.storage.heldInitializations).toHaveLength(1), { timeout: 5_000 });
    h.storage.holdInitialization = false;
    h.storage.heldInitializations[0]!.release();
    await h.coordinator.settled();
    expect(h.gateway.triggered.map((t) => [t.checkpointId, t.options.checkpointType])).toEqual([
      [1, 'CHECKPOINT'],
      [2, 'SAVEPOINT'],
    ]);
    ackAll(h, CheckpointId.of(2));
    ackAll(h, CheckpointId.of(1));
    await expect(savepoint).resolves.toMatchObject({ checkpointId: 2 });
    await expect(checkpoint).resolves.toMatchObject({ checkpointId: 1 });
  });

  it('notifies the tasks of a synchronous savepoint (stop-with-savepoint) so sinks commit', async () => {
    const h = new TestingCheckpointCoordinator();
    const savepoint = h.coordinator.triggerCheckpoint(
      CheckpointProperties.savepoint(undefined, 'SAVEPOINT_SUSPEND'),
    );
    await h.coordinator.settled();
    ackAll(h, CheckpointId.of(1));
    await savepoint;
    await h.coordinator.settled();
    expect(h.gateway.completed.map((n) => n.checkpointId)).toEqual([1, 1]);
    expect(h.coordinator.completedCheckpointStore.latest()).toBeUndefined();
  });
});
