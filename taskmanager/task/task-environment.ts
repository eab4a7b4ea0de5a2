import type { Pipeline } from '../../api/environment/execution-context.js';
import type { TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { NetworkEnvironment } from '../network/network-environment.js';

/** What the slot hands a task: its deployment, the rebuilt job, the network, and outlets. */
export interface TaskEnvironment {
  readonly tdd: TaskDeploymentDescriptor;
  readonly pipeline: Pipeline;
  readonly network: NetworkEnvironment;
  readonly segmentSize: number;
  clock(): number;
  writeStdout(text: string): void;
  sendToClient(operatorId: string, payload: unknown): void;
}
