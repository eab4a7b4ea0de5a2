/**
 * Shared pieces of the benchmarks: run a job file on the local mini-cluster with worker slots
 * (the `freshet run` path) and time it; print figures as `name: value unit`.
 */
import { fileURLToPath } from 'node:url';
import { setExecutionContext } from '../../api/environment/execution-context.js';
import { LocalExecutor } from '../../cli/local/local-executor.js';
import { loadJobProgram, providedModuleUrls } from '../../cli/program/job-program.js';

export function figure(name: string, value: number, unit: string): void {
  const shown = Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(2);
  console.log(`${name}: ${shown} ${unit}`);
}

export function benchJobPath(name: string): string {
  // Job sources stay TypeScript (they are bundled like any user job), next to the compiled runner.
  return fileURLToPath(new URL(`../../../test/bench/jobs/${name}.ts`, import.meta.url));
}

/** Runs a job through bundle → worker slots and returns the job's net runtime in ms. */
export async function runJob(jobName: string, args: string[]): Promise<number> {
  const program = await loadJobProgram(benchJobPath(jobName));
  let runtime = 0;
  const executor = new LocalExecutor({
    code: { kind: 'bundle', path: program.bundlePath, programArgs: args },
    defaultParallelism: 1,
    configuration: {},
    providedModules: providedModuleUrls(),
    onSubmitted: (client) => {
      void client.getJobExecutionResult().then((r) => (runtime = r.netRuntime));
    },
  });
  setExecutionContext({ mode: 'execute', executor, defaultParallelism: 1, configuration: {} });
  try {
    await program.main(args);
  } finally {
    setExecutionContext(undefined);
  }
  return runtime;
}

export function timeLoop(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
