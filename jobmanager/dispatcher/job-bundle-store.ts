/**
 * The bundles of submitted jobs (the role of Flink's BlobServer for job jars): running a jar copies
 * it here under the job's ID, so TaskManagers can still fetch the job's code after the jar is
 * deleted or replaced through REST — on a restart, or on a TaskManager that joins later. The copy
 * is removed when the job ends for good.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId } from '../../common/ids.js';

const BUNDLE_ID = /^job-([0-9a-f]{32})\.bundle\.js$/;

export interface RetainedBundle {
  /** What TaskManagers fetch the bundle by. */
  readonly bundleId: string;
  readonly path: string;
}

export class JobBundleStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Copies the job's bundle into the store (atomically: a temporary name, then a rename). */
  retain(jobId: JobId, sourcePath: string): RetainedBundle {
    const bundleId = `job-${jobId}.bundle.js`;
    const path = join(this.dir, bundleId);
    const temp = `${path}.${process.pid}.tmp`;
    copyFileSync(sourcePath, temp);
    renameSync(temp, path);
    return { bundleId, path };
  }

  /** The stored bundle's path; throws UNKNOWN_BUNDLE for IDs that name no retained bundle. */
  path(bundleId: string): string {
    if (!BUNDLE_ID.test(bundleId)) throw unknownBundle(bundleId);
    const path = join(this.dir, bundleId);
    try {
      if (statSync(path).isFile()) return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    throw unknownBundle(bundleId);
  }

  release(jobId: JobId): void {
    rmSync(join(this.dir, `job-${jobId}.bundle.js`), { force: true });
  }
}

function unknownBundle(bundleId: string): UserError {
  return new UserError('UNKNOWN_BUNDLE', `no job bundle ${bundleId} is stored on this JobManager`);
}
