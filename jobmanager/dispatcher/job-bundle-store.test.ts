import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { JobBundleStore } from './job-bundle-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-job-bundles-'));
  dirs.push(dir);
  return dir;
}

describe('JobBundleStore', () => {
  it('keeps a copy of the job bundle that outlives the uploaded jar, until the job is released', () => {
    const uploads = tempDir();
    const jar = join(uploads, 'abc_job.bundle.js');
    writeFileSync(jar, 'module.exports = { default: () => {} };\n');
    const store = new JobBundleStore(join(tempDir(), 'jobs'));
    const jobId = JobId.generate();

    const retained = store.retain(jobId, jar);
    expect(retained.bundleId).toBe(`job-${jobId}.bundle.js`);
    rmSync(jar);
    expect(readFileSync(store.path(retained.bundleId), 'utf8')).toContain('module.exports');

    store.release(jobId);
    expect(() => store.path(retained.bundleId)).toThrow(/no job bundle .* is stored/);
  });

  it('refuses IDs that are not job bundle IDs (no path tricks)', () => {
    const store = new JobBundleStore(tempDir());
    for (const id of [
      '../etc/passwd',
      'job-xyz.bundle.js',
      'abc_job.bundle.js',
      `job-${'0'.repeat(32)}.bundle.js/..`,
    ]) {
      expect(() => store.path(id)).toThrow(/UNKNOWN_BUNDLE|no job bundle/);
    }
  });
});
