/**
 * The parallel view of a job (Flink's ExecutionGraph): one execution per subtask, its state and
 * attempt, plus the job status derived from them. A restart replaces every execution by its next
 * attempt; the old attempts are forgotten, so late reports about them find nothing. Pure: the
 * JobMaster drives it.
 */
import type { JobGraph } from '../../api/graph/job-graph.js';
import { ExecutionAttemptId } from '../../common/ids.js';
import { isTerminalExecutionState, type ExecutionState, type JobStatus } from '../../common/job-status.js';

export interface Execution {
  readonly vertexId: string;
  readonly subtask: number;
  readonly attemptId: ExecutionAttemptId;
  readonly attemptNumber: number;
  state: ExecutionState;
}

export class ExecutionGraph {
  status: JobStatus = 'CREATED';
  readonly statusTimestamps = new Map<JobStatus, number>();
  private readonly executions = new Map<string, Execution>();
  private readonly byAttempt = new Map<ExecutionAttemptId, Execution>();

  constructor(
    readonly jobGraph: JobGraph,
    private readonly clock: () => number,
  ) {
    this.transition('CREATED');
    for (const v of jobGraph.vertices) {
      for (let i = 0; i < v.parallelism; i++) this.newAttempt(v.id, i, 0);
    }
  }

  transition(status: JobStatus): void {
    this.status = status;
    this.statusTimestamps.set(status, this.clock());
  }

  execution(vertexId: string, subtask: number): Execution {
    return this.executions.get(`${vertexId}#${subtask}`)!;
  }

  /** The current execution with this attempt ID; undefined for unknown and superseded attempts. */
  byAttemptId(attemptId: ExecutionAttemptId): Execution | undefined {
    return this.byAttempt.get(attemptId);
  }

  /** Whether the execution is still its subtask's current attempt. */
  isCurrent(execution: Execution): boolean {
    return this.executions.get(`${execution.vertexId}#${execution.subtask}`) === execution;
  }

  /** Attempt N+1 (state CREATED) for every subtask (Flink's resetForNewExecution, for all). */
  resetForNewExecutions(): void {
    for (const old of this.all()) {
      this.byAttempt.delete(old.attemptId);
      this.newAttempt(old.vertexId, old.subtask, old.attemptNumber + 1);
    }
  }

  all(): Execution[] {
    return [...this.executions.values()];
  }

  allTerminal(): boolean {
    return this.all().every((e) => isTerminalExecutionState(e.state));
  }

  allFinished(): boolean {
    return this.all().every((e) => e.state === 'FINISHED');
  }

  /** Counts of subtasks per state for one vertex (REST's "tasks"). */
  stateCounts(vertexId: string): Record<ExecutionState, number> {
    const counts = {
      CREATED: 0,
      SCHEDULED: 0,
      DEPLOYING: 0,
      INITIALIZING: 0,
      RUNNING: 0,
      FINISHED: 0,
      CANCELING: 0,
      CANCELED: 0,
      FAILED: 0,
      RECONCILING: 0,
    };
    for (const e of this.all()) if (e.vertexId === vertexId) counts[e.state]++;
    return counts;
  }

  private newAttempt(vertexId: string, subtask: number, attemptNumber: number): void {
    const execution: Execution = {
      vertexId,
      subtask,
      attemptId: ExecutionAttemptId.generate(),
      attemptNumber,
      state: 'CREATED',
    };
    this.executions.set(`${vertexId}#${subtask}`, execution);
    this.byAttempt.set(execution.attemptId, execution);
  }
}
