/**
 * NOTES.txt, printed after `helm install`: how to reach the REST endpoint, submit a job, trigger a
 * savepoint, and a warning when HA data would not survive a rescheduled JobManager pod.
 */
import { describe, expect, it } from 'vitest';
import { helmNotes } from '../support/helm.js';

const APPLICATION = {
  mode: 'application',
  job: { bundle: { configMap: { name: 'jobs', key: 'job.bundle.js' } } },
};

describe('NOTES.txt', () => {
  it('explains port-forwarding, job submission and savepoints in session mode', async () => {
    const notes = await helmNotes({
      config: { 'state.savepoints.dir': 's3://bucket/savepoints' },
      s3: { useDefaultCredentialsChain: true },
    });
    expect(notes).toContain(
      'kubectl --namespace streaming port-forward service/flow-freshet-jobmanager 8081:8081',
    );
    expect(notes).toContain('freshet run -d -m 127.0.0.1:8081');
    expect(notes).toContain('"target-directory": "s3://bucket/savepoints"');
    expect(notes).toContain('http://127.0.0.1:8081/jobs/<job-id>/savepoints');
    expect(notes).toContain('helm test flow --namespace streaming');
    expect(notes).not.toContain('WARNING');
  });

  it('names the application job and its bundle in application mode', async () => {
    const notes = await helmNotes({
      ...APPLICATION,
      jobManager: { persistence: { enabled: true } },
      config: { 'high-availability.storageDir': 'file:///opt/freshet/ha/app' },
    });
    expect(notes).toContain('runs the job from /opt/freshet/usrlib/job.bundle.js');
    expect(notes).toContain('/jobs/00000000000000000000000000000000/savepoints');
    expect(notes).not.toContain('WARNING');
  });

  it('warns when high-availability.storageDir is not on the JobManager volume', async () => {
    const notes = await helmNotes({
      ...APPLICATION,
      config: { 'high-availability.storageDir': 'file:///tmp/ha' },
    });
    expect(notes).toMatch(
      /WARNING: high-availability\.storageDir \(file:\/\/\/tmp\/ha\) is not on\s+the JobManager's persistent volume/,
    );
  });
});
