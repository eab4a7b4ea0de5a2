/**
 * The in-flight data of an unaligned checkpoint (Flink's channel state): the buffers a task's input
 * channels delivered after the checkpoint's first barrier and before their own, and the output
 * buffers the barrier overtook. Both are written with the task's state and, on restore, replayed
 * before anything else: outputs sent first, inputs processed first.
 */
import { Packr } from 'msgpackr';
import type { InFlightDataHandles } from '../../common/checkpoint/checkpoint-metadata.js';
import type {
  CheckpointStorage,
  CheckpointStorageLocation,
} from '../../common/checkpoint/checkpoint-storage.js';
import { FreshetError } from '../../common/errors/freshet-error.js';

const packr = new Packr({ useRecords: false });

export interface InFlightData {
  /** By the channel's index in the task's input gate, in arrival order. */
  readonly inputChannels: ReadonlyMap<number, readonly Uint8Array[]>;
  /** By record writer, then subpartition, in queue order. */
  readonly resultSubpartitions: readonly (readonly (readonly Uint8Array[])[])[];
}

export const NO_IN_FLIGHT_DATA: InFlightData = { inputChannels: new Map(), resultSubpartitions: [] };

function isEmpty(data: InFlightData): boolean {
  return (
    [...data.inputChannels.values()].every((buffers) => buffers.length === 0) &&
    data.resultSubpartitions.every((writer) => writer.every((buffers) => buffers.length === 0))
  );
}

/** Writes the data (one file each for inputs and outputs); undefined when there is none. */
export async function writeInFlightData(
  storage: CheckpointStorage,
  location: CheckpointStorageLocation,
  prefix: string,
  data: InFlightData,
): Promise<InFlightDataHandles | undefined> {
  if (isEmpty(data)) return undefined;
  const [inputs, outputs] = await Promise.all([
    storage.writeStateFile(location, `${prefix}-input-channels`, packr.pack([...data.inputChannels])),
    storage.writeStateFile(location, `${prefix}-result-subpartitions`, packr.pack(data.resultSubpartitions)),
  ]);
  return { inputChannels: [inputs], resultSubpartitions: [outputs] };
}

export async function readInFlightData(
  storage: CheckpointStorage,
  handles: InFlightDataHandles,
): Promise<InFlightData> {
  const inputChannels = new Map<number, Uint8Array[]>();
  const resultSubpartitions: Uint8Array[][][] = [];
  for (const handle of handles.inputChannels) {
    for (const [channel, buffers] of decode<[number, Uint8Array[]][]>(
      await storage.readStateFile(handle),
      handle.path,
    )) {
      inputChannels.set(channel, [...(inputChannels.get(channel) ?? []), ...buffers]);
    }
  }
  for (const handle of handles.resultSubpartitions) {
    decode<Uint8Array[][][]>(await storage.readStateFile(handle), handle.path).forEach((writer, w) => {
      writer.forEach(
        (buffers, s) =>
          ((resultSubpartitions[w] ??= [])[s] = [...(resultSubpartitions[w]?.[s] ?? []), ...buffers]),
      );
    });
  }
  return { inputChannels, resultSubpartitions };
}

function decode<T>(bytes: Uint8Array, path: string): T {
  try {
    const value = packr.unpack(bytes) as unknown;
    if (!Array.isArray(value)) throw new Error('not an array');
    return value as T;
  } catch (error) {
    throw new FreshetError(
      'CORRUPT_STATE_FILE',
      `the in-flight data file ${path} cannot be decoded: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}
