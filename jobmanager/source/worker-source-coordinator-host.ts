/**
 * The source coordinators of a job that came as a bundle, in a worker thread of the JobManager
 * (source-coordinator-worker.ts): the JobManager's own thread never runs the job's code. The
 * worker's messages arrive in the order it sent them, so its outputs keep their order. A worker
 * that dies reports a failure of all its coordinators (the job fails over and a new worker takes
 * over from the checkpoint).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../../common/compiled-module-url.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { deserializeError, serializeError } from '../../common/errors/serialized-error.js';
import type {
  CoordinatorHostCommand,
  CoordinatorHostOutput,
  SourceCoordinatorHost,
} from './source-coordinator-host.js';
import type {
  FromCoordinatorWorker,
  SourceCoordinatorWorkerData,
  ToCoordinatorWorker,
} from './source-coordinator-worker-protocol.js';

/** How long a closing worker may take to close its enumerators before it is terminated. */
const CLOSE_TIMEOUT_MS = 5_000;

/** The compiled worker entry; from TypeScript sources (tests), the build output of the same file. */
export function sourceCoordinatorWorkerEntry(): URL {
  return compiledModuleUrl('./source-coordinator-worker.js', import.meta.url);
}

/** This package's compiled `freshet` and `freshet/connectors`, which bundles get provided. */
export function defaultProvidedModules(): Record<string, string> {
  return {
    freshet: compiledModuleUrl('../../index.js', import.meta.url).href,
    'freshet/connectors': compiledModuleUrl('../../connectors/index.js', import.meta.url).href,
  };
}

export class WorkerSourceCoordinatorHost implements SourceCoordinatorHost {
  private readonly worker: Worker;
  private starting: { resolve: (ids: readonly string[]) => void; reject: (error: Error) => void } | undefined;
  private closing: (() => void) | undefined;
  private gone = false;

  constructor(
    data: SourceCoordinatorWorkerData,
    private readonly onOutput: (output: CoordinatorHostOutput) => void,
    entry: URL = sourceCoordinatorWorkerEntry(),
  ) {
    if (!existsSync(fileURLToPath(entry))) {
      throw new FreshetError(
        'SOURCE_COORDINATOR_WORKER_MISSING',
        `the source coordinator worker ${fileURLToPath(entry)} does not exist; run \`npm run build\``,
      );
    }
    this.worker = new Worker(entry, { workerData: data, stdout: false, stderr: false });
    this.worker.on('message', (message: FromCoordinatorWorker) => this.onMessage(message));
    this.worker.once('error', (error) => this.lost(error));
    this.worker.once('exit', (code) =>
      this.lost(new FreshetError('SOURCE_COORDINATOR_WORKER_EXIT', `exited with code ${code}`)),
    );
  }

  start(states: ReadonlyMap<string, Uint8Array>): Promise<readonly string[]> {
    return new Promise((resolve, reject) => {
      this.starting = { resolve, reject };
      this.post({ type: 'start', states: [...states] });
    });
  }

  send(command: CoordinatorHostCommand): void {
    this.post({ type: 'command', command });
  }

  async close(): Promise<void> {
    if (!this.gone) {
      const closed = new Promise<void>((resolve) => (this.closing = resolve));
      this.post({ type: 'close' });
      const timer = setTimeout(() => this.closing?.(), CLOSE_TIMEOUT_MS);
      await closed;
      clearTimeout(timer);
    }
    this.gone = true;
    await this.worker.terminate();
  }

  private post(message: ToCoordinatorWorker): void {
    if (!this.gone) this.worker.postMessage(message);
  }

  private onMessage(message: FromCoordinatorWorker): void {
    switch (message.type) {
      case 'started':
        this.starting?.resolve(message.operatorIds);
        this.starting = undefined;
        return;
      case 'start-failed':
        this.starting?.reject(deserializeError(message.error));
        this.starting = undefined;
        return;
      case 'output':
        this.onOutput(message.output);
        return;
      case 'closed':
        this.closing?.();
        return;
    }
  }

  private lost(cause: Error): void {
    if (this.gone) return;
    this.gone = true;
    this.closing?.();
    const error = new FreshetError(
      'SOURCE_COORDINATOR_WORKER_LOST',
      `the thread running the job's split enumerators on the JobManager failed: ${cause.message}`,
      { retryable: true, cause },
    );
    if (this.starting !== undefined) {
      this.starting.reject(error);
      this.starting = undefined;
      return;
    }
    this.onOutput({ type: 'coordinator-failed', error: serializeError(error) });
  }
}
