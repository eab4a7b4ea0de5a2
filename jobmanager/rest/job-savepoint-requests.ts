/**
 * Starting a savepoint or a stop-with-savepoint of a job for the DispatcherRestBackend: what can be
 * checked up front is checked before anything starts, so that a refusal is the request's answer
 * (404/409/400), not a failed operation — the job must be RUNNING, and there must be a directory to
 * write to (a target or the job's `state.savepoints.dir`, as Flink's handlers demand).
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';
import type { JobStatus } from '../../common/job-status.js';
import {
  RestErrorCode,
  type SavepointTrigger,
  type SavepointTriggerRequest,
  type StopWithSavepointRequest,
} from './rest-backend.js';

/** The part of a job (a JobMaster) that savepoints are taken through. */
export interface SavepointJobView {
  readonly jobId: JobId;
  readonly status: JobStatus;
  /** The job's `state.savepoints.dir`; undefined (or absent) when not set. */
  readonly defaultSavepointDirectory?: string | undefined;
  /**
   * Takes a savepoint into `targetDirectory` (else `state.savepoints.dir`); resolves to its path.
   * Cancels the job once it completed when `cancelJob`.
   */
  triggerSavepoint(targetDirectory: string | undefined, cancelJob: boolean): Promise<string>;
  /**
   * Stops the job with a synchronous savepoint (first draining the sources when `drain`);
   * resolves to its path once the job is FINISHED.
   */
  stopWithSavepoint(targetDirectory: string | undefined, drain: boolean): Promise<string>;
}

export function startSavepoint(view: SavepointJobView, request: SavepointTriggerRequest): SavepointTrigger {
  checkCanTakeSavepoint(view, request.targetDirectory, 'target-directory', 'take a savepoint');
  return { completion: view.triggerSavepoint(request.targetDirectory, request.cancelJob) };
}

export function startStopWithSavepoint(
  view: SavepointJobView,
  request: StopWithSavepointRequest,
): SavepointTrigger {
  checkCanTakeSavepoint(view, request.targetDirectory, 'targetDirectory', 'be stopped with a savepoint');
  return { completion: view.stopWithSavepoint(request.targetDirectory, request.drain) };
}

function checkCanTakeSavepoint(
  view: SavepointJobView,
  targetDirectory: string | undefined,
  targetField: string,
  what: string,
): void {
  if (view.status !== 'RUNNING') {
    throw new UserError(
      RestErrorCode.JOB_NOT_RUNNING,
      `job ${view.jobId} is ${view.status}: only a running job can ${what}`,
    );
  }
  if (targetDirectory === undefined && view.defaultSavepointDirectory === undefined) {
    throw new UserError(
      'SAVEPOINT_DIRECTORY_MISSING',
      `no savepoint directory for job ${view.jobId}: state.savepoints.dir is not set, so ` +
        `the request must give '${targetField}'`,
    );
  }
}
