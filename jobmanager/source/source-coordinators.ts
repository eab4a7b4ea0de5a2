/**
 * The source coordinators of one job on the thread that holds its pipeline (Flink's
 * OperatorCoordinatorHolders of the source vertices): one SourceCoordinator per source operator
 * whose Source has `createEnumerator`, commands dispatched to them, their outputs reported in order.
 * The in-process host of local mode, and the core of the coordinator worker thread.
 */
import type { Pipeline } from '../../api/environment/execution-context.js';
import { assertNever } from '../../common/errors/freshet-error.js';
import { serializeError } from '../../common/errors/serialized-error.js';
import type { SchedulerTimer } from '../scheduler/scheduler-timer.js';
import type {
  CoordinatorHostCommand,
  CoordinatorHostOutput,
  SourceCoordinatorHost,
} from './source-coordinator-host.js';
import { SourceCoordinator } from './source-coordinator.js';

export interface SourceCoordinatorsOptions {
  readonly pipeline: Pipeline;
  /** The job's effective configuration, as enumerator contexts show it. */
  readonly configuration: Readonly<Record<string, string>>;
  readonly timer: SchedulerTimer;
  readonly onOutput: (output: CoordinatorHostOutput) => void;
}

export class SourceCoordinators implements SourceCoordinatorHost {
  private readonly coordinators = new Map<string, SourceCoordinator>();
  private closed = false;

  constructor(private readonly options: SourceCoordinatorsOptions) {}

  start(states: ReadonlyMap<string, Uint8Array>): Promise<readonly string[]> {
    const { pipeline, configuration, timer, onOutput } = this.options;
    for (const vertex of pipeline.jobGraph.vertices) {
      const head = vertex.operators[0]!;
      const node = pipeline.streamGraph.nodes.get(head.nodeId);
      if (node?.operator.kind !== 'source') continue;
      const source = node.operator.source;
      if (source.createEnumerator === undefined) continue;
      const operatorId = head.operatorId;
      const coordinator = new SourceCoordinator({
        operatorName: head.name,
        source,
        parallelism: vertex.parallelism,
        configuration,
        timer,
        outputs: {
          sendEvent: (subtask, event) => onOutput({ type: 'event-to-reader', operatorId, subtask, event }),
          checkpointTaken: (checkpointId, state) =>
            onOutput({ type: 'checkpoint-taken', operatorId, checkpointId, state }),
          checkpointFailed: (checkpointId, error) =>
            onOutput({ type: 'checkpoint-failed', operatorId, checkpointId, error: serializeError(error) }),
          failJob: (error) =>
            onOutput({ type: 'coordinator-failed', operatorId, error: serializeError(error) }),
        },
      });
      this.coordinators.set(operatorId, coordinator);
      coordinator.start(states.get(operatorId));
    }
    return Promise.resolve([...this.coordinators.keys()]);
  }

  send(command: CoordinatorHostCommand): void {
    if (this.closed) return;
    switch (command.type) {
      case 'event-from-reader':
        this.coordinators.get(command.operatorId)?.handleEventFromOperator(command.subtask, command.event);
        return;
      case 'checkpoint':
        for (const coordinator of this.coordinators.values()) coordinator.checkpoint(command.checkpointId);
        return;
      case 'checkpoint-complete':
        for (const coordinator of this.coordinators.values())
          coordinator.notifyCheckpointComplete(command.checkpointId);
        return;
      case 'subtask-reset':
        for (const coordinator of this.coordinators.values()) coordinator.subtaskReset(command.checkpointId);
        return;
      default:
        assertNever(command, 'source coordinator command');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.coordinators.values()].map((coordinator) => coordinator.close()));
    this.coordinators.clear();
  }
}
