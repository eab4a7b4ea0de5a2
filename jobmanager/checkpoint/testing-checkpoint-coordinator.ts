/**
 * A CheckpointCoordinator for tests: one source and one sink task, a manual timer, the in-memory
 * storage, a recording gateway, and the failures its listener received.
 */
import type { FreshetError } from '../../common/errors/freshet-error.js';
import { JobId } from '../../common/ids.js';
import { TestingSchedulerTimer } from '../scheduler/testing-scheduler-timer.js';
import { CheckpointCoordinator } from './checkpoint-coordinator.js';
import type { CheckpointCoordinatorConfiguration } from './checkpoint-coordinator-configuration.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointTask, TaskSet } from './task-set.js';
import { TestingCheckpointStorage } from './testing-checkpoint-storage.js';
import {
  SINK_OPERATOR,
  SOURCE_OPERATOR,
  testingCheckpointTask,
  testingTaskState,
} from './testing-checkpoint-tasks.js';
import { TestingCheckpointTriggerGateway } from './testing-checkpoint-trigger-gateway.js';

export const TESTING_CHECKPOINT_INTERVAL = 1_000;

export class TestingCheckpointCoordinator {
  readonly jobId = JobId.generate();
  readonly timer = new TestingSchedulerTimer();
  readonly storage = new TestingCheckpointStorage();
  readonly gateway = new TestingCheckpointTriggerGateway();
  readonly source: CheckpointTask = testingCheckpointTask('source', 0, { isSource: true });
  readonly sink: CheckpointTask = testingCheckpointTask('sink', 0);
  /** What the coordinator's task supplier returns. */
  taskSet: TaskSet | { notReady: string } = { tasks: [this.source, this.sink] };
  /** Errors passed to the failure-threshold listener. */
  readonly failures: FreshetError[] = [];
  readonly coordinator: CheckpointCoordinator;

  /** Defaults: interval 1 s, timeout 10 s, no min pause, 1 concurrent, 0 tolerable, 1 retained. */
  constructor(overrides: Partial<CheckpointCoordinatorConfiguration> = {}) {
    this.coordinator = new CheckpointCoordinator({
      jobId: this.jobId,
      configuration: {
        checkpointIntervalMs: TESTING_CHECKPOINT_INTERVAL,
        checkpointTimeoutMs: 10_000,
        minPauseBetweenCheckpointsMs: 0,
        maxConcurrentCheckpoints: 1,
        tolerableCheckpointFailureNumber: 0,
        maxRetainedCheckpoints: 1,
        checkpointingMode: 'EXACTLY_ONCE',
        unalignedCheckpointsEnabled: false,
        ...overrides,
      },
      gateway: this.gateway,
      tasks: () => this.taskSet,
      storage: this.storage,
      clock: this.timer.clock,
      timer: this.timer,
      onFailureThresholdExceeded: (error) => this.failures.push(error),
    });
  }

  /** Acknowledges checkpoint `id` from source (3 bytes of state) and sink (4 bytes); returns the results. */
  ackAll(id: CheckpointId): string[] {
    return [
      this.coordinator.receiveAcknowledge(
        this.jobId,
        this.source.attemptId,
        id,
        testingTaskState(SOURCE_OPERATOR, `src-${id}`, 3),
      ),
      this.coordinator.receiveAcknowledge(
        this.jobId,
        this.sink.attemptId,
        id,
        testingTaskState(SINK_OPERATOR, `sink-${id}`, 4),
      ),
    ];
  }

  /** Advances the manual clock, then waits for the coordinator's background work to settle. */
  async advance(ms: number): Promise<void> {
    this.timer.advance(ms);
    await this.coordinator.settled();
  }
}
