/**
 * Two TaskManagers in one process, each with its own TCP data plane on loopback, scheduled by one
 * JobManager (dispatcher + slot pool): a keyed job at parallelism 2 puts one subtask in each, so
 * every keyBy channel between them crosses a real socket — for in-process slots and for slot
 * worker threads (which relay through their TaskManager's thread).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, type Pipeline } from 'freshet';
import { JobId, ResourceId } from '../../common/ids.js';
import type { JobCodeSource } from '../../common/protocol/task-deployment.js';
import { Dispatcher } from '../../jobmanager/dispatcher/dispatcher.js';
import { SlotPool } from '../../jobmanager/resourcemanager/slot-pool.js';
import { TaskExecutor } from '../../taskmanager/taskexecutor/task-executor.js';
import { bundleJobToTempFile } from '../../cli/bundle/job-bundler.js';
import { loadJobProgram, providedModuleUrls } from '../../cli/program/job-program.js';
import type { capturePipeline as capturePipelineType } from '../../api/environment/plan-capture.js';

const executors: TaskExecutor[] = [];

afterEach(async () => {
  await Promise.all(executors.splice(0).map((e) => e.shutdown()));
});

async function twoTaskManagers(slotMode: 'inline' | 'worker', pipelines: Map<string, Pipeline>) {
  const slotPool = new SlotPool();
  const dispatcher = new Dispatcher(slotPool);
  for (const name of ['tm-a', 'tm-b']) {
    const executor = new TaskExecutor({
      resourceId: ResourceId.of(name),
      numberOfSlots: 1,
      slotMode,
      segmentSize: 32 * 1024,
      providedModules: providedModuleUrls(),
      inProcessPipelines: pipelines,
      writeStdout: () => {},
      dataPlane: { host: '127.0.0.1', port: 0 },
    });
    executors.push(executor);
    await executor.start();
    executor.connectToJobMaster(dispatcher);
    slotPool.registerTaskManager(executor.resourceId, executor, 1, {
      host: '127.0.0.1',
      port: executor.dataPort!,
    });
  }
  return dispatcher;
}

function keyedSumJob(count: number): Pipeline {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(2);
  env
    .fromSequence(1, count)
    .setParallelism(2)
    .keyBy((n) => n % 10)
    .sum()
    .name('sum')
    .sinkTo({ createWriter: (ctx) => ({ write: (v) => ctx.sendToClient(v), flush() {}, close() {} }) })
    .name('to-client');
  return env.getPipeline('cross-tm');
}

function expectedFinalSums(count: number): Map<number, number> {
  const sums = new Map<number, number>();
  for (let n = 1; n <= count; n++) sums.set(n % 10, (sums.get(n % 10) ?? 0) + n);
  return sums;
}

async function runAndCollect(
  dispatcher: Dispatcher,
  pipeline: Pipeline,
  code: JobCodeSource,
  pipelines: Map<string, Pipeline>,
) {
  const jobId = JobId.generate();
  pipelines.set(jobId, pipeline);
  const master = await dispatcher.submitJob(
    {
      jobId,
      jobName: 'cross-tm',
      graphHash: pipeline.jobGraph.graphHash,
      code,
      defaultParallelism: 2,
      configuration: {},
    },
    structuredClone(pipeline.jobGraph),
  );
  const result = await master.result;
  if (result.failure !== undefined) throw result.failure;
  const sinkOperator = pipeline.jobGraph.vertices
    .flatMap((v) => v.operators)
    .find((o) => o.name === 'to-client')!;
  return { status: result.status, values: master.drainClientData(sinkOperator.operatorId) as number[] };
}

describe('records crossing TaskManagers over TCP', () => {
  it('in-process slots: keyBy/sum at parallelism 2 across two TaskManagers gives exact sums', async () => {
    const pipelines = new Map<string, Pipeline>();
    const dispatcher = await twoTaskManagers('inline', pipelines);
    const count = 20_000;
    const { status, values } = await runAndCollect(
      dispatcher,
      keyedSumJob(count),
      { kind: 'in-process' },
      pipelines,
    );
    expect(status).toBe('FINISHED');
    expect(values).toHaveLength(count);
    const expected = expectedFinalSums(count);
    for (const total of expected.values()) expect(values).toContain(total);
  });

  it('slot workers: the same job from a bundle, relayed through each TaskManager thread', async () => {
    const pipelines = new Map<string, Pipeline>();
    const dispatcher = await twoTaskManagers('worker', pipelines);
    const bundlePath = await bundleJobToTempFile(
      new URL('../fixtures/jobs/cross-tm-keyed-sum.ts', import.meta.url).pathname,
    );
    const program = await loadJobProgram(bundlePath);
    // The bundle runs against the compiled modules (as in slot workers): capture with those too.
    const { capturePipeline } = (await import(
      new URL('../../dist/api/environment/plan-capture.js', import.meta.url).href
    )) as { capturePipeline: typeof capturePipelineType };
    const pipeline = await capturePipeline(program.main, ['20000'], {
      defaultParallelism: 2,
      configuration: {},
    });
    const { status, values } = await runAndCollect(
      dispatcher,
      pipeline,
      { kind: 'bundle', path: bundlePath, programArgs: ['20000'] },
      pipelines,
    );
    expect(status).toBe('FINISHED');
    expect(values).toHaveLength(20_000);
    for (const total of expectedFinalSums(20_000).values()) expect(values).toContain(total);
  });
});
