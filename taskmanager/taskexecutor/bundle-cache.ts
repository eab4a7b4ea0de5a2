/**
 * Job bundles a TaskManager fetched from the JobManager (Flink's BlobCache): each bundle is
 * downloaded once, written to a local directory (atomically: temp file, then rename), and its
 * local path handed to the slot workers that rebuild the job from it.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FreshetError } from '../../common/errors/freshet-error.js';

export class BundleCache {
  private readonly entries = new Map<string, Promise<string>>();
  private nextTemp = 0;

  constructor(
    private readonly directory: string,
    private readonly fetchBundle: (bundleId: string) => Promise<Uint8Array>,
  ) {}

  /** The local path of the bundle, fetching it on first use. */
  localPath(bundleId: string): Promise<string> {
    let entry = this.entries.get(bundleId);
    if (entry === undefined) {
      entry = this.download(bundleId);
      this.entries.set(bundleId, entry);
      // A failed download is not cached: the next deployment tries again.
      entry.catch(() => this.entries.delete(bundleId));
    }
    return entry;
  }

  /** Deletes every cached bundle. */
  async clear(): Promise<void> {
    this.entries.clear();
    await rm(this.directory, { recursive: true, force: true });
  }

  private async download(bundleId: string): Promise<string> {
    if (bundleId === '' || bundleId.includes('/') || bundleId.includes('\\') || bundleId.startsWith('.')) {
      throw new FreshetError('INVALID_BUNDLE_ID', `bundle ID '${bundleId}' is not a plain file name`, {
        domain: 'external',
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = await this.fetchBundle(bundleId);
    } catch (error) {
      throw new FreshetError(
        'BUNDLE_FETCH_FAILED',
        `could not fetch job bundle ${bundleId} from the JobManager: ${(error as Error).message}`,
        { domain: 'external', retryable: true, cause: error },
      );
    }
    await mkdir(this.directory, { recursive: true });
    const path = join(this.directory, bundleId);
    const temp = `${path}.${process.pid}.${this.nextTemp++}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
    return path;
  }
}
