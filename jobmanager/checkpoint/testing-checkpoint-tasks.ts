/** Builders of checkpoint tasks and task state for tests. */
import { ExecutionAttemptId } from '../../common/ids.js';
import type { CheckpointTask } from './task-set.js';
import type { KeyGroupsStateHandle } from '../../common/checkpoint/checkpoint-metadata.js';
import type { TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';

export const SOURCE_OPERATOR = '0'.repeat(31) + 'a';
export const SINK_OPERATOR = '0'.repeat(31) + 'b';

export function testingCheckpointTask(
  vertexId: string,
  subtaskIndex: number,
  options: { isSource?: boolean; parallelism?: number; operatorIds?: readonly string[] } = {},
): CheckpointTask {
  return {
    attemptId: ExecutionAttemptId.generate(),
    vertexId,
    subtaskIndex,
    parallelism: options.parallelism ?? 1,
    maxParallelism: 128,
    operatorIds: options.operatorIds ?? [vertexId === 'source' ? SOURCE_OPERATOR : SINK_OPERATOR],
    isSource: options.isSource ?? false,
  };
}

/** State of one operator holding one keyed-state file of `size` bytes. */
export function testingTaskState(operatorId: string, path: string, size: number): TaskStateSnapshot {
  const handle: KeyGroupsStateHandle = {
    path,
    size,
    keyGroupRange: [0, 127],
    keyGroupOffsets: { 0: [0, size] },
  };
  return { subtaskStateByOperatorId: { [operatorId]: { keyGroupRange: [0, 127], keyedState: [handle] } } };
}
