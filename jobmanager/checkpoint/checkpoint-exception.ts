/**
 * The error a failed checkpoint or savepoint ends with (Flink's CheckpointException): a
 * FreshetError whose `code` is the CheckpointFailureReason. A savepoint request made over REST or
 * the CLI fails with it, and the tolerable-failure threshold reports the last one as its cause.
 */
import { ErrorDomain, FreshetError } from '../../common/errors/freshet-error.js';
import { CheckpointFailureReasons, type CheckpointFailureReason } from './checkpoint-failure-reason.js';

export class CheckpointException extends FreshetError {
  readonly reason: CheckpointFailureReason;

  /** @param detail what happened, appended to the reason's message (e.g. the declining task's error). */
  constructor(reason: CheckpointFailureReason, detail?: string, cause?: unknown) {
    const message = CheckpointFailureReasons.message(reason);
    super(reason, detail === undefined ? message : `${message}: ${detail}`, {
      domain: ErrorDomain.external,
      retryable: true,
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'CheckpointException';
    this.reason = reason;
  }
}
