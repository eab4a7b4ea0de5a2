/**
 * The path from a checkpoint request to a pending checkpoint: submits requests to the
 * CheckpointRequestDecider, acts on its decisions, runs one trigger at a time through the
 * PendingCheckpointFactory, and hands the result to the coordinator (Flink's
 * CheckpointCoordinator#triggerCheckpoint / executeQueuedRequest / startTriggeringCheckpoint).
 * `executeQueued` is called whenever a pending checkpoint ends, so waiting requests move on.
 */
import { assertNever } from '../../common/errors/freshet-error.js';
import type { BackgroundTasks } from './background-tasks.js';
import { CheckpointException } from './checkpoint-exception.js';
import { CheckpointFailureReason } from './checkpoint-failure-reason.js';
import type { CheckpointId } from './checkpoint-id.js';
import type { CheckpointOptions } from './checkpoint-options.js';
import type {
  CheckpointRequestDecider,
  CheckpointRequestDecision,
  CheckpointRequestDeciderState,
} from './checkpoint-request-decider.js';
import type { SettleableTriggerRequest } from './checkpoint-trigger-request.js';
import type { PendingCheckpoint } from './pending-checkpoint.js';
import type { PendingCheckpointFactory } from './pending-checkpoint-factory.js';

export interface CheckpointRequestExecutorHooks {
  /** The coordinator's side of the decider's state. */
  readonly state: () => Omit<CheckpointRequestDeciderState, 'isTriggering'>;
  /** A periodic request was dropped for the min pause: retry after `delayMs`. */
  readonly onMinPause: (delayMs: number) => void;
  /** The checkpoint is pending: register it and trigger its sources. */
  readonly onCreated: (
    pending: PendingCheckpoint,
    options: CheckpointOptions,
    request: SettleableTriggerRequest,
  ) => void;
  /** The request failed before its checkpoint became pending (it is already rejected). */
  readonly onNotStarted: (
    request: SettleableTriggerRequest,
    checkpointId: CheckpointId | undefined,
    exception: CheckpointException,
  ) => void;
}

export class CheckpointRequestExecutor {
  /** The request whose trigger is in progress (between the decider and its pending checkpoint). */
  private triggering: SettleableTriggerRequest | undefined;
  /** Bumped by `abortAll` so a trigger in flight across it gives up. */
  private epoch = 0;
  private closed = false;

  constructor(
    private readonly decider: CheckpointRequestDecider<SettleableTriggerRequest>,
    private readonly factory: PendingCheckpointFactory,
    private readonly background: BackgroundTasks,
    private readonly hooks: CheckpointRequestExecutorHooks,
  ) {}

  get numQueuedRequests(): number {
    return this.decider.numQueuedRequests;
  }

  submit(request: SettleableTriggerRequest): void {
    if (this.closed) {
      request.reject(new CheckpointException(CheckpointFailureReason.CHECKPOINT_COORDINATOR_SHUTDOWN));
      return;
    }
    this.handle(this.decider.submit(request, this.deciderState()));
  }

  /** Triggers the next queued request if it may run now. */
  executeQueued(): void {
    if (!this.closed) this.handle(this.decider.next(this.deciderState()));
  }

  /** Fails the request being triggered and all queued ones; `close` refuses further requests. */
  abortAll(exception: CheckpointException, close: boolean): void {
    this.closed ||= close;
    this.epoch++;
    const triggering = this.triggering;
    this.triggering = undefined;
    triggering?.reject(exception);
    for (const request of this.decider.abortAll()) request.reject(exception);
  }

  private deciderState(): CheckpointRequestDeciderState {
    return { ...this.hooks.state(), isTriggering: this.triggering !== undefined };
  }

  private handle(decision: CheckpointRequestDecision<SettleableTriggerRequest>): void {
    switch (decision.type) {
      case 'trigger':
        this.background.run('triggering a checkpoint', () => this.startTriggering(decision.request));
        break;
      case 'wait':
        break;
      case 'skip-min-pause':
        decision.request.reject(
          new CheckpointException(CheckpointFailureReason.MINIMUM_TIME_BETWEEN_CHECKPOINTS),
        );
        this.hooks.onMinPause(decision.retryAfterMs);
        break;
      case 'skip-too-many-requests':
        decision.request.reject(
          new CheckpointException(CheckpointFailureReason.TOO_MANY_CHECKPOINT_REQUESTS),
        );
        break;
      default:
        assertNever(decision, 'checkpoint request decision');
    }
  }

  private async startTriggering(request: SettleableTriggerRequest): Promise<void> {
    this.triggering = request;
    const epoch = this.epoch;
    try {
      const creation = await this.factory.create(request.properties, () => epoch === this.epoch);
      switch (creation.type) {
        case 'created':
          this.hooks.onCreated(creation.pending, creation.options, request);
          break;
        case 'failed':
          request.reject(creation.exception);
          this.hooks.onNotStarted(request, creation.checkpointId, creation.exception);
          break;
        case 'abandoned':
          break;
        default:
          assertNever(creation, 'pending checkpoint creation');
      }
    } finally {
      if (epoch === this.epoch) {
        this.triggering = undefined;
        this.executeQueued();
      }
    }
  }
}
