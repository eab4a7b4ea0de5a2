/**
 * What the JobManager knows about each registered TaskManager for `/taskmanagers`: where it is,
 * how many slots it has and how many are free (from its slot reports), and when it last answered
 * a heartbeat.
 */
import type { ResourceId } from '../../common/ids.js';
import type { SlotReport } from '../../common/protocol/rpc-messages.js';

export interface TaskManagerInfo {
  readonly id: ResourceId;
  readonly host: string;
  readonly dataPort: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
  readonly registeredAt: number;
  readonly lastHeartbeat: number;
}

export class TaskManagerRegistry {
  private readonly taskManagers = new Map<ResourceId, TaskManagerInfo>();

  constructor(private readonly clock: () => number = Date.now) {}

  register(id: ResourceId, host: string, dataPort: number, slotsNumber: number): void {
    const now = this.clock();
    this.taskManagers.set(id, {
      id,
      host,
      dataPort,
      slotsNumber,
      freeSlots: slotsNumber,
      registeredAt: now,
      lastHeartbeat: now,
    });
  }

  unregister(id: ResourceId): void {
    this.taskManagers.delete(id);
  }

  onSlotReport(id: ResourceId, report: SlotReport): void {
    const info = this.taskManagers.get(id);
    if (info === undefined) return;
    const freeSlots = report.slots.filter((slot) => slot.jobId === null).length;
    this.taskManagers.set(id, { ...info, freeSlots, lastHeartbeat: this.clock() });
  }

  list(): TaskManagerInfo[] {
    return [...this.taskManagers.values()];
  }

  size(): number {
    return this.taskManagers.size;
  }
}
