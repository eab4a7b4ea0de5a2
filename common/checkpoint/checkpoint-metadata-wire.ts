/**
 * Converts CheckpointMetadata to and from the plain object packed into `_metadata`, and checks the
 * shape of what was unpacked. Paths inside the checkpoint directory are stored relative to it (so
 * savepoints stay readable after being moved or copied) and resolved against the directory they are
 * read from; paths elsewhere stay absolute URIs. Key-group offsets are stored as a flat
 * `[keyGroup, offset, length, ...]` array.
 */
import type { JobId, OperatorId } from '../ids.js';
import { childUri, isRelativeUri, relativeUri } from './checkpoint-path.js';
import type {
  CheckpointMetadata,
  InFlightDataHandles,
  KeyGroupRangeBounds,
  KeyGroupSection,
  KeyGroupsStateHandle,
  ListStateMetaInfo,
  MasterState,
  OperatorState,
  OperatorStateHandle,
  OperatorSubtaskState,
} from './checkpoint-metadata.js';
import type { StateFileHandle } from './checkpoint-storage.js';

type Wire = Record<string, unknown>;

export function metadataToWire(metadata: CheckpointMetadata, checkpointDirectory: string): Wire {
  const handle = (h: StateFileHandle): Wire => ({
    path: relativeUri(checkpointDirectory, h.path) ?? h.path,
    size: h.size,
  });
  const handles = (list: readonly StateFileHandle[]): Wire[] => list.map(handle);
  const subtask = (s: OperatorSubtaskState): Wire => ({
    subtask: s.subtask,
    ...(s.keyGroupRange === undefined ? {} : { keyGroupRange: [...s.keyGroupRange] }),
    ...(s.keyedState === undefined
      ? {}
      : {
          keyedState: s.keyedState.map((k) => ({
            ...handle(k),
            keyGroupRange: [...k.keyGroupRange],
            offsets: Object.entries(k.keyGroupOffsets)
              .map(([group, [offset, length]]) => [Number(group), offset, length] as const)
              .sort((a, b) => a[0] - b[0])
              .flat(),
          })),
        }),
    ...(s.operatorState === undefined
      ? {}
      : {
          operatorState: {
            listStates: Object.fromEntries(
              Object.entries(s.operatorState.listStates).map(([name, info]) => [
                name,
                { mode: info.mode, handles: handles(info.handles) },
              ]),
            ),
          },
        }),
    ...(s.inFlight === undefined
      ? {}
      : {
          inFlight: {
            inputChannels: handles(s.inFlight.inputChannels),
            resultSubpartitions: handles(s.inFlight.resultSubpartitions),
          },
        }),
  });
  return {
    checkpointId: metadata.checkpointId,
    jobId: metadata.jobId,
    timestamp: metadata.timestamp,
    isSavepoint: metadata.isSavepoint,
    operators: metadata.operators.map((o) => ({
      operatorId: o.operatorId,
      ...(o.uid === undefined ? {} : { uid: o.uid }),
      parallelism: o.parallelism,
      maxParallelism: o.maxParallelism,
      subtaskStates: o.subtaskStates.map(subtask),
      ...(o.coordinatorState === undefined ? {} : { coordinatorState: o.coordinatorState }),
    })),
    ...(metadata.masterStates === undefined
      ? {}
      : {
          masterStates: metadata.masterStates.map((m) => ({
            name: m.name,
            version: m.version,
            bytes: m.bytes,
          })),
        }),
  };
}

/** Thrown by the shape checks; the serializer turns it into a CorruptCheckpointMetadataError. */
export class MalformedMetadataBody extends Error {}

const HEX32 = /^[0-9a-f]{32}$/;

/** Rebuilds CheckpointMetadata from an unpacked body, resolving relative paths against `checkpointDirectory`. */
export function metadataFromWire(body: unknown, checkpointDirectory: string): CheckpointMetadata {
  const root = object(body, 'body');
  const handle = (value: unknown, where: string): StateFileHandle => {
    const h = object(value, where);
    const path = string(h.path, `${where}.path`);
    return {
      path: isRelativeUri(path) ? childUri(checkpointDirectory, path) : path,
      size: count(h.size, `${where}.size`),
    };
  };
  const handles = (value: unknown, where: string): StateFileHandle[] =>
    array(value, where).map((h, i) => handle(h, `${where}[${i}]`));
  const keyed = (value: unknown, where: string): KeyGroupsStateHandle => {
    const k = object(value, where);
    const flat = array(k.offsets, `${where}.offsets`).map((n, i) => count(n, `${where}.offsets[${i}]`));
    if (flat.length % 3 !== 0)
      throw new MalformedMetadataBody(`${where}.offsets has ${flat.length} numbers, not triples`);
    const keyGroupOffsets: Record<number, KeyGroupSection> = {};
    for (let i = 0; i < flat.length; i += 3) keyGroupOffsets[flat[i]!] = [flat[i + 1]!, flat[i + 2]!];
    return {
      ...handle(k, where),
      keyGroupRange: range(k.keyGroupRange, `${where}.keyGroupRange`),
      keyGroupOffsets,
    };
  };
  const operatorState = (value: unknown, where: string): OperatorStateHandle => {
    const listStates: Record<string, ListStateMetaInfo> = {};
    for (const [name, raw] of Object.entries(
      object(object(value, where).listStates, `${where}.listStates`),
    )) {
      const info = object(raw, `${where}.listStates.${name}`);
      const mode = info.mode;
      if (mode !== 'split' && mode !== 'union') {
        throw new MalformedMetadataBody(`${where}.listStates.${name}.mode is ${JSON.stringify(mode)}`);
      }
      listStates[name] = { mode, handles: handles(info.handles, `${where}.listStates.${name}.handles`) };
    }
    return { listStates };
  };
  const inFlight = (value: unknown, where: string): InFlightDataHandles => {
    const f = object(value, where);
    return {
      inputChannels: handles(f.inputChannels, `${where}.inputChannels`),
      resultSubpartitions: handles(f.resultSubpartitions, `${where}.resultSubpartitions`),
    };
  };
  const subtask = (value: unknown, where: string): OperatorSubtaskState => {
    const s = object(value, where);
    return {
      subtask: count(s.subtask, `${where}.subtask`),
      ...(s.keyGroupRange === undefined
        ? {}
        : { keyGroupRange: range(s.keyGroupRange, `${where}.keyGroupRange`) }),
      ...(s.keyedState === undefined
        ? {}
        : {
            keyedState: array(s.keyedState, `${where}.keyedState`).map((k, i) =>
              keyed(k, `${where}.keyedState[${i}]`),
            ),
          }),
      ...(s.operatorState === undefined
        ? {}
        : { operatorState: operatorState(s.operatorState, `${where}.operatorState`) }),
      ...(s.inFlight === undefined ? {} : { inFlight: inFlight(s.inFlight, `${where}.inFlight`) }),
    };
  };
  const operator = (value: unknown, where: string): OperatorState => {
    const o = object(value, where);
    const operatorId = string(o.operatorId, `${where}.operatorId`);
    if (!HEX32.test(operatorId))
      throw new MalformedMetadataBody(`${where}.operatorId '${operatorId}' is not 32 hex digits`);
    return {
      operatorId: operatorId as OperatorId,
      ...(o.uid === undefined ? {} : { uid: string(o.uid, `${where}.uid`) }),
      parallelism: count(o.parallelism, `${where}.parallelism`),
      maxParallelism: count(o.maxParallelism, `${where}.maxParallelism`),
      subtaskStates: array(o.subtaskStates, `${where}.subtaskStates`).map((s, i) =>
        subtask(s, `${where}.subtaskStates[${i}]`),
      ),
      ...(o.coordinatorState === undefined ? {} : { coordinatorState: bytes(o.coordinatorState, where) }),
    };
  };
  const master = (value: unknown, where: string): MasterState => {
    const m = object(value, where);
    if (!(m.bytes instanceof Uint8Array)) throw new MalformedMetadataBody(`${where}.bytes is not binary`);
    return {
      name: string(m.name, `${where}.name`),
      version: count(m.version, `${where}.version`),
      bytes: m.bytes,
    };
  };
  const jobId = string(root.jobId, 'jobId');
  if (!HEX32.test(jobId)) throw new MalformedMetadataBody(`jobId '${jobId}' is not 32 hex digits`);
  if (typeof root.isSavepoint !== 'boolean') throw new MalformedMetadataBody('isSavepoint is not a boolean');
  return {
    checkpointId: count(root.checkpointId, 'checkpointId'),
    jobId: jobId as JobId,
    timestamp: count(root.timestamp, 'timestamp'),
    isSavepoint: root.isSavepoint,
    operators: array(root.operators, 'operators').map((o, i) => operator(o, `operators[${i}]`)),
    ...(root.masterStates === undefined
      ? {}
      : {
          masterStates: array(root.masterStates, 'masterStates').map((m, i) =>
            master(m, `masterStates[${i}]`),
          ),
        }),
  };
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new MalformedMetadataBody(`${where} is not an object`);
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new MalformedMetadataBody(`${where} is not an array`);
  return value;
}

function string(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new MalformedMetadataBody(`${where} is not a string`);
  return value;
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new MalformedMetadataBody(`${where} is not a non-negative integer`);
  }
  return value;
}

function bytes(value: unknown, where: string): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new MalformedMetadataBody(`${where}.coordinatorState is not binary`);
  return value;
}

function range(value: unknown, where: string): KeyGroupRangeBounds {
  const [start, end, ...rest] = array(value, where);
  if (rest.length > 0) throw new MalformedMetadataBody(`${where} has more than two bounds`);
  return [count(start, `${where}[0]`), count(end, `${where}[1]`)];
}
