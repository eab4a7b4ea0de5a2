/**
 * Sample CheckpointMetadata for tests: two operators (one keyed with a key-group index, one with
 * split and union list state and in-flight data), master state, and one handle outside the
 * checkpoint directory (a shared file) next to the ones inside it.
 */
import { JobId, OperatorId } from '../ids.js';
import type { CheckpointMetadata } from './checkpoint-metadata.js';
import { childUri } from './checkpoint-path.js';

export const TESTING_JOB_ID = JobId.parse('a1b2c3d4e5f60718293a4b5c6d7e8f90');

export function testingCheckpointMetadata(
  checkpointDirectory: string,
  sharedFile = 's3://shared-bucket/shared/state-x',
): CheckpointMetadata {
  const inside = (name: string, size: number): { path: string; size: number } => ({
    path: childUri(checkpointDirectory, name),
    size,
  });
  return {
    checkpointId: 7,
    jobId: TESTING_JOB_ID,
    timestamp: 1_700_000_000_123,
    isSavepoint: true,
    operators: [
      {
        operatorId: OperatorId.fromUid('sessions'),
        uid: 'sessions',
        parallelism: 2,
        maxParallelism: 128,
        subtaskStates: [
          {
            subtask: 0,
            keyGroupRange: [0, 63],
            keyedState: [
              {
                ...inside('keyed-0', 30),
                keyGroupRange: [0, 63],
                keyGroupOffsets: { 0: [0, 10], 5: [10, 20] },
              },
            ],
          },
          {
            subtask: 1,
            keyGroupRange: [64, 127],
            keyedState: [
              { path: sharedFile, size: 4, keyGroupRange: [64, 127], keyGroupOffsets: { 100: [0, 4] } },
            ],
          },
        ],
      },
      {
        operatorId: OperatorId.fromUid('source'),
        parallelism: 1,
        maxParallelism: 128,
        subtaskStates: [
          {
            subtask: 0,
            operatorState: {
              listStates: {
                offsets: { mode: 'split', handles: [inside('op-offsets-0', 12)] },
                broadcast: { mode: 'union', handles: [inside('op-broadcast-0', 3)] },
              },
            },
            inFlight: { inputChannels: [inside('in-flight-0', 99)], resultSubpartitions: [] },
          },
        ],
      },
    ],
    masterStates: [{ name: 'hook', version: 2, bytes: Uint8Array.from([1, 2, 3]) }],
  };
}
