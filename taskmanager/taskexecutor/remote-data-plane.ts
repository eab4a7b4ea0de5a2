/**
 * The TaskManager's side of the data plane between TaskManagers: the TCP transport serving this
 * TaskManager's result partitions, the addresses of the other TaskManagers (learned from task
 * deployments), and delivery of inbound messages to the slot they are for.
 */
import type { NetworkMessage } from '../../common/protocol/network-messages.js';
import type { DataAddress, TaskDeploymentDescriptor } from '../../common/protocol/task-deployment.js';
import type { FreshetError } from '../../common/errors/freshet-error.js';
import type { NetworkConnection } from '../network/transport/network-connection.js';
import { TcpTransport, taskManagerOfLocation } from '../network/transport/tcp-transport.js';

/** Used when replying to a TaskManager that connected to us: the transport reuses that socket. */
const UNKNOWN_ADDRESS: DataAddress = { host: '', port: 0 };

export class RemoteDataPlane {
  private readonly transport: TcpTransport;
  private readonly addresses = new Map<string, DataAddress>();
  private readonly connections = new Map<string, NetworkConnection>();

  constructor(
    readonly taskManagerId: string,
    deliver: (slotIndex: number, message: NetworkMessage) => void,
    onError: (error: FreshetError) => void,
  ) {
    this.transport = new TcpTransport(taskManagerId);
    this.transport.onMessage((to, _from, message) => deliver(slotIndexOf(to), message));
    this.transport.onError((error) => onError(error));
  }

  listen(host: string, port: number): Promise<number> {
    return this.transport.listen(host, port);
  }

  /** Remembers where the producers of a deployed task live. */
  learnAddresses(tdd: TaskDeploymentDescriptor): void {
    for (const gate of tdd.inputGates) {
      for (const channel of gate.channels) {
        const location = channel.producerLocation;
        if (location.dataAddress !== undefined)
          this.addresses.set(location.taskManagerId, location.dataAddress);
      }
    }
  }

  isRemote(location: string): boolean {
    return taskManagerOfLocation(location) !== this.taskManagerId;
  }

  /** The connection from a local slot to a slot of another TaskManager. */
  connection(from: string, to: string): NetworkConnection {
    const key = `${from}>${to}`;
    let connection = this.connections.get(key);
    if (connection === undefined) {
      const address = this.addresses.get(taskManagerOfLocation(to)) ?? UNKNOWN_ADDRESS;
      connection = this.transport.connectionTo(from, to, address);
      this.connections.set(key, connection);
    }
    return connection;
  }

  /** Frames waiting for 'drain' (a gauge). */
  queuedFrames(): number {
    return this.transport.queuedFrames();
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

function slotIndexOf(location: string): number {
  return Number(location.slice(location.lastIndexOf('/') + 1));
}
