import { describe, expect, it } from 'vitest';
import { ExecutionAttemptId, JobId } from '../../common/ids.js';
import { TaskMetricsStore } from './task-metrics-store.js';

const jobId = JobId.generate();
const a = ExecutionAttemptId.generate();
const b = ExecutionAttemptId.generate();

describe('TaskMetricsStore', () => {
  it('sums the latest counters of the given attempts and says whether all reported', () => {
    const store = new TaskMetricsStore();
    store.onHeartbeatReports([
      { jobId, executionAttemptId: a, recordsIn: 1, recordsOut: 2, bytesIn: 10, bytesOut: 20 },
    ]);
    expect(store.totals(jobId, [a, b])).toEqual({
      recordsIn: 1,
      recordsOut: 2,
      bytesIn: 10,
      bytesOut: 20,
      complete: false,
    });
    store.onHeartbeatReports([
      { jobId, executionAttemptId: a, recordsIn: 5, recordsOut: 6, bytesIn: 50, bytesOut: 60 },
      { jobId, executionAttemptId: b, recordsIn: 1, recordsOut: 1, bytesIn: 1, bytesOut: 1 },
    ]);
    expect(store.totals(jobId, [a, b])).toEqual({
      recordsIn: 6,
      recordsOut: 7,
      bytesIn: 51,
      bytesOut: 61,
      complete: true,
    });
  });

  it('keeps final counters over late heartbeat reports', () => {
    const store = new TaskMetricsStore();
    store.onFinalMetrics(jobId, a, { recordsIn: 9, recordsOut: 9, bytesIn: 9, bytesOut: 9 });
    store.onHeartbeatReports([
      { jobId, executionAttemptId: a, recordsIn: 1, recordsOut: 1, bytesIn: 1, bytesOut: 1 },
    ]);
    expect(store.totals(jobId, [a]).recordsIn).toBe(9);
    store.forgetJob(jobId);
    expect(store.totals(jobId, [a])).toMatchObject({ recordsIn: 0, complete: false });
  });
});
