/** `freshet info job.ts`: prints the job's execution plan as JSON (Flink's plan shape). */
import { capturePipeline } from '../../api/environment/plan-capture.js';
import { executionPlan } from '../../api/graph/execution-plan.js';
import { loadJobProgram } from '../program/job-program.js';
import { resolveProgramOptions, type ProgramOptions } from './common-options.js';

export async function infoCommand(
  jobFile: string,
  programArgs: string[],
  options: ProgramOptions,
): Promise<void> {
  const { configuration, defaultParallelism } = resolveProgramOptions(options);
  const program = await loadJobProgram(jobFile);
  const pipeline = await capturePipeline(program.main, programArgs, {
    defaultParallelism,
    configuration: configuration.toMap({ includeSensitive: true }),
  });
  process.stdout.write(`----------------------- Execution Plan -----------------------\n`);
  process.stdout.write(`${JSON.stringify(executionPlan(pipeline.streamGraph), null, 2)}\n`);
  process.stdout.write(`--------------------------------------------------------------\n`);
}
