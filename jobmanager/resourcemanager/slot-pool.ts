/**
 * The slots TaskManagers offered (a minimal resource manager + slot pool): which are free, and
 * which job holds which. Allocation is all-or-nothing per job. Listeners hear when slots may have
 * become available (a TaskManager registered, or a job released its slots), so a job waiting for
 * slots can try again.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { JobId, ResourceId } from '../../common/ids.js';
import type { TaskExecutorGateway } from '../../common/protocol/gateways.js';
import type { DataAddress, TaskLocation } from '../../common/protocol/task-deployment.js';

export interface AllocatedSlot extends TaskLocation {
  readonly gateway: TaskExecutorGateway;
}

/** Called when free slots may have appeared; it may allocate right away. */
export type SlotAvailabilityListener = () => void;

interface RegisteredTaskManager {
  readonly gateway: TaskExecutorGateway;
  readonly slots: (JobId | undefined)[];
  readonly dataAddress: DataAddress | undefined;
}

export class SlotPool {
  private readonly taskManagers = new Map<ResourceId, RegisteredTaskManager>();
  private readonly listeners = new Set<SlotAvailabilityListener>();

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
    this.notifyListeners();
  }

  /** Forgets the TaskManager and its slots (jobs holding some must fail over); whether it was known. */
  unregisterTaskManager(id: ResourceId): boolean {
    return this.taskManagers.delete(id);
  }

  /** The gateway of a registered TaskManager. */
  gatewayOf(id: ResourceId): TaskExecutorGateway | undefined {
    return this.taskManagers.get(id)?.gateway;
  }

  numberOfTaskManagers(): number {
    return this.taskManagers.size;
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

  /** `count` free slots for the job, or undefined (and nothing allocated) when fewer are free. */
  tryAllocate(jobId: JobId, count: number): AllocatedSlot[] | undefined {
    const free: AllocatedSlot[] = [];
    for (const [taskManagerId, tm] of this.taskManagers) {
      tm.slots.forEach((holder, slotIndex) => {
        if (holder !== undefined) return;
        const base = { taskManagerId, slotIndex, gateway: tm.gateway };
        free.push(tm.dataAddress === undefined ? base : { ...base, dataAddress: tm.dataAddress });
      });
    }
    if (free.length < count) return undefined;
    const chosen = free.slice(0, count);
    for (const slot of chosen) this.taskManagers.get(slot.taskManagerId)!.slots[slot.slotIndex] = jobId;
    return chosen;
  }

  /** Like `tryAllocate`, but throws a retryable NOT_ENOUGH_SLOTS error when too few are free. */
  allocate(jobId: JobId, count: number): AllocatedSlot[] {
    const slots = this.tryAllocate(jobId, count);
    if (slots === undefined) {
      throw new UserError(
        'NOT_ENOUGH_SLOTS',
        `not enough slots: need ${count}, have ${this.freeSlots()} free of ${this.totalSlots()}`,
        { retryable: true },
      );
    }
    return slots;
  }

  /** Frees every slot the job holds; listeners hear of it when any was held. */
  release(jobId: JobId): void {
    let released = false;
    for (const tm of this.taskManagers.values()) {
      tm.slots.forEach((holder, i) => {
        if (holder !== jobId) return;
        tm.slots[i] = undefined;
        released = true;
      });
    }
    if (released) this.notifyListeners();
  }

  /** Returns the function that removes the listener. */
  addSlotAvailabilityListener(listener: SlotAvailabilityListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notifyListeners(): void {
    for (const listener of [...this.listeners]) {
      if (this.listeners.has(listener)) listener();
    }
  }
}
