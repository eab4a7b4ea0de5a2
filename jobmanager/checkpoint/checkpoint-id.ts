/**
 * The ID of one checkpoint or savepoint of a job: 1, 2, 3, … in trigger order (Flink's `long`
 * checkpoint ID). Branded so it cannot be mixed up with other numbers. Defined here until the
 * checkpoint messages of the JM↔TM protocol move it into `common/ids.ts`; it imports only
 * `common/`, so it can move as it is.
 */
import { UserError } from '../../common/errors/freshet-error.js';

declare const brand: unique symbol;

export type CheckpointId = number & { readonly [brand]: 'CheckpointId' };

export const CheckpointId = {
  /** The first ID a job's checkpoints get (Flink's CheckpointIDCounter.INITIAL_CHECKPOINT_ID). */
  INITIAL: 1 as CheckpointId,

  /** Throws a UserError unless `value` is a positive safe integer. */
  of(value: number): CheckpointId {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new UserError(
        'INVALID_ID',
        `'${value}' is not a valid checkpoint ID: expected a positive integer`,
      );
    }
    return value as CheckpointId;
  },

  /** Parses the decimal form used in REST paths (`/jobs/:jobid/checkpoints/details/:checkpointid`). */
  parse(text: string): CheckpointId {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed)) {
      throw new UserError(
        'INVALID_ID',
        `'${text}' is not a valid checkpoint ID: expected a positive integer`,
      );
    }
    return CheckpointId.of(Number(trimmed));
  },
};
