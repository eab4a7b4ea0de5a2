import { describe, expect, it } from 'vitest';
import { CheckpointException } from './checkpoint-exception.js';
import {
  CHECKPOINT_FAILURE_THRESHOLD_EXCEEDED,
  CheckpointFailureManager,
} from './checkpoint-failure-manager.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';

const checkpoint = CheckpointProperties.checkpoint();
const id = (n: number) => CheckpointId.of(n);

describe('CheckpointFailureManager', () => {
  it('fails the job once consecutive failures exceed the tolerable number, naming the last reason', () => {
    const manager = new CheckpointFailureManager(2);
    const expired = new CheckpointException('CHECKPOINT_EXPIRED');
    expect(manager.handleCheckpointFailure(id(1), checkpoint, expired)).toEqual({
      type: 'tolerated',
      consecutiveFailures: 1,
    });
    expect(manager.handleCheckpointFailure(id(2), checkpoint, expired)).toMatchObject({ type: 'tolerated' });
    const verdict = manager.handleCheckpointFailure(
      id(3),
      checkpoint,
      new CheckpointException('CHECKPOINT_DECLINED', 'task attempt abc: disk full'),
    );
    expect(verdict.type).toBe('fail-job');
    if (verdict.type !== 'fail-job') return;
    expect(verdict.error.code).toBe(CHECKPOINT_FAILURE_THRESHOLD_EXCEEDED);
    expect(verdict.error.message).toMatch(
      /^exceeded checkpoint tolerable failure threshold: 3 consecutive failures; last: a task declined the checkpoint: task attempt abc: disk full/,
    );
    expect(verdict.error.cause).toBeInstanceOf(CheckpointException);
    expect(manager.continuousFailureCount).toBe(0);
  });

  it('with zero tolerable failures, fails the job at the first counted failure', () => {
    const manager = new CheckpointFailureManager(0);
    expect(
      manager.handleCheckpointFailure(
        id(1),
        checkpoint,
        new CheckpointException('FINALIZE_CHECKPOINT_FAILURE'),
      ),
    ).toMatchObject({ type: 'fail-job' });
  });

  it('resets the count on success', () => {
    const manager = new CheckpointFailureManager(1);
    manager.handleCheckpointFailure(id(1), checkpoint, new CheckpointException('CHECKPOINT_EXPIRED'));
    manager.handleCheckpointSuccess(id(2));
    expect(manager.continuousFailureCount).toBe(0);
    expect(
      manager.handleCheckpointFailure(id(3), checkpoint, new CheckpointException('CHECKPOINT_EXPIRED')),
    ).toMatchObject({ type: 'tolerated', consecutiveFailures: 1 });
  });

  it('ignores reasons Flink does not count, savepoints, repeats and checkpoints older than a success', () => {
    const manager = new CheckpointFailureManager(0);
    for (const reason of [
      'CHECKPOINT_SUBSUMED',
      'CHECKPOINT_COORDINATOR_SUSPEND',
      'NOT_ALL_REQUIRED_TASKS_RUNNING',
      'TASK_FAILURE',
      'CHECKPOINT_DECLINED_TASK_NOT_READY',
      'TRIGGER_CHECKPOINT_FAILURE',
    ] as const) {
      expect(manager.handleCheckpointFailure(id(1), checkpoint, new CheckpointException(reason))).toEqual({
        type: 'ignored',
      });
    }
    expect(
      manager.handleCheckpointFailure(
        id(2),
        CheckpointProperties.savepoint(),
        new CheckpointException('CHECKPOINT_EXPIRED'),
      ),
    ).toEqual({ type: 'ignored' });
    manager.handleCheckpointSuccess(id(5));
    expect(
      manager.handleCheckpointFailure(id(4), checkpoint, new CheckpointException('CHECKPOINT_EXPIRED')),
    ).toEqual({ type: 'ignored' });

    const tolerant = new CheckpointFailureManager(1);
    tolerant.handleCheckpointFailure(id(7), checkpoint, new CheckpointException('CHECKPOINT_DECLINED'));
    expect(
      tolerant.handleCheckpointFailure(id(7), checkpoint, new CheckpointException('CHECKPOINT_EXPIRED')),
    ).toEqual({ type: 'ignored' });
    expect(tolerant.continuousFailureCount).toBe(1);
  });

  it('counts failures of requests that never got an ID (storage unreachable)', () => {
    const manager = new CheckpointFailureManager(1);
    const io = new CheckpointException('IO_EXCEPTION');
    expect(manager.handleCheckpointFailure(undefined, checkpoint, io)).toMatchObject({ type: 'tolerated' });
    expect(manager.handleCheckpointFailure(undefined, checkpoint, io)).toMatchObject({ type: 'fail-job' });
  });
});
