/**
 * Rebuilds a job's pipeline from its bundle inside a slot: evaluate the bundle with Freshet's
 * modules provided, run its main() in capture mode, and return the graph with live user functions.
 */
import { readFile } from 'node:fs/promises';
import type { Pipeline } from '../../api/environment/execution-context.js';
import { capturePipeline } from '../../api/environment/plan-capture.js';
import { evaluateBundle, findJobMain } from '../../common/bundle/evaluate-bundle.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import type { JobInformation } from '../../common/protocol/task-deployment.js';

export async function resolvePipelineFromBundle(
  job: JobInformation,
  providedModules: Readonly<Record<string, unknown>>,
): Promise<Pipeline> {
  if (job.code.kind !== 'bundle') {
    throw new FreshetError('NO_BUNDLE', `job ${job.jobId} has no bundle; a slot worker cannot rebuild it`);
  }
  const code = await readFile(job.code.path, 'utf8');
  const main = findJobMain(evaluateBundle(code, job.code.path, providedModules), job.code.path);
  return capturePipeline(main, job.code.programArgs, {
    defaultParallelism: job.defaultParallelism,
    configuration: job.configuration,
  });
}
