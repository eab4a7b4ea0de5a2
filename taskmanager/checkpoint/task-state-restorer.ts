/**
 * Reads the state a restarted subtask starts from (Flink's StateAssignmentOperation and the
 * backends' restore, in one place): for each operator of the chain, the key groups of every old
 * subtask that overlap this subtask's range, and this subtask's share of each list state — split
 * state goes to the subtask of the same index when the parallelism is unchanged and is divided
 * evenly otherwise; union state goes to every subtask whole.
 */
import type { OperatorState } from '../../common/checkpoint/checkpoint-metadata.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import { readKeyGroupsState } from '../../common/checkpoint/key-groups-state-file.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { computeKeyGroupRangeForOperatorIndex, type KeyGroupRange } from '../../common/key-groups.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import { decodeKeyGroupSections } from './keyed-state-sections.js';
import { readInFlightData, type InFlightData } from './in-flight-data.js';
import type { RestoredKeyedState, RestoredOperatorState } from './operator-snapshot.js';
import { decodeListState } from './task-state-writer.js';

export interface SubtaskPosition {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** The subtask's key groups (keyed operators). */
  readonly keyGroupRange: KeyGroupRange;
}

export async function readOperatorState(
  storage: CheckpointStorage,
  operator: OperatorState,
  position: SubtaskPosition,
): Promise<RestoredOperatorState> {
  const range = position.keyGroupRange;
  const keyed: RestoredKeyedState[] = [];
  for (const subtask of operator.subtaskStates) {
    for (const handle of subtask.keyedState ?? []) {
      const [start, end] = handle.keyGroupRange;
      if (end < range.startKeyGroup || start > range.endKeyGroup) continue;
      const sections = await readKeyGroupsState(storage, handle, range);
      keyed.push(decodeKeyGroupSections(operator.maxParallelism, sections, handle.path));
    }
  }
  const names = new Set(
    operator.subtaskStates.flatMap((s) => Object.keys(s.operatorState?.listStates ?? {})),
  );
  const lists: Record<string, readonly unknown[]> = {};
  for (const name of names) lists[name] = await readListShare(storage, operator, name, position);
  const inFlight = await readSubtaskInFlight(storage, operator, position);
  return inFlight === undefined ? { keyed, lists } : { keyed, lists, inFlight };
}

/** The in-flight data of the same subtask of the checkpoint; it cannot be redistributed yet. */
async function readSubtaskInFlight(
  storage: CheckpointStorage,
  operator: OperatorState,
  position: SubtaskPosition,
): Promise<InFlightData | undefined> {
  const withData = operator.subtaskStates.filter((s) => s.inFlight !== undefined);
  if (withData.length === 0) return undefined;
  if (operator.parallelism !== position.parallelism) {
    throw new FreshetError(
      'UNALIGNED_RESCALE_UNSUPPORTED',
      `operator ${operator.operatorId} has in-flight data of an unaligned checkpoint taken at parallelism ` +
        `${operator.parallelism}; restoring it at parallelism ${position.parallelism} is not supported yet ` +
        '(restore at the same parallelism, or from an aligned checkpoint or a savepoint)',
    );
  }
  const own = withData.find((s) => s.subtask === position.subtaskIndex)?.inFlight;
  return own === undefined ? undefined : readInFlightData(storage, own);
}

async function readListShare(
  storage: CheckpointStorage,
  operator: OperatorState,
  name: string,
  position: SubtaskPosition,
): Promise<unknown[]> {
  const withList = [...operator.subtaskStates]
    .filter((s) => s.operatorState?.listStates[name] !== undefined)
    .sort((a, b) => a.subtask - b.subtask);
  const mode = withList[0]?.operatorState?.listStates[name]?.mode;
  const read = async (subtask: (typeof withList)[number]): Promise<unknown[]> => {
    const values: unknown[] = [];
    for (const handle of subtask.operatorState!.listStates[name]!.handles) {
      const bytes = await storage.readStateFile(handle);
      try {
        values.push(...decodeListState(bytes));
      } catch (error) {
        throw new FreshetError(
          'CORRUPT_STATE_FILE',
          `list state '${name}' of operator ${operator.operatorId} in ${handle.path} cannot be decoded: ${String(error)}`,
          { cause: error },
        );
      }
    }
    return values;
  };
  if (mode !== 'union' && operator.parallelism === position.parallelism) {
    // Unchanged parallelism: the subtask takes its own share back; no other subtask's file is read.
    const own = withList.find((s) => s.subtask === position.subtaskIndex);
    return own === undefined ? [] : read(own);
  }
  const all: unknown[] = [];
  for (const subtask of withList) all.push(...(await read(subtask)));
  if (mode === 'union') return all;
  const from = Math.floor((all.length * position.subtaskIndex) / position.parallelism);
  const to = Math.floor((all.length * (position.subtaskIndex + 1)) / position.parallelism);
  return all.slice(from, to);
}

/** The restored state of every operator of the task's chain, by operator ID (empty without a restore). */
export async function readTaskRestore(
  storage: () => CheckpointStorage,
  tdd: TaskDeploymentDescriptor,
): Promise<Map<string, RestoredOperatorState>> {
  const restored = new Map<string, RestoredOperatorState>();
  const restore = tdd.taskRestore;
  if (restore === undefined) return restored;
  const position: SubtaskPosition = {
    subtaskIndex: tdd.subtaskIndex,
    parallelism: tdd.parallelism,
    keyGroupRange: computeKeyGroupRangeForOperatorIndex(
      tdd.maxParallelism,
      tdd.parallelism,
      tdd.subtaskIndex,
    ),
  };
  for (const operatorState of restore.operatorStates) {
    restored.set(operatorState.operatorId, await readOperatorState(storage(), operatorState, position));
  }
  return restored;
}
