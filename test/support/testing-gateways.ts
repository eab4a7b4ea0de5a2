/**
 * Test fakes of the control-plane gateways (`Testing*`): they record every call and can be told
 * to fail. Plus a small, valid TaskDeploymentDescriptor to send around.
 */
import {
  ExecutionAttemptId,
  IntermediateDataSetId,
  JobId,
  JobVertexId,
  ResourceId,
  hashHex32,
} from '../../common/ids.js';
import type {
  JobMasterGateway,
  TaskExecutionStateUpdate,
  TaskExecutorGateway,
} from '../../common/protocol/gateways.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';

export class TestingTaskExecutorGateway implements TaskExecutorGateway {
  readonly submitted: TaskDeploymentDescriptor[] = [];
  readonly canceled: ExecutionAttemptId[] = [];
  readonly released: JobId[] = [];
  /** When set, submitTask rejects with it. */
  submitTaskError: Error | undefined;
  /** When set, submitTask throws it synchronously (a gateway that breaks its contract). */
  submitTaskThrows: Error | undefined;

  submitTask(tdd: TaskDeploymentDescriptor): Promise<void> {
    if (this.submitTaskThrows !== undefined) throw this.submitTaskThrows;
    if (this.submitTaskError !== undefined) return Promise.reject(this.submitTaskError);
    this.submitted.push(tdd);
    return Promise.resolve();
  }

  cancelTask(executionAttemptId: ExecutionAttemptId): Promise<void> {
    this.canceled.push(executionAttemptId);
    return Promise.resolve();
  }

  releaseJob(jobId: JobId): Promise<void> {
    this.released.push(jobId);
    return Promise.resolve();
  }

  readonly checkpointCalls: {
    readonly call: 'trigger' | 'complete' | 'aborted';
    readonly executionAttemptId: ExecutionAttemptId;
    readonly checkpointId: number;
  }[] = [];

  triggerCheckpoint(executionAttemptId: ExecutionAttemptId, checkpointId: number): Promise<void> {
    this.checkpointCalls.push({ call: 'trigger', executionAttemptId, checkpointId });
    return Promise.resolve();
  }

  notifyCheckpointComplete(executionAttemptId: ExecutionAttemptId, checkpointId: number): Promise<void> {
    this.checkpointCalls.push({ call: 'complete', executionAttemptId, checkpointId });
    return Promise.resolve();
  }

  notifyCheckpointAborted(executionAttemptId: ExecutionAttemptId, checkpointId: number): Promise<void> {
    this.checkpointCalls.push({ call: 'aborted', executionAttemptId, checkpointId });
    return Promise.resolve();
  }
}

export interface DeliveredClientData {
  readonly jobId: JobId;
  readonly operatorId: string;
  readonly payload: unknown;
}

export class TestingJobMasterGateway implements JobMasterGateway {
  readonly updates: TaskExecutionStateUpdate[] = [];
  readonly clientData: DeliveredClientData[] = [];

  updateTaskExecutionState(update: TaskExecutionStateUpdate): void {
    this.updates.push(update);
  }

  deliverClientData(jobId: JobId, operatorId: string, payload: unknown): void {
    this.clientData.push({ jobId, operatorId, payload });
  }

  readonly acknowledged: { readonly checkpointId: number; readonly state: TaskStateSnapshot | undefined }[] =
    [];
  readonly declined: { readonly checkpointId: number; readonly reason: string }[] = [];

  acknowledgeCheckpoint(
    _jobId: JobId,
    _attempt: ExecutionAttemptId,
    checkpointId: number,
    state: TaskStateSnapshot | undefined,
  ): void {
    this.acknowledged.push({ checkpointId, state });
  }

  declineCheckpoint(_jobId: JobId, _attempt: ExecutionAttemptId, checkpointId: number, reason: string): void {
    this.declined.push({ checkpointId, reason });
  }
}

/** A subtask 1 of 2 of a map vertex reading one upstream data set: every field set. */
export function testingTaskDeploymentDescriptor(
  overrides: Partial<TaskDeploymentDescriptor> = {},
): TaskDeploymentDescriptor {
  const upstream = IntermediateDataSetId.of(hashHex32('upstream'));
  return {
    job: {
      jobId: JobId.parse('0123456789abcdef0123456789abcdef'),
      jobName: 'word count',
      graphHash: hashHex32('graph'),
      code: { kind: 'bundle', path: '/tmp/job.bundle.js', programArgs: ['--input', 'a.txt'] },
      defaultParallelism: 2,
      configuration: { 'execution.buffer-timeout': '100 ms' },
    },
    vertexId: JobVertexId.of(hashHex32('map')),
    executionAttemptId: ExecutionAttemptId.generate(),
    subtaskIndex: 1,
    attemptNumber: 0,
    parallelism: 2,
    maxParallelism: 128,
    taskName: 'Map -> Filter (2/2)#0',
    slotIndex: 1,
    inputGates: [
      {
        dataSetId: upstream,
        inputIndex: 0,
        channels: [
          {
            partitionId: { dataSetId: upstream, producerSubtask: 0, producerAttempt: 0 },
            producerLocation: { taskManagerId: ResourceId.of('tm-a'), slotIndex: 0 },
            subpartitionIndex: 1,
          },
        ],
      },
    ],
    producedPartitions: [
      {
        partitionId: {
          dataSetId: IntermediateDataSetId.of(hashHex32('out')),
          producerSubtask: 1,
          producerAttempt: 0,
        },
        dataSetIndex: 0,
        numberOfSubpartitions: 2,
      },
    ],
    ...overrides,
  };
}
