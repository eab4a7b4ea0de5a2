/** An error's stack as the REST API shows it (Flink's ExceptionUtils#stringifyException). */
import { toError } from '../../common/errors/freshet-error.js';

/** The error's stack with its causes appended, as Java prints `Caused by:` chains. */
export function stackTraceWithCauses(error: Error): string {
  let text = error.stack ?? `${error.name}: ${error.message}`;
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 8; depth++) {
    if (!(cause instanceof Error)) return `${text}\nCaused by: ${toError(cause).message}`;
    text += `\nCaused by: ${cause.stack ?? `${cause.name}: ${cause.message}`}`;
    cause = cause.cause;
  }
  return text;
}
