/**
 * How the CLI ends: bad input gets one clear line and exit code 2; a job that fails at run time
 * gets the failure chain and exit code 1 (as `flink run`).
 */
import { FreshetError } from '../common/errors/freshet-error.js';

export const EXIT_OK = 0;
export const EXIT_JOB_FAILED = 1;
export const EXIT_USAGE = 2;

/** Codes of job failures caused by the program itself rather than by its data. */
const PROGRAM_ERROR_CODES = new Set(['NON_DETERMINISTIC_GRAPH', 'NO_JOB_MAIN', 'MALFORMED_BUNDLE']);

export function exitCodeFor(error: unknown): number {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof FreshetError && PROGRAM_ERROR_CODES.has(e.code)) return EXIT_USAGE;
  }
  if (error instanceof FreshetError && (error.code === 'JOB_FAILED' || error.code === 'JOB_CANCELED')) {
    return EXIT_JOB_FAILED;
  }
  if (error instanceof FreshetError && error.domain === 'user') return EXIT_USAGE;
  return EXIT_JOB_FAILED;
}

/** One line for usage errors; the cause chain for job failures. */
export function describeFailure(error: unknown): string {
  const code = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === EXIT_USAGE) {
    const root = programErrorIn(error);
    return `freshet: error: ${root?.message ?? message}`;
  }
  const lines = [
    '',
    '------------------------------------------------------------',
    ' The program finished with the following exception:',
    '',
  ];
  lines.push(message);
  let depth = 0;
  for (
    let e: unknown = error instanceof Error ? error.cause : undefined;
    e instanceof Error && depth < 8;
    e = e.cause, depth++
  ) {
    lines.push(`Caused by: ${e.name}: ${e.message}`);
  }
  if (process.env['FRESHET_DEBUG'] !== undefined && error instanceof Error && error.stack !== undefined)
    lines.push(error.stack);
  return lines.join('\n');
}

function programErrorIn(error: unknown): Error | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof FreshetError && PROGRAM_ERROR_CODES.has(e.code)) return e;
  }
  return undefined;
}
