/**
 * Durable, all-or-nothing file writes for the HA directory: a temporary file next to the target,
 * fsync'd, then renamed over it, so a reader (or a JobManager started after a crash) sees the old
 * content or the new one, never a part.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';

export function writeAtomically(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  const fd = openSync(temp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
