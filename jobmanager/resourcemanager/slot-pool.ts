/**
 * The slots TaskManagers offered (a minimal resource manager + slot pool): which are free, and
 * which job holds which. Allocation is all-or-nothing per job.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId, ResourceId } from '../../common/ids.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { DataAddress, TaskLocation } from '../../common/protocol/task-deployment.js';

export interface AllocatedSlot extends TaskLocation {
  readonly gateway: TaskExecutorGateway;
}

export class SlotPool {
  private readonly taskManagers = new Map<
    ResourceId,
    { gateway: TaskExecutorGateway; slots: (JobId | undefined)[]; dataAddress: DataAddress | undefined }
  >();

  /** `dataAddress`: where the TaskManager serves result partitions to other TaskManagers. */
  registerTaskManager(
    id: ResourceId,
    gateway: TaskExecutorGateway,
    numberOfSlots: number,
    dataAddress?: DataAddress,
  ): void {
    this.taskManagers.set(id, {
      gateway,
      slots: new Array<JobId | undefined>(numberOfSlots).fill(undefined),
      dataAddress,
    });
  }

  unregisterTaskManager(id: ResourceId): void {
    this.taskManagers.delete(id);
  }

  totalSlots(): number {
    let n = 0;
    for (const tm of this.taskManagers.values()) n += tm.slots.length;
    return n;
  }

  freeSlots(): number {
    let n = 0;
    for (const tm of this.taskManagers.values()) n += tm.slots.filter((s) => s === undefined).length;
    return n;
  }

  allocate(jobId: JobId, count: number): AllocatedSlot[] {
    const free: AllocatedSlot[] = [];
    for (const [taskManagerId, tm] of this.taskManagers) {
      tm.slots.forEach((holder, slotIndex) => {
        if (holder !== undefined) return;
        const base = { taskManagerId, slotIndex, gateway: tm.gateway };
        free.push(tm.dataAddress === undefined ? base : { ...base, dataAddress: tm.dataAddress });
      });
    }
    if (free.length < count) {
      throw new UserError(
        'NOT_ENOUGH_SLOTS',
        `not enough slots: need ${count}, have ${free.length} free of ${this.totalSlots()}`,
        { retryable: true },
      );
    }
    const chosen = free.slice(0, count);
    for (const slot of chosen) this.taskManagers.get(slot.taskManagerId)!.slots[slot.slotIndex] = jobId;
    return chosen;
  }

  release(jobId: JobId): void {
    for (const tm of this.taskManagers.values()) {
      tm.slots.forEach((holder, i) => {
        if (holder === jobId) tm.slots[i] = undefined;
      });
    }
  }
}
