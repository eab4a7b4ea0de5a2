/**
 * Which splits the enumerator assigned to which subtask since the last completed checkpoint
 * (Flink's SplitAssignmentTracker). The reader state of a checkpoint holds exactly the splits
 * assigned before the checkpoint's coordinator snapshot (events sent after it reach the readers
 * after the barrier), so when a subtask restarts from checkpoint c, the splits assigned to it
 * after c's snapshot are in neither c's reader state nor c's enumerator state: they go back to
 * the enumerator (`addSplitsBack`). Pure bookkeeping.
 */
export class SplitAssignmentTracker<SplitT> {
  /** Per checkpoint: the assignments made before its snapshot and after the previous one's. */
  private readonly assignmentsByCheckpointId = new Map<number, Map<number, SplitT[]>>();
  /** Assignments made since the latest snapshot. */
  private uncheckpointed = new Map<number, SplitT[]>();

  recordSplitAssignment(assignment: ReadonlyMap<number, readonly SplitT[]>): void {
    for (const [subtask, splits] of assignment) {
      if (splits.length === 0) continue;
      const list = this.uncheckpointed.get(subtask);
      if (list === undefined) this.uncheckpointed.set(subtask, [...splits]);
      else list.push(...splits);
    }
  }

  /** The coordinator snapshot of `checkpointId` was taken: what was assigned so far belongs to it. */
  onCheckpoint(checkpointId: number): void {
    this.assignmentsByCheckpointId.set(checkpointId, this.uncheckpointed);
    this.uncheckpointed = new Map();
  }

  /** Checkpoint `checkpointId` completed: its assignments (and older ones) are safe in reader state. */
  onCheckpointComplete(checkpointId: number): void {
    for (const id of this.assignmentsByCheckpointId.keys()) {
      if (id <= checkpointId) this.assignmentsByCheckpointId.delete(id);
    }
  }

  /**
   * The splits assigned to `subtask` after the snapshot of `restoredCheckpointId` (every split
   * tracked for it when the subtask starts without a checkpoint), in assignment order; they are
   * forgotten here.
   */
  getAndRemoveUncheckpointedAssignment(subtask: number, restoredCheckpointId: number | undefined): SplitT[] {
    const result: SplitT[] = [];
    const ids = [...this.assignmentsByCheckpointId.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      if (restoredCheckpointId !== undefined && id <= restoredCheckpointId) continue;
      const byCheckpoint = this.assignmentsByCheckpointId.get(id)!;
      result.push(...(byCheckpoint.get(subtask) ?? []));
      byCheckpoint.delete(subtask);
    }
    result.push(...(this.uncheckpointed.get(subtask) ?? []));
    this.uncheckpointed.delete(subtask);
    return result;
  }

  /** Forgets everything (the enumerator is recreated from a checkpoint). */
  reset(): void {
    this.assignmentsByCheckpointId.clear();
    this.uncheckpointed = new Map();
  }
}
