/**
 * The asynchronous part of a task's checkpoint (Flink's AsyncCheckpointRunnable): writes what the
 * operators handed over at the barrier into the checkpoint's directory — one keyed state file per
 * keyed operator, indexed by key group, and one file per list state — and returns the handles the
 * task acknowledges with.
 */
import { randomBytes } from 'node:crypto';
import { Packr } from 'msgpackr';
import type { ListStateMetaInfo, OperatorStateHandle } from '../../common/checkpoint/checkpoint-metadata.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import { writeKeyGroupsStateFile } from '../../common/checkpoint/key-groups-state-file.js';
import type { OperatorSubtaskState, TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';
import type { OperatorSnapshot } from './operator-snapshot.js';
import { writeInFlightData, type InFlightData } from './in-flight-data.js';

const packr = new Packr({ useRecords: true, moreTypes: true });

export function encodeListState(values: readonly unknown[]): Uint8Array {
  return Uint8Array.prototype.slice.call(packr.pack(values));
}

export function decodeListState(bytes: Uint8Array): unknown[] {
  const values = packr.unpack(bytes) as unknown;
  if (!Array.isArray(values)) throw new Error('a list state file must hold an array');
  return values;
}

export interface TaskStateWriterContext {
  readonly storage: CheckpointStorage;
  /** The checkpoint's directory URI (from the barrier). */
  readonly targetLocation: string;
  readonly subtaskIndex: number;
}

/** Writes every operator's state; resolves to undefined when no operator had any. */
export async function writeTaskState(
  context: TaskStateWriterContext,
  snapshots: readonly OperatorSnapshot[],
  /** Unaligned checkpoints: the task's in-flight data, stored with the head operator's state. */
  inFlight?: Promise<InFlightData>,
): Promise<TaskStateSnapshot | undefined> {
  const { storage, subtaskIndex } = context;
  const location = storage.resolveLocation(context.targetLocation);
  const unique = randomBytes(4).toString('hex');
  const byOperator: Record<string, OperatorSubtaskState> = {};
  await Promise.all(
    snapshots.map(async (snapshot) => {
      const prefix = `op-${snapshot.operatorId}-${subtaskIndex}-${unique}`;
      let state: OperatorSubtaskState = {};
      const sections = snapshot.keyed === undefined ? [] : await snapshot.keyed.sections;
      if (snapshot.keyed !== undefined && sections.length > 0) {
        const { range } = snapshot.keyed;
        const handle = await writeKeyGroupsStateFile(storage, location, `${prefix}-keyed`, range, sections);
        state = { ...state, keyGroupRange: [range.startKeyGroup, range.endKeyGroup], keyedState: [handle] };
      }
      const lists = Object.entries(snapshot.lists ?? {});
      if (lists.length > 0) {
        const listStates: Record<string, ListStateMetaInfo> = {};
        await Promise.all(
          lists.map(async ([name, list], index) => {
            const values = await list.values;
            const handle = await storage.writeStateFile(
              location,
              `${prefix}-list${index}`,
              encodeListState(values),
            );
            listStates[name] = { mode: list.mode, handles: [handle] };
          }),
        );
        const operatorState: OperatorStateHandle = { listStates };
        state = { ...state, operatorState };
      }
      if (inFlight !== undefined && snapshot === snapshots[0]) {
        const handles = await writeInFlightData(storage, location, `${prefix}-in-flight`, await inFlight);
        if (handles !== undefined) state = { ...state, inFlight: handles };
      }
      if (
        state.keyedState !== undefined ||
        state.operatorState !== undefined ||
        state.inFlight !== undefined
      ) {
        byOperator[snapshot.operatorId] = state;
      }
    }),
  );
  return Object.keys(byOperator).length === 0 ? undefined : { subtaskStateByOperatorId: byOperator };
}
