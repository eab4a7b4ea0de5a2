/**
 * `freshet jobmanager` and `freshet taskmanager`: the two cluster processes (Flink's
 * `jobmanager.sh start-foreground` / `taskmanager.sh start-foreground`). Configuration comes from
 * conf/config.yaml, FRESHET_PROPERTIES and `-D key=value`; logs are JSON lines on stdout.
 */
import { loadConfiguration } from '../../common/config/config-loader.js';
import type { FreshetError } from '../../common/errors/freshet-error.js';
import { createLogger } from '../../common/logging/logger.js';
import { SessionClusterEntrypoint } from '../../jobmanager/entrypoint/session-cluster-entrypoint.js';
import { TaskManagerRunner } from '../../taskmanager/taskexecutor/task-manager-runner.js';
import { providedModuleUrls } from '../program/job-program.js';
import { FRESHET_VERSION } from '../version.js';
import { untilShutdownSignal } from './process-lifecycle.js';

export interface ClusterProcessOptions {
  readonly define?: string[];
}

export async function jobManagerCommand(options: ClusterProcessOptions): Promise<void> {
  const configuration = loadConfiguration({ dynamicProperties: options.define ?? [] });
  const logger = createLogger('jobmanager');
  const entrypoint = await SessionClusterEntrypoint.start({
    configuration,
    providedModules: providedModuleUrls(),
    logger,
    version: FRESHET_VERSION,
  });
  const signal = await untilShutdownSignal();
  logger.info({ signal }, `received ${signal}`);
  await entrypoint.stop();
}

export async function taskManagerCommand(options: ClusterProcessOptions): Promise<void> {
  const configuration = loadConfiguration({ dynamicProperties: options.define ?? [] });
  const logger = createLogger('taskmanager');
  let fatal: (error: FreshetError) => void = () => {};
  const failed = new Promise<FreshetError>((resolve) => (fatal = resolve));
  const runner = await TaskManagerRunner.start({
    configuration,
    providedModules: providedModuleUrls(),
    logger,
    onFatalError: (error) => fatal(error),
  });
  const outcome = await Promise.race([untilShutdownSignal(), failed]);
  await runner.stop();
  if (typeof outcome !== 'string') throw outcome;
  logger.info({ signal: outcome }, `received ${outcome}`);
}
