/**
 * Constructors for the in-band checkpoint events; the types live with the data-plane protocol
 * (common/protocol/checkpoint-barrier.ts).
 */
import type {
  CancelCheckpointMarker,
  CheckpointBarrier,
  CheckpointOptions,
} from '../../common/protocol/checkpoint-barrier.js';

export {
  CheckpointAlignment,
  type CancelCheckpointMarker,
  type CheckpointBarrier,
  type CheckpointOptions,
  type CheckpointType,
} from '../../common/protocol/checkpoint-barrier.js';

export function checkpointBarrier(
  checkpointId: number,
  timestamp: number,
  options: CheckpointOptions,
): CheckpointBarrier {
  return { type: 'checkpoint-barrier', checkpointId, timestamp, options };
}

export function cancelCheckpointMarker(checkpointId: number): CancelCheckpointMarker {
  return { type: 'cancel-barrier', checkpointId };
}
