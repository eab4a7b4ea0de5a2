import { describe, expect, it } from 'vitest';
import { SplitAssignmentTracker } from './split-assignment-tracker.js';

function assign(tracker: SplitAssignmentTracker<string>, subtask: number, ...splits: string[]): void {
  tracker.recordSplitAssignment(new Map([[subtask, splits]]));
}

describe('SplitAssignmentTracker', () => {
  it('gives back what a subtask got after the restored checkpoint, in assignment order', () => {
    const tracker = new SplitAssignmentTracker<string>();
    assign(tracker, 0, 'a');
    assign(tracker, 1, 'b');
    tracker.onCheckpoint(1);
    assign(tracker, 0, 'c');
    tracker.onCheckpoint(2);
    assign(tracker, 0, 'd', 'e');
    assign(tracker, 1, 'f');

    // Restoring checkpoint 1: 'a' is in its reader state, 'c' (checkpoint 2's window) and 'd', 'e' are not.
    expect(tracker.getAndRemoveUncheckpointedAssignment(0, 1)).toEqual(['c', 'd', 'e']);
    expect(tracker.getAndRemoveUncheckpointedAssignment(1, 1)).toEqual(['f']);
    // Given back once only.
    expect(tracker.getAndRemoveUncheckpointedAssignment(0, 1)).toEqual([]);
  });

  it('forgets assignments covered by a completed checkpoint', () => {
    const tracker = new SplitAssignmentTracker<string>();
    assign(tracker, 0, 'a');
    tracker.onCheckpoint(1);
    assign(tracker, 0, 'b');
    tracker.onCheckpoint(2);
    tracker.onCheckpointComplete(1);
    // Checkpoint 2 was snapshotted but never completed: restoring 1 still gives back 'b'.
    expect(tracker.getAndRemoveUncheckpointedAssignment(0, 1)).toEqual(['b']);
    tracker.onCheckpointComplete(2);
    expect(tracker.getAndRemoveUncheckpointedAssignment(0, 2)).toEqual([]);
  });

  it('gives back every assignment when the subtask restarts without a checkpoint', () => {
    const tracker = new SplitAssignmentTracker<string>();
    assign(tracker, 0, 'a');
    tracker.onCheckpoint(1);
    assign(tracker, 0, 'b');
    expect(tracker.getAndRemoveUncheckpointedAssignment(0, undefined)).toEqual(['a', 'b']);
  });

  it('forgets everything on reset', () => {
    const tracker = new SplitAssignmentTracker<string>();
    assign(tracker, 0, 'a');
    tracker.onCheckpoint(1);
    assign(tracker, 0, 'b');
    tracker.reset();
    expect(tracker.getAndRemoveUncheckpointedAssignment(0, undefined)).toEqual([]);
  });
});
