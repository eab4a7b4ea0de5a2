/**
 * The coordinator's fire-and-forget work (RPCs to tasks, deleting files), kept track of so nothing
 * floats: every failure is logged with what was being done, and `settled()` waits for all of it
 * (on shutdown, and in tests).
 */
import { toError } from '../../common/errors/freshet-error.js';
import type { Logger } from '../../common/logging/logger.js';

export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.running.size;
  }

  /**
   * Starts `work` (a synchronous throw counts as a failure). A failure is logged as a warning
   * naming `what`, then handed to `onFailure` if given.
   */
  run(what: string, work: () => Promise<void>, onFailure?: (error: Error) => void): void {
    const tracked: Promise<void> = call(work)
      .catch((thrown: unknown) => {
        const error = toError(thrown);
        this.logger.warn({ err: error }, `${what} failed: ${error.message}`);
        onFailure?.(error);
      })
      .catch((thrown: unknown) => {
        this.logger.error({ err: toError(thrown) }, `handling the failure of ${what} failed`);
      })
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Resolves once all work, including work started meanwhile, has settled. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}

function call(work: () => Promise<void>): Promise<void> {
  try {
    return work();
  } catch (thrown) {
    return Promise.reject(toError(thrown));
  }
}
