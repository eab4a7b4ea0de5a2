/**
 * The bytes of a split enumerator's checkpoint (the source operator's coordinator state in
 * `_metadata`): the value its `snapshotState` returned, packed with the same msgpack settings as
 * list state and records, so splits survive with the same fidelity as in reader state.
 */
import { Packr } from 'msgpackr';
import { UserError } from '../../common/errors/freshet-error.js';

const packr = new Packr({ useRecords: true, moreTypes: true });

export function encodeEnumeratorCheckpoint(checkpoint: unknown, operatorName: string): Uint8Array {
  try {
    return Uint8Array.prototype.slice.call(packr.pack(checkpoint));
  } catch (error) {
    throw new UserError(
      'UNSERIALIZABLE_ENUMERATOR_STATE',
      `the split enumerator state of '${operatorName}' cannot be stored: ${(error as Error).message}; ` +
        'snapshotState must return plain data',
      { cause: error },
    );
  }
}

export function decodeEnumeratorCheckpoint(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}
