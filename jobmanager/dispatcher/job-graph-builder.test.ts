/**
 * JobGraphBuilder with real bundles in real worker threads (the compiled worker from dist/, as slot
 * workers use: `npm run build` first).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { capturePipeline as capturePipelineType } from '../../api/environment/plan-capture.js';
import { bundleJobToTempFile } from '../../cli/bundle/job-bundler.js';
import { loadJobProgram, providedModuleUrls } from '../../cli/program/job-program.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { JobGraphBuilder, type JobGraphBuildRequest } from './job-graph-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'freshet-job-graph-builder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string): string =>
  new URL(`../../test/fixtures/jobs/${name}`, import.meta.url).pathname;

/** A hand-written CommonJS bundle whose `main` body is `body` (with `env` and `require` in scope). */
function inlineBundle(name: string, body: string): string {
  const path = join(dir, `${name}.bundle.cjs`);
  writeFileSync(
    path,
    [
      '/* freshet job bundle v1 */',
      "'use strict';",
      "const { StreamExecutionEnvironment } = require('freshet');",
      'module.exports.default = async function main(args) {',
      '  const env = StreamExecutionEnvironment.getExecutionEnvironment();',
      body,
      '};',
    ].join('\n'),
  );
  return path;
}

function request(bundlePath: string, overrides: Partial<JobGraphBuildRequest> = {}): JobGraphBuildRequest {
  return { bundlePath, programArgs: [], defaultParallelism: 1, configuration: {}, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<FreshetError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FreshetError);
    return error as FreshetError;
  }
  throw new Error('expected the build to fail');
}

const builder = new JobGraphBuilder({ providedModules: providedModuleUrls() });

describe('JobGraphBuilder', () => {
  it('builds the JobGraph of a bundled job, identical to what a TaskManager slot rebuilds', async () => {
    const bundlePath = await bundleJobToTempFile(fixture('datagen-keyed-sum.ts'));
    const request_ = request(bundlePath, {
      defaultParallelism: 3,
      configuration: { 'execution.buffer-timeout': '7 ms' },
    });
    const { jobGraph } = await builder.build(request_);

    expect(jobGraph.jobName).toBe('datagen-keyed-sum');
    expect(jobGraph.vertices.map((v) => v.parallelism)).toEqual([3, 3]);
    expect(jobGraph.vertices[1]!.inputs.map((edge) => edge.partitioner)).toEqual(['hash']);
    expect(jobGraph.config.bufferTimeoutMs).toBe(7);
    expect(jobGraph.config.configuration).toEqual({ 'execution.buffer-timeout': '7 ms' });
    // Plain data: it survives a structured clone unchanged.
    expect(structuredClone(jobGraph)).toEqual(jobGraph);

    // The same capture a slot runs (compiled modules, same parallelism and configuration).
    const program = await loadJobProgram(bundlePath);
    const { capturePipeline } = (await import(
      new URL('../../dist/api/environment/plan-capture.js', import.meta.url).href
    )) as { capturePipeline: typeof capturePipelineType };
    const expected = await capturePipeline(program.main, [], {
      defaultParallelism: 3,
      configuration: request_.configuration,
    });
    expect(jobGraph.graphHash).toBe(expected.jobGraph.graphHash);
  });

  it("passes the program arguments to main() and runs it off the JobManager's thread", async () => {
    const bundlePath = inlineBundle(
      'isolated',
      [
        "  const { isMainThread } = require('node:worker_threads');",
        '  globalThis.__freshetBuilderProbe = args.join(",");',
        '  env.fromElements(1).name(isMainThread ? "main-thread" : `worker:${args.join(",")}`).print();',
        "  await env.execute('isolated');",
      ].join('\n'),
    );
    const { jobGraph } = await builder.build(request(bundlePath, { programArgs: ['--input', 'a b'] }));
    const names = jobGraph.vertices.flatMap((v) => v.operators.map((o) => o.name));
    expect(names).toContain('worker:--input,a b');
    expect((globalThis as { __freshetBuilderProbe?: unknown }).__freshetBuilderProbe).toBeUndefined();
  });

  it('fails with PROGRAM_FAILED naming what main() threw', async () => {
    const bundlePath = inlineBundle('throws', "  throw new TypeError('no input topic given');");
    const error = await failure(builder.build(request(bundlePath)));
    expect(error.code).toBe('PROGRAM_FAILED');
    expect(error.domain).toBe('user');
    expect(error.message).toBe("the job's main() threw: no input topic given");
    expect((error.cause as Error).name).toBe('TypeError');
    expect((error.cause as Error).stack).toContain('throws.bundle.cjs');
  });

  it('fails with PROGRAM_FAILED when the bundle throws while it is loaded', async () => {
    const bundlePath = join(dir, 'top-level-throw.bundle.cjs');
    writeFileSync(bundlePath, "throw new Error('config file missing');\n");
    const error = await failure(builder.build(request(bundlePath)));
    expect(error.code).toBe('PROGRAM_FAILED');
    expect(error.message).toBe('the job bundle threw while it was loaded: config file missing');
  });

  it('fails with NO_EXECUTE when main() returns without calling execute()', async () => {
    const bundlePath = inlineBundle('no-execute', '  env.fromElements(1, 2).print();');
    const error = await failure(builder.build(request(bundlePath)));
    expect(error.code).toBe('NO_EXECUTE');
    expect(error.message).toMatch(/without calling execute\(\)/);
  });

  it('fails with NO_JOB_MAIN for a module without a main function', async () => {
    const bundlePath = await bundleJobToTempFile(fixture('no-default-export.ts'));
    const error = await failure(builder.build(request(bundlePath)));
    expect(error.code).toBe('NO_JOB_MAIN');
    expect(error.message).toMatch(/it exports: .*runJob/);
  });

  it('fails with MALFORMED_BUNDLE for a file that is not JavaScript', async () => {
    const bundlePath = join(dir, 'not-js.bundle.cjs');
    writeFileSync(bundlePath, 'this is { not javascript');
    const error = await failure(builder.build(request(bundlePath)));
    expect(error.code).toBe('MALFORMED_BUNDLE');
  });

  it('stops a main() that never calls execute() at the deadline', async () => {
    const bundlePath = inlineBundle('endless', '  for (;;) {}');
    const short = new JobGraphBuilder({ providedModules: providedModuleUrls(), timeoutMs: 300 });
    const started = Date.now();
    const error = await failure(short.build(request(bundlePath)));
    expect(error.code).toBe('PROGRAM_TIMEOUT');
    expect(error.message).toMatch(/did not call execute\(\) within 300 ms and was stopped/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('reports a program that ends its thread (process.exit in a worker) as PROGRAM_FAILED', async () => {
    const bundlePath = inlineBundle('exits', '  process.exit(3);');
    const error = await failure(builder.build(request(bundlePath)));
    expect(error.code).toBe('PROGRAM_FAILED');
    expect(error.message).toMatch(/exit code 3/);
  });

  it('reports a program that exceeds the heap limit as PROGRAM_FAILED, not as a JobManager crash', async () => {
    const bundlePath = inlineBundle(
      'hog',
      '  const hoard = []; for (;;) hoard.push(new Array(100_000).fill({ x: hoard.length }));',
    );
    const small = new JobGraphBuilder({
      providedModules: providedModuleUrls(),
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    const error = await failure(small.build(request(bundlePath)));
    expect(error.code).toBe('PROGRAM_FAILED');
    expect(error.message).toMatch(/ran out of memory .*\(heap limit 32 MB\)/);
  });

  it('refuses more concurrent builds than allowed (retryable) instead of queueing them', async () => {
    const bundlePath = inlineBundle('slow', '  for (;;) {}');
    const one = new JobGraphBuilder({
      providedModules: providedModuleUrls(),
      maxConcurrentBuilds: 1,
      timeoutMs: 500,
    });
    const first = one.build(request(bundlePath));
    const second = await failure(one.build(request(bundlePath)));
    expect(second.code).toBe('TOO_MANY_PROGRAM_RUNS');
    expect(second.retryable).toBe(true);
    expect((await failure(first)).code).toBe('PROGRAM_TIMEOUT');
    // The slot is free again.
    expect((await failure(one.build(request(bundlePath)))).code).toBe('PROGRAM_TIMEOUT');
  });

  it('says how to get the worker when its compiled entry is missing', async () => {
    const missing = new JobGraphBuilder({
      providedModules: providedModuleUrls(),
      workerEntry: new URL(`file://${join(dir, 'nowhere', 'worker.js')}`),
    });
    const error = await failure(missing.build(request(inlineBundle('any', ''))));
    expect(error.code).toBe('JOB_GRAPH_BUILDER_MISSING');
    expect(error.message).toMatch(/npm run build/);
  });
});
