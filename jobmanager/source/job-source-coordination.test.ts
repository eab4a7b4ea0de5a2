import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from 'freshet';
import type { JobGraph } from '../../api/graph/job-graph.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import type { ExecutionAttemptId } from '../../common/ids.js';
import { silentLogger } from '../../common/logging/logger.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { SourceCoordinatorEvent } from '../../common/protocol/operator-events.js';
import { CheckpointId } from '../checkpoint/checkpoint-id.js';
import { CheckpointProperties } from '../checkpoint/checkpoint-properties.js';
import type { CompletedCheckpoint } from '../checkpoint/completed-checkpoint.js';
import { ExecutionGraph } from '../scheduler/execution-graph.js';
import { TestingSchedulerTimer } from '../scheduler/testing-scheduler-timer.js';
import { testingJobInformation } from '../scheduler/testing-job-information.js';
import { JobSourceCoordination } from './job-source-coordination.js';
import type {
  CoordinatorHostCommand,
  CoordinatorHostOutput,
  SourceCoordinatorHost,
} from './source-coordinator-host.js';

const drain = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A host whose outputs the test emits by hand. */
class TestingHost implements SourceCoordinatorHost {
  readonly commands: CoordinatorHostCommand[] = [];
  startedWith: ReadonlyMap<string, Uint8Array> | undefined;
  closed = false;

  constructor(
    readonly emit: (output: CoordinatorHostOutput) => void,
    private readonly operators: readonly string[],
  ) {}

  start(states: ReadonlyMap<string, Uint8Array>): Promise<readonly string[]> {
    this.startedWith = states;
    return Promise.resolve(this.operators);
  }
  send(command: CoordinatorHostCommand): void {
    this.commands.push(command);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

class RecordingGateway {
  readonly delivered: { attemptId: ExecutionAttemptId; event: SourceCoordinatorEvent }[] = [];
  fail: Error | undefined;

  sendOperatorEventToTask(attemptId: ExecutionAttemptId, _operatorId: string, event: SourceCoordinatorEvent) {
    if (this.fail !== undefined) return Promise.reject(this.fail);
    this.delivered.push({ attemptId, event });
    return Promise.resolve();
  }
}

function sourceJobGraph(): JobGraph {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(2);
  env.fromSequence(1, 10).name('numbers').print();
  return env.getPipeline().jobGraph;
}

const split = (name: string): SourceCoordinatorEvent => ({ type: 'add-splits', splits: [name] });

class Harness {
  readonly jobGraph = sourceJobGraph();
  readonly operatorId = this.jobGraph.vertices[0]!.operators[0]!.operatorId as string;
  readonly executionGraph = new ExecutionGraph(this.jobGraph, () => 0);
  readonly gateway = new RecordingGateway();
  readonly hosts: TestingHost[] = [];
  readonly failures: Error[] = [];
  operators: string[] = [this.operatorId];
  readonly coordination = new JobSourceCoordination({
    job: testingJobInformation(),
    jobGraph: this.jobGraph,
    executionGraph: this.executionGraph,
    gatewayOf: () => this.gateway as unknown as TaskExecutorGateway,
    configuration: {},
    services: {},
    failJob: (error) => this.failures.push(error),
    timer: new TestingSchedulerTimer(),
    logger: silentLogger(),
    createHost: (emit) => {
      const host = new TestingHost(emit, this.operators);
      this.hosts.push(host);
      return host;
    },
  });

  constructor() {
    for (const execution of this.executionGraph.all()) execution.state = 'RUNNING';
  }

  get host(): TestingHost {
    return this.hosts.at(-1)!;
  }

  /** The current attempt of source subtask `subtask`. */
  attempt(subtask: number): ExecutionAttemptId {
    return this.executionGraph.execution(this.jobGraph.vertices[0]!.id, subtask).attemptId;
  }

  async registerBoth(): Promise<void> {
    for (const subtask of [0, 1]) {
      this.coordination.handleEventFromOperator(this.attempt(subtask), this.operatorId, {
        type: 'reader-registration',
        subtaskId: subtask,
      });
    }
    await drain();
  }

  toReader(subtask: number, event: SourceCoordinatorEvent): void {
    this.host.emit({ type: 'event-to-reader', operatorId: this.operatorId, subtask, event });
  }

  /** A restart of every subtask (new attempts, running again). */
  restartAttempts(): void {
    this.executionGraph.resetForNewExecutions();
    for (const execution of this.executionGraph.all()) execution.state = 'RUNNING';
  }
}

function checkpointWithState(operatorId: string, id: number, state: Uint8Array): CompletedCheckpoint {
  return {
    jobId: testingJobInformation().jobId,
    checkpointId: CheckpointId.of(id),
    timestamp: 1,
    completionTimestamp: 2,
    properties: CheckpointProperties.checkpoint(),
    metadata: {
      checkpointId: CheckpointId.of(id),
      timestamp: 1,
      isSavepoint: false,
      operatorStates: [
        { operatorId, parallelism: 2, maxParallelism: 128, subtaskStates: {}, coordinatorState: state },
      ],
    },
    location: 'memory://x',
    externalPointer: 'memory://x',
    stateSize: 0,
  };
}

describe('JobSourceCoordination', () => {
  it('starts the host on the first reader event and passes events of current attempts on', async () => {
    const h = new Harness();
    await h.registerBoth();
    expect(h.hosts).toHaveLength(1);
    expect(h.host.commands).toEqual([
      {
        type: 'event-from-reader',
        operatorId: h.operatorId,
        subtask: 0,
        event: { type: 'reader-registration', subtaskId: 0 },
      },
      {
        type: 'event-from-reader',
        operatorId: h.operatorId,
        subtask: 1,
        event: { type: 'reader-registration', subtaskId: 1 },
      },
    ]);
    // A superseded attempt's event is dropped.
    const old = h.attempt(0);
    h.restartAttempts();
    h.coordination.handleEventFromOperator(old, h.operatorId, { type: 'request-split', subtaskId: 0 });
    await drain();
    expect(h.host.commands).toHaveLength(2);
  });

  it('sends coordinator events to the attempt whose reader registered', async () => {
    const h = new Harness();
    await h.registerBoth();
    h.toReader(1, split('a'));
    expect(h.gateway.delivered).toEqual([{ attemptId: h.attempt(1), event: split('a') }]);
  });

  it('holds events between a coordinator snapshot and the injection of its barriers', async () => {
    const h = new Harness();
    await h.registerBoth();
    const states = h.coordination.checkpointCoordinators(5);
    await drain();
    expect(h.host.commands.at(-1)).toEqual({ type: 'checkpoint', checkpointId: 5 });
    h.toReader(0, split('before'));
    h.host.emit({
      type: 'checkpoint-taken',
      operatorId: h.operatorId,
      checkpointId: 5,
      state: Uint8Array.of(9),
    });
    h.toReader(0, split('after'));
    expect(await states).toEqual(new Map([[h.operatorId, Uint8Array.of(9)]]));
    expect(h.gateway.delivered.map((d) => d.event)).toEqual([split('before')]);
    h.coordination.afterSourceBarrierInjection(5);
    expect(h.gateway.delivered.map((d) => d.event)).toEqual([split('before'), split('after')]);
  });

  it('releases held events and fails the snapshot when the checkpoint is aborted', async () => {
    const h = new Harness();
    await h.registerBoth();
    const states = h.coordination.checkpointCoordinators(6);
    await drain();
    h.host.emit({
      type: 'checkpoint-taken',
      operatorId: h.operatorId,
      checkpointId: 6,
      state: Uint8Array.of(1),
    });
    h.toReader(1, split('held'));
    await states;
    h.coordination.notifyCheckpointAborted(6);
    expect(h.gateway.delivered.map((d) => d.event)).toEqual([split('held')]);

    const failed = h.coordination.checkpointCoordinators(7);
    await drain();
    h.host.emit({
      type: 'checkpoint-failed',
      operatorId: h.operatorId,
      checkpointId: 7,
      error: serializeError(new Error('snapshot broke')),
    });
    await expect(failed).rejects.toThrow('snapshot broke');
  });

  it('fails the job over when an event does not reach a running attempt', async () => {
    const h = new Harness();
    await h.registerBoth();
    h.gateway.fail = new Error('TaskManager gone');
    h.toReader(0, split('lost'));
    await drain();
    expect(h.failures.map((f) => (f as { code?: string }).code)).toEqual(['OPERATOR_EVENT_LOST']);
    expect(h.failures[0]!.message).toContain("of 'numbers' did not reach subtask 0");
  });

  it('resets the subtasks of a task failure, and recreates the coordinators after a global failure', async () => {
    const h = new Harness();
    await h.registerBoth();
    const restored = checkpointWithState(h.operatorId, 3, Uint8Array.of(7, 7));
    h.restartAttempts();
    h.coordination.onRestart(restored);
    expect(h.host.commands.at(-1)).toEqual({ type: 'subtask-reset', checkpointId: 3 });
    // Events for the old attempts are not delivered to anyone.
    h.toReader(0, split('for-old-attempt'));
    expect(h.gateway.delivered).toEqual([]);

    h.host.emit({
      type: 'coordinator-failed',
      operatorId: h.operatorId,
      error: serializeError(new Error('x')),
    });
    expect(h.failures.map((f) => f.message)).toEqual(['x']);
    h.restartAttempts();
    h.coordination.onRestart(restored);
    expect(h.hosts[0]!.closed).toBe(true);
    await h.registerBoth();
    expect(h.hosts).toHaveLength(2);
    expect(h.host.startedWith).toEqual(new Map([[h.operatorId, Uint8Array.of(7, 7)]]));
  });

  it('learns once that a job has no split enumerators', async () => {
    const h = new Harness();
    h.operators = [];
    expect(await h.coordination.checkpointCoordinators(1)).toEqual(new Map());
    expect(h.hosts[0]!.closed).toBe(true);
    h.coordination.markGlobalFailure();
    h.coordination.onRestart(undefined);
    expect(await h.coordination.checkpointCoordinators(2)).toEqual(new Map());
    expect(h.hosts).toHaveLength(1);
  });

  it('fails the job when a reader needs an enumerator the host does not have', async () => {
    const h = new Harness();
    h.operators = ['ff'.repeat(16)];
    await h.registerBoth();
    expect(h.failures.map((f) => (f as { code?: string }).code)).toEqual([
      'NO_SPLIT_ENUMERATOR',
      'NO_SPLIT_ENUMERATOR',
    ]);
    expect(h.failures[0]!.message).toContain("the readers of 'numbers' need its split enumerator");
  });
});
