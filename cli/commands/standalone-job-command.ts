/**
 * `freshet standalone-job --bundle <path|s3://bucket/key> [-p N] [-s savepoint [-n]] [-D k=v] [-- args]`:
 * a JobManager in application mode (Flink's `standalone-job.sh start-foreground`). It loads its
 * configuration as `freshet jobmanager` does, starts the same JobManager, and runs the one job of
 * the bundle under the job ID 00000000000000000000000000000000 (see
 * application-cluster-entrypoint.ts for what a restart with HA does).
 *
 * `--bundle` takes what `freshet run -m` takes: a bundle written by `freshet bundle`, or a .ts/.js
 * job file (bundled here) — or an `s3://` URL of one, fetched with the `s3.*` settings. The bundle
 * is fetched and checked before the JobManager binds its ports, so a missing file, an unreadable
 * object or a file that is no job exits at once with a message naming it (exit code 2).
 *
 * When the job ends (FINISHED, CANCELED, FAILED) the outcome is logged and the JobManager keeps
 * serving REST until SIGTERM/SIGINT; the process then exits 0. Keeping it up lets an orchestrator
 * (a Kubernetes Deployment) keep its pod instead of restarting it in a loop, and keeps the ended job
 * visible over REST. Logs are JSON lines on stdout.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadConfiguration } from '../../common/config/config-loader.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { createLogger } from '../../common/logging/logger.js';
import { ApplicationClusterEntrypoint } from '../../jobmanager/entrypoint/application-cluster-entrypoint.js';
import {
  downloadS3Bundle,
  isS3Url,
  s3ConnectionOptions,
} from '../../jobmanager/entrypoint/s3-bundle-download.js';
import { bundleJobToTempFile, checkJobFile } from '../bundle/job-bundler.js';
import { providedModuleUrls } from '../program/job-program.js';
import { FRESHET_VERSION } from '../version.js';
import { parseParallelism } from './common-options.js';
import { untilShutdownSignal } from './process-lifecycle.js';

export interface StandaloneJobOptions {
  readonly bundle: string;
  readonly parallelism?: string;
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
  readonly define?: string[];
}

export async function standaloneJobCommand(
  programArgs: readonly string[],
  options: StandaloneJobOptions,
): Promise<void> {
  if (options.allowNonRestoredState === true && options.fromSavepoint === undefined) {
    throw new UserError(
      'ALLOW_NON_RESTORED_STATE_WITHOUT_SAVEPOINT',
      '-n/--allowNonRestoredState needs -s <savepoint>',
    );
  }
  const configuration = loadConfiguration({ dynamicProperties: options.define ?? [] });
  const parallelism = parseParallelism(options.parallelism);
  const bundle = await loadBundle(options.bundle, () =>
    downloadS3Bundle(options.bundle, s3ConnectionOptions(configuration)),
  );
  const logger = createLogger('jobmanager');
  const entrypoint = await ApplicationClusterEntrypoint.start({
    configuration,
    providedModules: providedModuleUrls(),
    logger,
    version: FRESHET_VERSION,
    application: {
      source: options.bundle,
      fileName: bundle.fileName,
      bundle: bundle.code,
      programArgs,
      ...(parallelism === undefined ? {} : { parallelism }),
      ...(options.fromSavepoint === undefined
        ? {}
        : {
            savepoint: {
              path: options.fromSavepoint,
              allowNonRestoredState: options.allowNonRestoredState === true,
            },
          }),
    },
  });
  const signal = await untilShutdownSignal();
  logger.info({ signal }, `received ${signal}`);
  await entrypoint.stop();
}

interface LoadedBundle {
  /** A plain file name for the JarStore. */
  readonly fileName: string;
  readonly code: Buffer;
}

/** The bundle's code: a local bundle or job file (bundled), or an S3 object (bundled if it is a job file). */
async function loadBundle(location: string, download: () => Promise<Buffer>): Promise<LoadedBundle> {
  if (!isS3Url(location)) return bundleOf(checkJobFile(location), location);
  const fileName = location.slice(location.lastIndexOf('/') + 1) || 'job.bundle.js';
  const dir = await mkdtemp(join(tmpdir(), 'freshet-application-bundle-'));
  try {
    const path = join(dir, fileName);
    await writeFile(path, await download());
    return await bundleOf(path, location);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function bundleOf(path: string, location: string): Promise<LoadedBundle> {
  try {
    const bundlePath = await bundleJobToTempFile(path);
    return { fileName: basename(bundlePath), code: await readFile(bundlePath) };
  } catch (error) {
    if (error instanceof UserError && !error.message.includes(location)) {
      throw new UserError(error.code, `job bundle ${location}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
