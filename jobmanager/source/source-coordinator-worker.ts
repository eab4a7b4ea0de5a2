/**
 * Entry point of a job's source coordinator worker thread on the JobManager: rebuilds the job's
 * pipeline from its bundle the way a TaskManager slot does (evaluate the bundle with Freshet's
 * modules provided, run main() in capture mode), checks that it is the submitted graph, and runs
 * the job's SourceCoordinators, relaying commands in and outputs out, in order.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Pipeline } from '../../api/environment/execution-context.js';
import { capturePipeline } from '../../api/environment/plan-capture.js';
import { evaluateBundle, findJobMain } from '../../common/bundle/evaluate-bundle.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import { systemSchedulerTimer } from '../scheduler/scheduler-timer.js';
import type {
  FromCoordinatorWorker,
  SourceCoordinatorWorkerData,
  ToCoordinatorWorker,
} from './source-coordinator-worker-protocol.js';
import { SourceCoordinators } from './source-coordinators.js';

const data = workerData as SourceCoordinatorWorkerData;
const parent = parentPort as MessagePort;
const post = (message: FromCoordinatorWorker): void => parent.postMessage(message);

async function loadPipeline(): Promise<Pipeline> {
  const provided: Record<string, unknown> = {};
  for (const [name, url] of Object.entries(data.providedModules)) provided[name] = await import(url);
  const code = await readFile(data.bundlePath, 'utf8');
  const main = findJobMain(evaluateBundle(code, data.bundlePath, provided), data.bundlePath);
  const pipeline = await capturePipeline(main, data.programArgs, {
    defaultParallelism: data.defaultParallelism,
    configuration: data.programConfiguration,
  });
  if (pipeline.jobGraph.graphHash !== data.graphHash) {
    throw new UserError(
      'NON_DETERMINISTIC_GRAPH',
      `the job graph rebuilt on the JobManager for its split enumerators differs from the submitted one ` +
        `(hash ${pipeline.jobGraph.graphHash} vs ${data.graphHash}): the job's main() must build the same ` +
        'graph every time it runs',
    );
  }
  return pipeline;
}

let coordinators: SourceCoordinators | undefined;
const loading = loadPipeline();
// Reported when the JobManager asks to start; until then a failure only waits to be read.
loading.catch(() => {});

parent.on('message', (message: ToCoordinatorWorker) => {
  switch (message.type) {
    case 'start':
      loading
        .then(async (pipeline) => {
          coordinators = new SourceCoordinators({
            pipeline,
            configuration: data.configuration,
            timer: systemSchedulerTimer,
            onOutput: (output) => post({ type: 'output', output }),
          });
          post({ type: 'started', operatorIds: await coordinators.start(new Map(message.states)) });
        })
        .catch((error: unknown) => post({ type: 'start-failed', error: serializeError(error) }));
      return;
    case 'command':
      coordinators?.send(message.command);
      return;
    case 'close':
      void (coordinators?.close() ?? Promise.resolve()).finally(() => post({ type: 'closed' }));
      return;
  }
});
