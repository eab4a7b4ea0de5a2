/**
 * The worker-thread host of a bundle job's split enumerators: it rebuilds the job from its bundle
 * (built output under dist/, as the JobManager runs it), reports which source operators have an
 * enumerator, relays commands and outputs in order, and fails clearly when the bundle is unusable.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleJobToTempFile } from '../../cli/bundle/job-bundler.js';
import type { capturePipeline as CapturePipeline } from '../../api/environment/plan-capture.js';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';
import { evaluateBundle, findJobMain } from '../../common/bundle/evaluate-bundle.js';
import { readFile } from 'node:fs/promises';
import { JOBS_DIR, waitFor } from '../../test/support/cli.js';
import { decodeEnumeratorCheckpoint } from './enumerator-checkpoint-codec.js';
import type { CoordinatorHostOutput } from './source-coordinator-host.js';
import { defaultProvidedModules, WorkerSourceCoordinatorHost } from './worker-source-coordinator-host.js';

const hosts: WorkerSourceCoordinatorHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

async function graphHashOf(
  bundlePath: string,
  args: string[],
): Promise<{ hash: string; operatorId: string }> {
  const provided: Record<string, unknown> = {};
  for (const [name, url] of Object.entries(defaultProvidedModules())) provided[name] = await import(url);
  const main = findJobMain(
    evaluateBundle(await readFile(bundlePath, 'utf8'), bundlePath, provided),
    bundlePath,
  );
  // The bundle runs against the built modules: capture with the built plan-capture (one module instance).
  const url = compiledModuleUrl('../../api/environment/plan-capture.js', import.meta.url).href;
  const { capturePipeline } = (await import(url)) as { capturePipeline: typeof CapturePipeline };
  const { jobGraph } = await capturePipeline(main, args, { defaultParallelism: 2 });
  return { hash: jobGraph.graphHash, operatorId: jobGraph.vertices[0]!.operators[0]!.operatorId };
}

describe('WorkerSourceCoordinatorHost', () => {
  it('runs the enumerators of a bundle in a worker and relays their outputs in order', async () => {
    const bundlePath = await bundleJobToTempFile(join(JOBS_DIR, 'discovering-source-files.ts'));
    const args = ['4', '10', '100', '/tmp/unused', '10000'];
    const { hash, operatorId } = await graphHashOf(bundlePath, args);
    const outputs: CoordinatorHostOutput[] = [];
    const host = new WorkerSourceCoordinatorHost(
      {
        bundlePath,
        programArgs: args,
        defaultParallelism: 2,
        programConfiguration: {},
        graphHash: hash,
        providedModules: defaultProvidedModules(),
        configuration: {},
      },
      (output) => outputs.push(output),
    );
    hosts.push(host);
    expect(await host.start(new Map())).toEqual([operatorId]);
    host.send({
      type: 'event-from-reader',
      operatorId,
      subtask: 1,
      event: { type: 'reader-registration', subtaskId: 1 },
    });
    host.send({
      type: 'event-from-reader',
      operatorId,
      subtask: 1,
      event: { type: 'request-split', subtaskId: 1 },
    });
    await waitFor(() => outputs.length > 0, 10_000, 'a first output of the coordinator host');
    host.send({ type: 'checkpoint', checkpointId: 3 });
    await waitFor(() => outputs.length > 1, 10_000, 'a second output of the coordinator host');
    // The split went out before the snapshot, which counts it as assigned.
    expect(outputs.map((o) => o.type)).toEqual(['event-to-reader', 'checkpoint-taken']);
    expect(outputs[0]).toMatchObject({
      subtask: 1,
      event: { type: 'add-splits', splits: [{ splitId: 'range-0' }] },
    });
    const taken = outputs[1] as Extract<CoordinatorHostOutput, { type: 'checkpoint-taken' }>;
    expect(decodeEnumeratorCheckpoint(taken.state)).toEqual({ discovered: 1, unassigned: [] });
  }, 60_000);

  it('rejects the start when the job graph rebuilt from the bundle is not the submitted one', async () => {
    const bundlePath = await bundleJobToTempFile(join(JOBS_DIR, 'discovering-source-files.ts'));
    const host = new WorkerSourceCoordinatorHost(
      {
        bundlePath,
        programArgs: [],
        defaultParallelism: 1,
        programConfiguration: {},
        graphHash: 'not-the-hash',
        providedModules: defaultProvidedModules(),
        configuration: {},
      },
      () => {},
    );
    hosts.push(host);
    await expect(host.start(new Map())).rejects.toMatchObject({ code: 'NON_DETERMINISTIC_GRAPH' });
  }, 60_000);
});
