/**
 * Slot sharing (Flink's default): within a slot-sharing group, subtask i of every vertex goes to
 * the group's i-th shared slot, so a group needs as many slots as its largest parallelism and a
 * whole pipeline slice runs in one slot. Pure.
 */
import type { JobVertex } from '../../api/graph/job-graph.js';

export interface SlotSharingPlan {
  readonly slotsNeeded: number;
  /** vertexId → subtask → index into the allocated slot list. */
  readonly placement: ReadonlyMap<string, readonly number[]>;
}

export function planSlotSharing(vertices: readonly JobVertex[]): SlotSharingPlan {
  const groupSize = new Map<string, number>();
  for (const v of vertices)
    groupSize.set(v.slotSharingGroup, Math.max(groupSize.get(v.slotSharingGroup) ?? 0, v.parallelism));
  const groupOffset = new Map<string, number>();
  let slotsNeeded = 0;
  for (const [group, size] of groupSize) {
    groupOffset.set(group, slotsNeeded);
    slotsNeeded += size;
  }
  const placement = new Map<string, number[]>();
  for (const v of vertices) {
    const offset = groupOffset.get(v.slotSharingGroup)!;
    placement.set(
      v.id,
      Array.from({ length: v.parallelism }, (_, i) => offset + i),
    );
  }
  return { slotsNeeded, placement };
}
