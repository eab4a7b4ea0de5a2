/**
 * `taskmanager.state.local.root-dirs` checked at TaskManager start: a directory RocksDB cannot
 * write to is a clear startup error, not a task failure later on.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { UserError } from '../../../common/errors/freshet-error.js';

export function checkLocalStateDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK | constants.X_OK);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UserError(
        'LOCAL_STATE_DIR_NOT_WRITABLE',
        `taskmanager.state.local.root-dirs: '${dir}' cannot be used for RocksDB state (${reason}); ` +
          'point it to a writable directory',
        { cause: error },
      );
    }
  }
}
