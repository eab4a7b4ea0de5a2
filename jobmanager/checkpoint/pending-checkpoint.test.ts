import { describe, expect, it } from 'vitest';
import { ExecutionAttemptId, JobId } from '../../common/ids.js';
import { CheckpointException } from './checkpoint-exception.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import { PendingCheckpoint } from './pending-checkpoint.js';
import {
  SINK_OPERATOR,
  SOURCE_OPERATOR,
  testingCheckpointTask,
  testingTaskState,
} from './testing-checkpoint-tasks.js';

function pendingCheckpoint() {
  const source = testingCheckpointTask('source', 0, { isSource: true });
  const sink0 = testingCheckpointTask('sink', 0, { parallelism: 2 });
  const sink1 = testingCheckpointTask('sink', 1, { parallelism: 2 });
  const pending = new PendingCheckpoint({
    jobId: JobId.generate(),
    checkpointId: CheckpointId.of(7),
    triggerTimestamp: 1_000,
    properties: CheckpointProperties.checkpoint(),
    location: 'memory://chk-7',
    tasksToAcknowledge: [source, sink0, sink1],
  });
  return { pending, source, sink0, sink1 };
}

describe('PendingCheckpoint', () => {
  it('is fully acknowledged once every task acknowledged, collecting state per operator and subtask', () => {
    const { pending, source, sink0, sink1 } = pendingCheckpoint();
    expect(
      pending.acknowledgeTask(source.attemptId, testingTaskState(SOURCE_OPERATOR, 'f/src', 10), 1_010),
    ).toBe('success');
    expect(
      pending.acknowledgeTask(sink1.attemptId, testingTaskState(SINK_OPERATOR, 'f/sink1', 32), 1_020),
    ).toBe('success');
    expect(pending.isFullyAcknowledged()).toBe(false);
    expect(pending.numberOfNonAcknowledgedTasks).toBe(1);
    expect(pending.acknowledgeTask(sink0.attemptId, undefined, 1_030)).toBe('success');
    expect(pending.isFullyAcknowledged()).toBe(true);
    expect(pending.stateSize).toBe(42);
    expect(pending.latestAckTimestamp).toBe(1_030);

    const metadata = pending.startFinalizing();
    expect(pending.status).toBe('FINALIZING');
    const sinkState = metadata.operatorStates.find((s) => s.operatorId === SINK_OPERATOR);
    expect(sinkState).toMatchObject({ parallelism: 2, maxParallelism: 128 });
    expect(Object.keys(sinkState!.subtaskStates)).toEqual(['1']);
    expect(sinkState!.subtaskStates[1]!.keyedState![0]!.path).toBe('f/sink1');

    const completed = pending.complete(metadata, 'memory://chk-7', 1_100);
    expect(completed).toMatchObject({
      checkpointId: 7,
      timestamp: 1_000,
      completionTimestamp: 1_100,
      stateSize: 42,
    });
    expect(pending.status).toBe('COMPLETED');
  });

  it('tells duplicate and unknown acknowledgements apart', () => {
    const { pending, source } = pendingCheckpoint();
    expect(pending.acknowledgeTask(source.attemptId, undefined, 1)).toBe('success');
    expect(pending.acknowledgeTask(source.attemptId, undefined, 2)).toBe('duplicate');
    expect(pending.acknowledgeTask(ExecutionAttemptId.generate(), undefined, 3)).toBe('unknown');
    expect(pending.numberOfAcknowledgedTasks).toBe(1);
    expect(pending.isAcknowledgedBy(source.attemptId)).toBe(true);
  });

  it('returns discarded for acknowledgements after an abort, and aborts only once', () => {
    const { pending, source } = pendingCheckpoint();
    const cause = new CheckpointException('CHECKPOINT_EXPIRED');
    expect(pending.abort(cause)).toBe('PENDING');
    expect(pending.abort(new CheckpointException('CHECKPOINT_DECLINED'))).toBeUndefined();
    expect(pending.failureCause).toBe(cause);
    expect(pending.isDisposed).toBe(true);
    expect(pending.acknowledgeTask(source.attemptId, undefined, 1)).toBe('discarded');
  });

  it('can be aborted while finalizing, but not finalized before every task acknowledged', () => {
    const { pending, source, sink0, sink1 } = pendingCheckpoint();
    expect(() => pending.startFinalizing()).toThrow(/3 task\(s\) not acknowledged/);
    for (const task of [source, sink0, sink1]) pending.acknowledgeTask(task.attemptId, undefined, 5);
    const metadata = pending.startFinalizing();
    expect(pending.abort(new CheckpointException('CHECKPOINT_EXPIRED'))).toBe('FINALIZING');
    expect(() => pending.complete(metadata, 'x', 6)).toThrow(/cannot complete: it is ABORTED/);
  });

  it('reports per-vertex progress for REST', () => {
    const { pending, sink1 } = pendingCheckpoint();
    pending.acknowledgeTask(sink1.attemptId, testingTaskState(SINK_OPERATOR, 'f', 8), 1_500);
    expect(pending.vertexCheckpointStats()).toEqual([
      {
        vertexId: 'source',
        numSubtasks: 1,
        numAcknowledgedSubtasks: 0,
        stateSize: 0,
        latestAckTimestamp: undefined,
      },
      {
        vertexId: 'sink',
        numSubtasks: 2,
        numAcknowledgedSubtasks: 1,
        stateSize: 8,
        latestAckTimestamp: 1_500,
      },
    ]);
  });

  it('can be subsumed unless it is a savepoint', () => {
    const { pending } = pendingCheckpoint();
    expect(pending.canBeSubsumed).toBe(true);
    const savepoint = new PendingCheckpoint({
      jobId: JobId.generate(),
      checkpointId: CheckpointId.of(1),
      triggerTimestamp: 0,
      properties: CheckpointProperties.savepoint(),
      location: 'x',
      tasksToAcknowledge: [],
    });
    expect(savepoint.canBeSubsumed).toBe(false);
  });
});
