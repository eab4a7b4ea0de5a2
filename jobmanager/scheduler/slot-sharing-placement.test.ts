import { describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, type JobGraph, type JobVertex } from 'freshet';
import type { JobVertexId } from '../../common/ids.js';
import { planSlotSharing } from './slot-sharing-placement.js';

function vertex(id: string, parallelism: number, slotSharingGroup = 'default'): JobVertex {
  return {
    id: id as JobVertexId,
    name: id,
    parallelism,
    maxParallelism: 128,
    slotSharingGroup,
    operators: [],
    inputs: [],
    producedDataSets: [],
  };
}

describe('planSlotSharing', () => {
  it('one group needs as many slots as its largest parallelism', () => {
    const plan = planSlotSharing([vertex('a', 1), vertex('b', 4), vertex('c', 2)]);
    expect(plan.slotsNeeded).toBe(4);
    expect(plan.placement.get('a')).toEqual([0]);
    expect(plan.placement.get('b')).toEqual([0, 1, 2, 3]);
    expect(plan.placement.get('c')).toEqual([0, 1]);
  });

  it('groups add up: the max parallelism of each group, summed', () => {
    const plan = planSlotSharing([
      vertex('a', 2, 'default'),
      vertex('b', 3, 'x'),
      vertex('c', 1, 'default'),
      vertex('d', 5, 'y'),
      vertex('e', 4, 'x'),
    ]);
    expect(plan.slotsNeeded).toBe(2 + 4 + 5);
    // Groups get disjoint, contiguous slot ranges in order of first appearance.
    expect(plan.placement.get('a')).toEqual([0, 1]);
    expect(plan.placement.get('c')).toEqual([0]);
    expect(plan.placement.get('b')).toEqual([2, 3, 4]);
    expect(plan.placement.get('e')).toEqual([2, 3, 4, 5]);
    expect(plan.placement.get('d')).toEqual([6, 7, 8, 9, 10]);
  });

  it('subtask i of every vertex in a group shares slot i of the group; no slot is out of range', () => {
    const vertices = [vertex('a', 3, 'g1'), vertex('b', 3, 'g1'), vertex('c', 2, 'g2'), vertex('d', 1, 'g1')];
    const plan = planSlotSharing(vertices);
    for (const v of vertices) {
      const slots = plan.placement.get(v.id)!;
      expect(slots).toHaveLength(v.parallelism);
      expect(new Set(slots).size).toBe(v.parallelism); // one subtask of a vertex per slot
      for (const s of slots) expect(s >= 0 && s < plan.slotsNeeded).toBe(true);
    }
    const g1 = ['a', 'b', 'd'].map((id) => plan.placement.get(id)!);
    for (let i = 0; i < 3; i++) {
      const slotsOfSubtask = g1.filter((slots) => slots.length > i).map((slots) => slots[i]);
      expect(new Set(slotsOfSubtask).size).toBe(1);
    }
    const g2 = plan.placement.get('c')!;
    for (const s of g2) expect(plan.placement.get('a')!.includes(s)).toBe(false);
  });

  it('an empty job needs no slots', () => {
    expect(planSlotSharing([]).slotsNeeded).toBe(0);
  });

  it("works on a real job graph: slotSharingGroup() adds the group's slots", () => {
    const env = new StreamExecutionEnvironment({ mode: 'capture', onPipeline: () => {} });
    env.setParallelism(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .setParallelism(3)
      .keyBy((x) => x)
      .reduce((a, b) => a + b)
      .setParallelism(4)
      .slotSharingGroup('heavy');
    const graph: JobGraph = env.getPipeline().jobGraph;
    expect(graph.vertices.map((v) => [v.parallelism, v.slotSharingGroup])).toEqual([
      [2, 'default'],
      [3, 'default'],
      [4, 'heavy'],
    ]);
    expect(planSlotSharing(graph.vertices).slotsNeeded).toBe(3 + 4);
  });
});
