/**
 * A request to trigger a checkpoint or savepoint (Flink's CheckpointTriggerRequest): what it asks
 * for, whether the periodic scheduler made it, and how its requester learns the outcome. It settles
 * once: later resolve/reject calls are ignored.
 */
import type { CheckpointException } from './checkpoint-exception.js';
import type { CheckpointProperties } from './checkpoint-properties.js';
import type { CompletedCheckpoint } from './completed-checkpoint.js';

export interface CheckpointTriggerRequest {
  readonly properties: CheckpointProperties;
  /** Made by the periodic scheduler (not by a user or the JobMaster). */
  readonly isPeriodic: boolean;
  /** When it was made. */
  readonly timestamp: number;
}

export interface SettleableTriggerRequest extends CheckpointTriggerRequest {
  resolve(checkpoint: CompletedCheckpoint): void;
  reject(error: CheckpointException): void;
}

export function createTriggerRequest(
  request: CheckpointTriggerRequest,
  resolve: (checkpoint: CompletedCheckpoint) => void,
  reject: (error: CheckpointException) => void,
): SettleableTriggerRequest {
  let settled = false;
  return {
    ...request,
    resolve(checkpoint) {
      if (!settled) resolve(checkpoint);
      settled = true;
    },
    reject(error) {
      if (!settled) reject(error);
      settled = true;
    },
  };
}
