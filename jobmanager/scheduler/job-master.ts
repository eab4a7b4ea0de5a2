/**
 * Runs one job (Flink's JobMaster + scheduler): allocates slots, deploys every subtask, follows
 * their states, and ends the job — FINISHED when every subtask finished, FAILED (after cancelling
 * the rest) when one fails, CANCELED on request. Restart strategies arrive with the distributed
 * runtime; a failure here is final.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { deserializeError } from '../../common/errors/serialized-error.js';
import type { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import type { TaskExecutionStateUpdate } from '../../common/protocol/gateways.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';
import type { AllocatedSlot, SlotPool } from '../resourcemanager/slot-pool.js';
import { ExecutionGraph } from './execution-graph.js';
import { planSlotSharing } from './slot-sharing-placement.js';
import { createTaskDeployment } from './task-deployment-factory.js';

export interface JobResult {
  readonly jobId: JobId;
  readonly status: JobStatus;
  readonly netRuntime: number;
  readonly failure?: Error;
}

export class JobMaster {
  readonly executionGraph: ExecutionGraph;
  private slots: AllocatedSlot[] = [];
  private failureCause: Error | undefined;
  private resolveResult!: (result: JobResult) => void;
  readonly result: Promise<JobResult> = new Promise((resolve) => (this.resolveResult = resolve));
  private readonly clientData = new Map<string, unknown[]>();
  private readonly startTime: number;

  constructor(
    readonly job: JobInformation,
    readonly jobGraph: JobGraph,
    private readonly slotPool: SlotPool,
    private readonly clock: () => number = Date.now,
  ) {
    this.executionGraph = new ExecutionGraph(jobGraph, clock);
    this.startTime = clock();
  }

  get jobId(): JobId {
    return this.job.jobId;
  }

  get status(): JobStatus {
    return this.executionGraph.status;
  }

  async start(): Promise<void> {
    const plan = planSlotSharing(this.jobGraph.vertices);
    try {
      this.slots = this.slotPool.allocate(this.jobId, plan.slotsNeeded);
    } catch (error) {
      this.failureCause = error as Error;
      this.finish('FAILED');
      return;
    }
    this.executionGraph.transition('RUNNING');
    for (const execution of this.executionGraph.all()) execution.state = 'SCHEDULED';
    const placement = {
      location: (vertexId: string, subtask: number) => this.slots[plan.placement.get(vertexId)![subtask]!]!,
      attemptId: (vertexId: string, subtask: number) =>
        this.executionGraph.execution(vertexId, subtask).attemptId,
      attemptNumber: (vertexId: string, subtask: number) =>
        this.executionGraph.execution(vertexId, subtask).attemptNumber,
    };
    for (const vertex of this.jobGraph.vertices) {
      for (let i = 0; i < vertex.parallelism; i++) {
        const tdd = createTaskDeployment(this.job, this.jobGraph, vertex, i, placement);
        const execution = this.executionGraph.execution(vertex.id, i);
        execution.state = 'DEPLOYING';
        try {
          await placement.location(vertex.id, i).gateway.submitTask(tdd);
        } catch (error) {
          execution.state = 'FAILED';
          this.onTaskFailure(tdd.taskName, error as Error);
          this.checkCompletion();
          return;
        }
      }
    }
  }

  updateTaskExecutionState(update: TaskExecutionStateUpdate): void {
    const execution = this.executionGraph.byAttemptId(update.executionAttemptId);
    if (execution === undefined) return;
    execution.state = update.state;
    if (update.state === 'FAILED') {
      const vertex = this.jobGraph.vertices.find((v) => v.id === execution.vertexId)!;
      const cause =
        update.error === undefined ? new Error('unknown failure') : deserializeError(update.error);
      this.onTaskFailure(`${vertex.name} (${execution.subtask + 1}/${vertex.parallelism})`, cause);
    }
    this.checkCompletion();
  }

  deliverClientData(operatorId: string, payload: unknown): void {
    const list = this.clientData.get(operatorId) ?? [];
    list.push(payload);
    this.clientData.set(operatorId, list);
  }

  drainClientData(operatorId: string): unknown[] {
    const list = this.clientData.get(operatorId) ?? [];
    this.clientData.delete(operatorId);
    return list;
  }

  cancel(): void {
    if (this.status !== 'RUNNING' && this.status !== 'CREATED') return;
    this.executionGraph.transition('CANCELLING');
    this.cancelAll();
    this.checkCompletion();
  }

  private onTaskFailure(taskName: string, cause: Error): void {
    if (this.failureCause !== undefined || this.status === 'CANCELLING') return;
    this.failureCause = new FreshetError('TASK_FAILED', `${taskName} failed: ${cause.message}`, {
      domain: cause instanceof FreshetError ? cause.domain : 'user',
      cause,
    });
    this.executionGraph.transition('FAILING');
    this.cancelAll();
  }

  private cancelAll(): void {
    for (const execution of this.executionGraph.all()) {
      if (execution.state === 'FINISHED' || execution.state === 'FAILED' || execution.state === 'CANCELED')
        continue;
      if (execution.state === 'CREATED' || execution.state === 'SCHEDULED') {
        execution.state = 'CANCELED';
        continue;
      }
      execution.state = 'CANCELING';
      const slot = this.slotFor(execution.vertexId, execution.subtask);
      void slot?.gateway.cancelTask(execution.attemptId);
    }
  }

  private slotFor(vertexId: string, subtask: number): AllocatedSlot | undefined {
    const plan = planSlotSharing(this.jobGraph.vertices);
    const index = plan.placement.get(vertexId)?.[subtask];
    return index === undefined ? undefined : this.slots[index];
  }

  private checkCompletion(): void {
    if (!this.executionGraph.allTerminal()) return;
    if (this.status === 'FAILING') this.finish('FAILED');
    else if (this.status === 'CANCELLING') this.finish('CANCELED');
    else if (this.status === 'RUNNING' && this.executionGraph.allFinished()) this.finish('FINISHED');
  }

  private finish(status: JobStatus): void {
    this.executionGraph.transition(status);
    this.slotPool.release(this.jobId);
    for (const gateway of new Set(this.slots.map((s) => s.gateway))) void gateway.releaseJob(this.jobId);
    this.resolveResult({
      jobId: this.jobId,
      status,
      netRuntime: this.clock() - this.startTime,
      ...(this.failureCause === undefined ? {} : { failure: this.failureCause }),
    });
  }
}
