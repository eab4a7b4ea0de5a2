import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../common/errors/freshet-error.js';

const URI_SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

/**
 * Turns a local path or a `file://` URI into an absolute local path. Other schemes are refused
 * with a UserError; `unsupportedMessage(scheme)` may give a more specific reason.
 */
export function toLocalPath(
  pathOrUri: string,
  what: string,
  unsupportedMessage?: (scheme: string) => string,
): string {
  const scheme = URI_SCHEME.exec(pathOrUri)?.[1]?.toLowerCase();
  if (scheme === undefined) return resolve(pathOrUri);
  if (scheme === 'file') {
    try {
      return fileURLToPath(pathOrUri);
    } catch (error) {
      throw new UserError('INVALID_PATH', `${what} '${pathOrUri}' is not a valid file:// URI`, {
        cause: error,
      });
    }
  }
  throw new UserError(
    'UNSUPPORTED_FILE_SYSTEM',
    unsupportedMessage?.(scheme) ??
      `${what} '${pathOrUri}' uses the unsupported scheme '${scheme}://'; use a local path or a file:// URI`,
  );
}
