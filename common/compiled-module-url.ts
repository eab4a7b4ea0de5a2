/**
 * Where a module's compiled JavaScript is: worker entries and child-process entries must be
 * loaded as built `.js` files. When the caller itself runs from its TypeScript source (tests under
 * vitest), the same file under the package's `dist/` is used instead.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** `target` (a `.js` path relative to the calling module `moduleUrl`), compiled. */
export function compiledModuleUrl(target: string, moduleUrl: string): URL {
  const here = new URL(target, moduleUrl);
  if (!moduleUrl.endsWith('.ts')) return here;
  const root = packageRoot(dirname(fileURLToPath(moduleUrl)));
  return pathToFileURL(join(root, 'dist', relative(root, fileURLToPath(here))));
}

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}
