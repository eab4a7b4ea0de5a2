/** A JobVertex as a node of Flink's job plan (`/jobs/:jobid` `plan.nodes`). */
import type { JobVertex } from '../../api/graph/job-graph.js';
import { SHIP_STRATEGY } from '../../api/graph/partitioner.js';
import type { PlanNode } from './rest-backend.js';

/** Network exchanges are pipelined over bounded buffers (Flink's `pipelined_bounded`). */
const EXCHANGE_MODE = 'pipelined_bounded';

export function planNode(vertex: JobVertex): PlanNode {
  return {
    id: vertex.id,
    parallelism: vertex.parallelism,
    operator: '',
    operatorStrategy: '',
    description: vertex.name,
    inputs: vertex.inputs.map((edge, num) => ({
      id: edge.sourceVertexId,
      num,
      shipStrategy: SHIP_STRATEGY[edge.partitioner],
      exchange: EXCHANGE_MODE,
    })),
  };
}
