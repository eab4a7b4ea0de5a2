/**
 * Runs a job program only to learn its plan: `execute()` hands over the pipeline and aborts the
 * program. Used by `freshet info`, and by TaskManager slots that rebuild the graph to bind user
 * functions.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import {
  ProgramAbortException,
  getExecutionContext,
  setExecutionContext,
  type Pipeline,
} from './execution-context.js';

export interface CaptureOptions {
  readonly defaultParallelism?: number;
  readonly configuration?: Readonly<Record<string, string>>;
}

export async function capturePipeline(
  main: (args: string[]) => unknown,
  args: readonly string[],
  options: CaptureOptions = {},
): Promise<Pipeline> {
  let captured: Pipeline | undefined;
  const previous = getExecutionContext();
  setExecutionContext({
    mode: 'capture',
    ...(options.defaultParallelism === undefined ? {} : { defaultParallelism: options.defaultParallelism }),
    ...(options.configuration === undefined ? {} : { configuration: options.configuration }),
    onPipeline: (pipeline) => {
      captured ??= pipeline;
    },
  });
  try {
    await main([...args]);
  } catch (error) {
    if (!(error instanceof ProgramAbortException) && captured === undefined) throw error;
  } finally {
    setExecutionContext(previous);
  }
  if (captured === undefined) {
    throw new UserError(
      'NO_EXECUTE',
      'the job program returned without calling execute() on its environment',
    );
  }
  return captured;
}
