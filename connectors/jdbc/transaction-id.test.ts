import { describe, expect, it } from 'vitest';
import {
  parseTransactionId,
  sinkTransactionIdPrefix,
  subtaskTransactionIdPrefix,
  transactionId,
} from './transaction-id.js';

const scope = {
  jobId: 'A1B2C3D4E5F60718293a4b5c6d7e8f90',
  operatorUidOrId: "orders' sink",
  indexOfSubtask: 1,
};

describe('transaction ids', () => {
  it('name job, operator, subtask, checkpoint and attempt, safe for SQL and XA', () => {
    const gid = transactionId(scope, 42, 3);
    expect(gid).toMatch(/^freshet-a1b2c3d4e5f6-[0-9a-f]{8}-1-42-3$/);
    expect(gid.length).toBeLessThanOrEqual(64);
    expect(parseTransactionId(gid)).toEqual({
      job: 'a1b2c3d4e5f6',
      operator: gid.split('-')[2],
      subtask: 1,
      checkpointId: 42,
      attempt: 3,
    });
  });

  it("give each subtask a prefix no other subtask's ids start with", () => {
    const prefix1 = subtaskTransactionIdPrefix(scope);
    expect(transactionId(scope, 1, 0).startsWith(prefix1)).toBe(true);
    expect(transactionId({ ...scope, indexOfSubtask: 12 }, 1, 0).startsWith(prefix1)).toBe(false);
    expect(prefix1.startsWith(sinkTransactionIdPrefix(scope))).toBe(true);
  });

  it('differ between operators and jobs', () => {
    expect(subtaskTransactionIdPrefix({ ...scope, operatorUidOrId: 'other' })).not.toBe(
      subtaskTransactionIdPrefix(scope),
    );
    expect(subtaskTransactionIdPrefix({ ...scope, jobId: 'ffff' + scope.jobId.slice(4) })).not.toBe(
      subtaskTransactionIdPrefix(scope),
    );
  });

  it('parses only its own format', () => {
    expect(parseTransactionId('other-gid')).toBeUndefined();
  });
});
