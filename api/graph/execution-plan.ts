/**
 * The StreamGraph as Flink's JSON execution plan (what `flink info` prints and the plan
 * visualizer reads): nodes with id, type, pact, contents, parallelism and predecessors.
 */
import { SHIP_STRATEGY } from './partitioner.js';
import type { StreamGraph } from './stream-graph.js';

export interface PlanNode {
  readonly id: number;
  readonly type: string;
  readonly pact: 'Data Source' | 'Operator' | 'Data Sink';
  readonly contents: string;
  readonly parallelism: number;
  readonly predecessors?: ReadonlyArray<{
    readonly id: number;
    readonly ship_strategy: string;
    readonly side: 'second';
  }>;
}

export function executionPlan(graph: StreamGraph): { readonly nodes: PlanNode[] } {
  const nodes: PlanNode[] = [];
  for (const node of [...graph.nodes.values()].sort((a, b) => a.id - b.id)) {
    const pact =
      node.operator.kind === 'source'
        ? 'Data Source'
        : node.operator.kind === 'sink'
          ? 'Data Sink'
          : 'Operator';
    const base = {
      id: node.id,
      type: node.name,
      pact,
      contents: node.name,
      parallelism: node.parallelism,
    } as const;
    nodes.push(
      node.inEdges.length === 0
        ? base
        : {
            ...base,
            predecessors: node.inEdges.map((e) => ({
              id: e.sourceId,
              ship_strategy: SHIP_STRATEGY[e.partitioner],
              side: 'second' as const,
            })),
          },
    );
  }
  return { nodes };
}
