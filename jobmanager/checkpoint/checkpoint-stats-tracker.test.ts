import { describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { CheckpointException } from './checkpoint-exception.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import { CheckpointStatsTracker } from './checkpoint-stats-tracker.js';
import { PendingCheckpoint } from './pending-checkpoint.js';
import { SOURCE_OPERATOR, testingCheckpointTask, testingTaskState } from './testing-checkpoint-tasks.js';

function pending(id: number, properties = CheckpointProperties.checkpoint()) {
  const task = testingCheckpointTask('source', 0, { isSource: true });
  const checkpoint = new PendingCheckpoint({
    jobId: JobId.generate(),
    checkpointId: CheckpointId.of(id),
    triggerTimestamp: id * 1_000,
    properties,
    location: `memory://chk-${id}`,
    tasksToAcknowledge: [task],
  });
  return { checkpoint, task };
}

function complete(p: ReturnType<typeof pending>, size: number, duration: number) {
  p.checkpoint.acknowledgeTask(p.task.attemptId, testingTaskState(SOURCE_OPERATOR, 'f', size), 0);
  const metadata = p.checkpoint.startFinalizing();
  const start = p.checkpoint.triggerTimestamp;
  return p.checkpoint.complete(metadata, `memory://chk-${p.checkpoint.checkpointId}`, start + duration);
}

describe('CheckpointStatsTracker', () => {
  it('counts in-progress, completed and failed checkpoints and keeps the latest of each', () => {
    const tracker = new CheckpointStatsTracker();
    const first = pending(1);
    const second = pending(2);
    const savepoint = pending(3, CheckpointProperties.savepoint());
    for (const p of [first, second, savepoint]) tracker.reportPending(p.checkpoint);
    expect(tracker.createSnapshot().counts).toEqual({
      restored: 0,
      total: 3,
      inProgress: 3,
      completed: 0,
      failed: 0,
    });

    tracker.reportCompleted(first.checkpoint, complete(first, 100, 40));
    const cause = new CheckpointException('CHECKPOINT_EXPIRED');
    second.checkpoint.abort(cause);
    tracker.reportFailed(second.checkpoint, 2_500, cause);
    tracker.reportCompleted(savepoint.checkpoint, complete(savepoint, 300, 60));
    tracker.reportFailedWithoutInProgress();

    const snapshot = tracker.createSnapshot();
    expect(snapshot.counts).toEqual({ restored: 0, total: 4, inProgress: 0, completed: 2, failed: 2 });
    expect(snapshot.history.map((e) => [e.checkpointId, e.status])).toEqual([
      [3, 'COMPLETED'],
      [2, 'FAILED'],
      [1, 'COMPLETED'],
    ]);
    expect(snapshot.latest.completed).toMatchObject({
      checkpointId: 1,
      endToEndDuration: 40,
      stateSize: 100,
    });
    expect(snapshot.latest.savepoint).toMatchObject({ checkpointId: 3, isSavepoint: true });
    expect(snapshot.latest.failed).toMatchObject({
      checkpointId: 2,
      failureTimestamp: 2_500,
      endToEndDuration: 500,
      failureMessage: 'the checkpoint expired before completing',
    });
    expect(snapshot.summary).toEqual({
      stateSize: { min: 100, max: 300, avg: 200 },
      endToEndDuration: { min: 40, max: 60, avg: 50 },
    });
  });

  it('keeps only the newest entries in the history', () => {
    const tracker = new CheckpointStatsTracker(2);
    for (const id of [1, 2, 3]) tracker.reportPending(pending(id).checkpoint);
    expect(tracker.createSnapshot().history.map((e) => e.checkpointId)).toEqual([3, 2]);
    expect(tracker.createSnapshot().counts.inProgress).toBe(3);
  });

  it('records restores and discarded checkpoints', () => {
    const tracker = new CheckpointStatsTracker();
    const first = pending(1);
    tracker.reportPending(first.checkpoint);
    const completed = complete(first, 1, 1);
    tracker.reportCompleted(first.checkpoint, completed);
    tracker.reportDiscarded(CheckpointId.of(1));
    tracker.reportRestored(completed, 9_999);
    const snapshot = tracker.createSnapshot();
    expect(snapshot.history[0]?.discarded).toBe(true);
    expect(snapshot.latest.completed?.discarded).toBe(true);
    expect(snapshot.latest.restored).toEqual({
      checkpointId: 1,
      restoreTimestamp: 9_999,
      isSavepoint: false,
      externalPath: 'memory://chk-1',
    });
    expect(snapshot.counts.restored).toBe(1);
  });
});
