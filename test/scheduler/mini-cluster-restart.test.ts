/**
 * Restarts on the real runtime: a MiniCluster (JobMaster + in-process TaskManager) runs a job
 * whose map fails in its first attempt; with fixed-delay the job fails over, redeploys attempt 1
 * into the same slots (after releasing the job's leftovers there) and finishes with all records.
 * Without a restart strategy the same job ends FAILED naming the task, as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RichMapFunction, StreamExecutionEnvironment, type Pipeline } from 'freshet';
import { JobId } from '../../common/ids.js';
import { MiniCluster } from '../../cli/local/mini-cluster.js';

const clusters: MiniCluster[] = [];

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

class FailInFirstAttempt extends RichMapFunction<number, number> {
  map(value: number): number {
    const ctx = this.getRuntimeContext();
    if (ctx.getAttemptNumber() === 0 && ctx.getIndexOfThisSubtask() === 0) {
      throw new Error(`poisoned record ${value}`);
    }
    return value;
  }
}

function failingJob(count: number): Pipeline {
  const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
  env.setParallelism(2);
  env
    .fromSequence(1, count)
    .rebalance()
    .map(new FailInFirstAttempt())
    .name('fail-once')
    .sinkTo({ createWriter: (ctx) => ({ write: (v) => ctx.sendToClient(v), flush() {}, close() {} }) })
    .name('to-client');
  return env.getPipeline('fail-once');
}

async function run(configuration: Record<string, string>, count: number) {
  const cluster = new MiniCluster({ numberOfSlots: 2, slotMode: 'inline', writeStdout: () => {} });
  clusters.push(cluster);
  await cluster.start();
  const pipeline = failingJob(count);
  const jobId = JobId.generate();
  const master = await cluster.submitJob(
    {
      jobId,
      jobName: 'fail-once',
      graphHash: pipeline.jobGraph.graphHash,
      code: { kind: 'in-process' },
      defaultParallelism: 2,
      configuration,
    },
    pipeline,
  );
  const result = await master.result;
  const sink = pipeline.jobGraph.vertices.flatMap((v) => v.operators).find((o) => o.name === 'to-client')!;
  return { master, result, values: master.drainClientData(sink.operatorId) as number[] };
}

describe('restarts on a MiniCluster', () => {
  it('fixed-delay: the job fails once, restarts with attempt 1 and finishes with every record', async () => {
    const { master, result, values } = await run(
      {
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '1',
        'restart-strategy.fixed-delay.delay': '10 ms',
      },
      1_000,
    );
    expect(result.failure).toBeUndefined();
    expect(result.status).toBe('FINISHED');
    expect(master.numRestarts).toBe(1);
    expect(master.executionGraph.all().every((e) => e.attemptNumber === 1)).toBe(true);
    expect(master.failureHistory).toHaveLength(1);
    expect(master.failureHistory[0]!.taskName).toBe('fail-once -> to-client (1/2)');
    expect(master.failureHistory[0]!.error.message).toContain('poisoned record');
    // Attempt 0 may have delivered some records before it was cancelled (no checkpoints: at least once).
    expect(new Set(values)).toEqual(new Set(Array.from({ length: 1_000 }, (_, i) => i + 1)));
  });

  it('without a restart strategy the job ends FAILED with "<task> failed: <cause>"', async () => {
    const { master, result } = await run({}, 100);
    expect(result.status).toBe('FAILED');
    expect(result.failure?.message).toMatch(/^fail-once -> to-client \(1\/2\) failed: .*poisoned record/);
    expect(master.numRestarts).toBe(0);
  });
});
