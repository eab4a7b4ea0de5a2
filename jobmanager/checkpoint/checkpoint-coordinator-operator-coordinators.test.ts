/** The operator coordinators' part of a checkpoint (source split enumerators), as the CheckpointCoordinator drives it. */
import { describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { TestingSchedulerTimer } from '../scheduler/testing-scheduler-timer.js';
import { CheckpointCoordinator } from './checkpoint-coordinator.js';
import { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { OperatorCoordinatorCheckpoints } from './operator-coordinator-checkpoints.js';
import { TestingCheckpointStorage } from './testing-checkpoint-storage.js';
import {
  SINK_OPERATOR,
  SOURCE_OPERATOR,
  testingCheckpointTask,
  testingTaskState,
} from './testing-checkpoint-tasks.js';
import { TestingCheckpointTriggerGateway } from './testing-checkpoint-trigger-gateway.js';

/** Coordinators whose snapshot the test settles; every call is logged next to the source triggers. */
class TestingOperatorCoordinators implements OperatorCoordinatorCheckpoints {
  readonly log: string[] = [];
  private settle:
    { resolve: (states: Map<string, Uint8Array>) => void; reject: (e: Error) => void } | undefined;

  checkpointCoordinators(checkpointId: number): Promise<ReadonlyMap<string, Uint8Array>> {
    this.log.push(`snapshot ${checkpointId}`);
    return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }
  afterSourceBarrierInjection(checkpointId: number): void {
    this.log.push(`injected ${checkpointId}`);
  }
  notifyCheckpointComplete(checkpointId: number): void {
    this.log.push(`complete ${checkpointId}`);
  }
  notifyCheckpointAborted(checkpointId: number): void {
    this.log.push(`aborted ${checkpointId}`);
  }
  resolve(states: Map<string, Uint8Array>): void {
    this.settle!.resolve(states);
  }
  reject(error: Error): void {
    this.settle!.reject(error);
  }
}

function setUp() {
  const jobId = JobId.generate();
  const timer = new TestingSchedulerTimer();
  const storage = new TestingCheckpointStorage();
  const coordinators = new TestingOperatorCoordinators();
  const source = testingCheckpointTask('source', 0, { isSource: true });
  const sink = testingCheckpointTask('sink', 0);
  const gateway = new TestingCheckpointTriggerGateway();
  const logged = gateway.triggerCheckpoint.bind(gateway);
  gateway.triggerCheckpoint = (attemptId, checkpointId, timestamp, options) => {
    coordinators.log.push(`trigger ${checkpointId}`);
    return logged(attemptId, checkpointId, timestamp, options);
  };
  const coordinator = new CheckpointCoordinator({
    jobId,
    configuration: {
      checkpointIntervalMs: undefined,
      checkpointTimeoutMs: 10_000,
      minPauseBetweenCheckpointsMs: 0,
      maxConcurrentCheckpoints: 1,
      tolerableCheckpointFailureNumber: 5,
      maxRetainedCheckpoints: 1,
      checkpointingMode: 'EXACTLY_ONCE',
      unalignedCheckpointsEnabled: false,
    },
    gateway,
    tasks: () => ({ tasks: [source, sink] }),
    storage,
    clock: timer.clock,
    timer,
    operatorCoordinators: coordinators,
  });
  const ackAll = (id: number): void => {
    coordinator.receiveAcknowledge(
      jobId,
      source.attemptId,
      CheckpointId.of(id),
      testingTaskState(SOURCE_OPERATOR, 'src', 3),
    );
    coordinator.receiveAcknowledge(
      jobId,
      sink.attemptId,
      CheckpointId.of(id),
      testingTaskState(SINK_OPERATOR, 'sink', 4),
    );
  };
  return { coordinator, coordinators, storage, ackAll };
}

const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CheckpointCoordinator with operator coordinators', () => {
  it('snapshots the coordinators before the barriers, stores their state, and notifies them', async () => {
    const { coordinator, coordinators, storage, ackAll } = setUp();
    const done = coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await drain();
    expect(coordinators.log).toEqual(['snapshot 1']);
    coordinators.resolve(new Map([[SOURCE_OPERATOR, Uint8Array.of(4, 2)]]));
    await drain();
    expect(coordinators.log).toEqual(['snapshot 1', 'trigger 1', 'injected 1']);
    ackAll(1);
    const completed = await done;
    const source = completed.metadata.operatorStates.find((s) => s.operatorId === SOURCE_OPERATOR);
    expect(source?.coordinatorState).toEqual(Uint8Array.of(4, 2));
    const written = [...storage.metadata.values()][0]!;
    expect(
      written.operatorStates.find((s) => s.operatorId === SINK_OPERATOR)?.coordinatorState,
    ).toBeUndefined();
    await coordinator.settled();
    expect(coordinators.log.at(-1)).toBe('complete 1');
  });

  it('aborts the checkpoint without triggering the sources when a coordinator snapshot fails', async () => {
    const { coordinator, coordinators } = setUp();
    const done = coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    await drain();
    coordinators.reject(new Error('enumerator snapshot failed'));
    await expect(done).rejects.toThrow('operator coordinator: enumerator snapshot failed');
    expect(coordinators.log).toEqual(['snapshot 1', 'aborted 1']);
  });

  it('lets held events go when the checkpoint was aborted while the coordinators snapshotted', async () => {
    const { coordinator, coordinators } = setUp();
    const done = coordinator.triggerCheckpoint(CheckpointProperties.checkpoint());
    done.catch(() => {});
    await drain();
    coordinator.stop();
    coordinators.resolve(new Map([[SOURCE_OPERATOR, Uint8Array.of(1)]]));
    await coordinator.settled();
    // Aborted by the stop, and again once the late snapshot arrived (its valve must reopen); no trigger.
    expect(coordinators.log).toEqual(['snapshot 1', 'aborted 1', 'aborted 1']);
  });
});
