/** A JobMaster's failure as Flink's ExceptionInfo / RootExceptionInfo (`/jobs/:jobid/exceptions`). */
import type { JobFailure } from '../scheduler/failure-history.js';
import type { ExceptionInfo, RootExceptionInfo } from './rest-backend.js';
import { stackTraceWithCauses } from './stack-trace.js';

export function rootExceptionInfo(failure: JobFailure): RootExceptionInfo {
  return { ...exceptionInfo(failure), concurrentExceptions: failure.concurrent.map(exceptionInfo) };
}

function exceptionInfo(failure: JobFailure): ExceptionInfo {
  const { error } = failure;
  return {
    exceptionName: error.name || error.constructor.name,
    stacktrace: stackTraceWithCauses(error),
    timestamp: failure.timestamp,
    ...(failure.taskName === undefined ? {} : { taskName: failure.taskName }),
    ...(failure.location === undefined ? {} : { location: failure.location }),
    ...(failure.taskManagerId === undefined ? {} : { taskManagerId: failure.taskManagerId }),
  };
}
