/** Flink's JobStatus values; terminal ones end a job for good (globally). */
export const JobStatus = {
  INITIALIZING: 'INITIALIZING',
  CREATED: 'CREATED',
  RUNNING: 'RUNNING',
  FAILING: 'FAILING',
  FAILED: 'FAILED',
  CANCELLING: 'CANCELLING',
  CANCELED: 'CANCELED',
  FINISHED: 'FINISHED',
  RESTARTING: 'RESTARTING',
  SUSPENDED: 'SUSPENDED',
  RECONCILING: 'RECONCILING',
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export function isGloballyTerminal(status: JobStatus): boolean {
  return status === 'FAILED' || status === 'CANCELED' || status === 'FINISHED';
}

/** Flink's ExecutionState values for one attempt of one subtask. */
export const ExecutionState = {
  CREATED: 'CREATED',
  SCHEDULED: 'SCHEDULED',
  DEPLOYING: 'DEPLOYING',
  INITIALIZING: 'INITIALIZING',
  RUNNING: 'RUNNING',
  FINISHED: 'FINISHED',
  CANCELING: 'CANCELING',
  CANCELED: 'CANCELED',
  FAILED: 'FAILED',
  RECONCILING: 'RECONCILING',
} as const;
export type ExecutionState = (typeof ExecutionState)[keyof typeof ExecutionState];

export function isTerminalExecutionState(state: ExecutionState): boolean {
  return state === 'FINISHED' || state === 'CANCELED' || state === 'FAILED';
}
