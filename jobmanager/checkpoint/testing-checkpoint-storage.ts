/**
 * An in-memory CheckpointStorageCoordinatorView for tests: locations are `memory://` URIs, written
 * metadata and discarded locations are recorded, and each step can be made to fail or to wait
 * until the test releases it (to order completion against timeouts and aborts).
 */
import type { CheckpointId } from './checkpoint-id.js';
import { CheckpointProperties } from './checkpoint-properties.js';
import type { CheckpointStorageCoordinatorView } from './checkpoint-storage-coordinator-view.js';
import type { CheckpointMetadata } from './completed-checkpoint.js';
import type { StateHandle } from '../../common/checkpoint/task-state-snapshot.js';

/** A step the test holds back; `release` lets it finish (or `fail` fails it). */
export interface HeldStep {
  readonly location: string;
  release(): void;
  fail(error: Error): void;
}

export class TestingCheckpointStorage implements CheckpointStorageCoordinatorView {
  /** Written `_metadata` by location. */
  readonly metadata = new Map<string, CheckpointMetadata>();
  /** Locations handed out, in order. */
  readonly initializedLocations: string[] = [];
  readonly discardedLocations: string[] = [];
  readonly discardedStateHandles: StateHandle[] = [];
  /** Location preparations waiting for the test, while `holdInitialization` is set. */
  readonly heldInitializations: HeldStep[] = [];
  holdInitialization = false;
  /** Finalizations waiting for the test, while `holdFinalization` is set. */
  readonly heldFinalizations: HeldStep[] = [];
  holdFinalization = false;
  private initializeFailure: Error | undefined;
  private finalizeFailure: Error | undefined;

  constructor(private readonly root = 'memory://checkpoints/job') {}

  /** The next `initializeLocation` rejects with `error`. */
  failNextInitialize(error: Error): void {
    this.initializeFailure = error;
  }

  /** The next `finalizeCheckpoint` rejects with `error`. */
  failNextFinalize(error: Error): void {
    this.finalizeFailure = error;
  }

  initializeLocation(checkpointId: CheckpointId, properties: CheckpointProperties): Promise<string> {
    const failure = this.initializeFailure;
    this.initializeFailure = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    const location = CheckpointProperties.isSavepoint(properties)
      ? `${properties.targetDirectory ?? 'memory://savepoints'}/savepoint-${checkpointId}`
      : `${this.root}/chk-${checkpointId}`;
    const initialize = (): string => {
      this.initializedLocations.push(location);
      return location;
    };
    if (!this.holdInitialization) return Promise.resolve(initialize());
    return new Promise((resolve, reject) => {
      this.heldInitializations.push({ location, release: () => resolve(initialize()), fail: reject });
    });
  }

  finalizeCheckpoint(location: string, metadata: CheckpointMetadata): Promise<string> {
    const failure = this.finalizeFailure;
    this.finalizeFailure = undefined;
    if (failure !== undefined) return Promise.reject(failure);
    const write = (): string => {
      this.metadata.set(location, metadata);
      return location;
    };
    if (!this.holdFinalization) return Promise.resolve(write());
    return new Promise((resolve, reject) => {
      this.heldFinalizations.push({ location, release: () => resolve(write()), fail: reject });
    });
  }

  discard(location: string): Promise<void> {
    this.discardedLocations.push(location);
    this.metadata.delete(location);
    return Promise.resolve();
  }

  discardState(handles: readonly StateHandle[]): Promise<void> {
    this.discardedStateHandles.push(...handles);
    return Promise.resolve();
  }
}
