import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobId } from '../../common/ids.js';
import { FileSystemJobResultStore } from './file-system-job-result-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function store(): FileSystemJobResultStore {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-job-results-test-'));
  dirs.push(dir);
  return new FileSystemJobResultStore(join(dir, 'job-results'));
}

const JOB = JobId.parse('0'.repeat(32));

describe('FileSystemJobResultStore', () => {
  it('knows no result before one is put, and the one put after', () => {
    const results = store();
    expect(results.get(JOB)).toBeUndefined();
    expect(results.has(JOB)).toBe(false);
    results.put({ jobId: JOB, status: 'FINISHED', timestamp: 7 });
    expect(results.get(JOB)).toEqual({ jobId: JOB, status: 'FINISHED', timestamp: 7 });
    expect(new FileSystemJobResultStore(results.directory).has(JOB)).toBe(true);
  });

  it('refuses a status that is not globally terminal', () => {
    expect(() => store().put({ jobId: JOB, status: 'RESTARTING', timestamp: 1 })).toThrow(
      /only FINISHED, CANCELED and FAILED/,
    );
  });

  it('names a corrupt entry and how to get past it', () => {
    const results = store();
    results.put({ jobId: JOB, status: 'FAILED', timestamp: 1 });
    const path = join(results.directory, `${JOB}.json`);
    writeFileSync(path, '{"jobId":');
    expect(() => results.get(JOB)).toThrow(expect.objectContaining({ code: 'CORRUPT_JOB_RESULT' }));
    expect(() => results.get(JOB)).toThrow(path);
  });
});
