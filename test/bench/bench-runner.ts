/**
 * Shared pieces of the benchmarks: run a job file on the local mini-cluster with worker slots
 * (the `freshet run` path) and time it; print figures as `name: value unit`.
 */
import { fileURLToPath } from 'node:url';
import { setExecutionContext } from '../../api/environment/execution-context.js';
import type { PipelineExecutor } from '../../api/environment/execution-context.js';
import { JobId } from '../../common/ids.js';
import { LocalExecutor, masterJobClient } from '../../cli/local/local-executor.js';
import { MiniCluster } from '../../cli/local/mini-cluster.js';
import { loadJobProgram, providedModuleUrls } from '../../cli/program/job-program.js';

export function figure(name: string, value: number, unit: string): void {
  const shown = Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(2);
  console.log(`${name}: ${shown} ${unit}`);
}

export function benchJobPath(name: string): string {
  // Job sources stay TypeScript (they are bundled like any user job), next to the compiled runner.
  return fileURLToPath(new URL(`../../../test/bench/jobs/${name}.ts`, import.meta.url));
}

/** Runs a job through bundle → worker slots on a fresh mini-cluster; returns its net runtime in ms. */
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
  await runProgram(program.main, args, executor);
  return runtime;
}

async function runProgram(
  main: (args: string[]) => unknown,
  args: string[],
  executor: PipelineExecutor,
): Promise<void> {
  setExecutionContext({ mode: 'execute', executor, defaultParallelism: 1, configuration: {} });
  try {
    await main(args);
  } finally {
    setExecutionContext(undefined);
  }
}

/**
 * A local session cluster (one JobManager, one TaskManager with `slots` worker slots, as
 * `freshet cluster` starts them) that jobs are submitted to one after another: its slot workers
 * stay up between jobs, as a Flink session cluster's TaskManagers do.
 */
export class BenchSessionCluster {
  private constructor(private readonly cluster: MiniCluster) {}

  static async start(slots: number): Promise<BenchSessionCluster> {
    const cluster = new MiniCluster({
      numberOfSlots: slots,
      slotMode: 'worker',
      providedModules: providedModuleUrls(),
    });
    await cluster.start();
    return new BenchSessionCluster(cluster);
  }

  /** Submits a bench job to the cluster and returns its net runtime in ms. */
  async runJob(jobName: string, args: string[]): Promise<number> {
    const program = await loadJobProgram(benchJobPath(jobName));
    let runtime = 0;
    const cluster = this.cluster;
    await runProgram(program.main, args, {
      async execute(pipeline) {
        const jobId = JobId.generate();
        const { jobGraph } = pipeline;
        const master = await cluster.submitJob(
          {
            jobId,
            jobName: jobGraph.jobName,
            graphHash: jobGraph.graphHash,
            code: { kind: 'bundle', path: program.bundlePath, programArgs: args },
            defaultParallelism: 1,
            configuration: {},
          },
          pipeline,
        );
        const result = master.result.then((r) => {
          if (r.status !== 'FINISHED') throw new Error(`bench job ${jobName} ended ${r.status}`);
          runtime = r.netRuntime;
          return { jobId, jobName: jobGraph.jobName, netRuntime: r.netRuntime };
        });
        return masterJobClient(jobId, master, result);
      },
    });
    return runtime;
  }

  close(): Promise<void> {
    return this.cluster.close();
  }
}

export function timeLoop(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}
