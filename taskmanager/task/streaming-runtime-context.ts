/** The RuntimeContext user functions see (Flink's StreamingRuntimeContext). */
import type { RuntimeContext } from '../../api/functions/runtime-context.js';
import type { AnyStateDescriptor } from '../../api/state/state-descriptor.js';
import { UserError } from '../../common/errors/freshet-error.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';

export interface TaskInfo {
  readonly jobId: string;
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
}

export class StreamingRuntimeContext implements RuntimeContext {
  constructor(
    private readonly task: TaskInfo,
    private readonly operatorName: string,
    private readonly backend: KeyedStateBackend | undefined,
  ) {}

  getJobId(): string {
    return this.task.jobId;
  }
  getTaskName(): string {
    return this.task.taskName;
  }
  getIndexOfThisSubtask(): number {
    return this.task.subtaskIndex;
  }
  getNumberOfParallelSubtasks(): number {
    return this.task.parallelism;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return this.task.maxParallelism;
  }
  getAttemptNumber(): number {
    return this.task.attemptNumber;
  }

  getState: RuntimeContext['getState'] = (descriptor) => this.keyedState(descriptor);
  getListState: RuntimeContext['getListState'] = (descriptor) => this.keyedState(descriptor);
  getMapState: RuntimeContext['getMapState'] = (descriptor) => this.keyedState(descriptor);
  getReducingState: RuntimeContext['getReducingState'] = (descriptor) => this.keyedState(descriptor);
  getAggregatingState: RuntimeContext['getAggregatingState'] = (descriptor) => this.keyedState(descriptor);

  private keyedState<S>(descriptor: unknown): S {
    if (this.backend === undefined) {
      throw new UserError(
        'KEYED_STATE_ON_NON_KEYED_STREAM',
        `Keyed state can only be used on a 'keyed stream', i.e., after a 'keyBy()' operation (operator '${this.operatorName}')`,
      );
    }
    return this.backend.getPartitionedState(descriptor as AnyStateDescriptor) as S;
  }
}
