/**
 * Deletes what checkpoints leave behind (Flink's CheckpointsCleaner): the location of a subsumed or
 * aborted checkpoint, and the state a task reported for a checkpoint that will not use it.
 * Deletion runs in the background; a failure is logged, never fails a checkpoint.
 */
import type { BackgroundTasks } from './background-tasks.js';
import type { CheckpointStorageCoordinatorView } from './checkpoint-storage-coordinator-view.js';
import { taskStateHandles, type TaskStateSnapshot } from '../../common/checkpoint/task-state-snapshot.js';

export class CheckpointsCleaner {
  constructor(
    private readonly storage: CheckpointStorageCoordinatorView,
    private readonly background: BackgroundTasks,
  ) {}

  discardLocation(location: string): void {
    this.background.run(`deleting checkpoint location ${location}`, () => this.storage.discard(location));
  }

  discardState(state: TaskStateSnapshot | undefined): void {
    const handles = taskStateHandles(state);
    if (handles.length === 0) return;
    this.background.run(`deleting ${handles.length} unused state file(s)`, () =>
      this.storage.discardState(handles),
    );
  }
}
