/**
 * Deterministic operator IDs (Flink's StreamGraphHasherV2 idea): an operator with a uid hashes
 * the uid alone, so it keeps its ID (and its state) across changes to the rest of the job; any
 * other operator hashes its position in a breadth-first traversal from the sources together with
 * its kind and its inputs' IDs.
 */
import { hashHex32, OperatorId } from '../../common/ids.js';
import type { StreamGraph, StreamNode } from './stream-graph.js';

export function computeOperatorIds(graph: StreamGraph): Map<number, OperatorId> {
  const ids = new Map<number, OperatorId>();
  const order = breadthFirstOrder(graph);
  order.forEach((node, position) => {
    if (node.uid !== undefined) {
      ids.set(node.id, OperatorId.fromUid(node.uid));
      return;
    }
    const inputs = node.inEdges.map((e) => ids.get(e.sourceId) ?? `pending:${e.sourceId}`);
    ids.set(node.id, hashHex32('node', String(position), node.operator.kind, ...inputs) as OperatorId);
  });
  return ids;
}

/** Sources in id order, then each node after all of its inputs, in discovery order. */
export function breadthFirstOrder(graph: StreamGraph): StreamNode[] {
  const order: StreamNode[] = [];
  const remainingInputs = new Map<number, number>();
  for (const node of graph.nodes.values()) remainingInputs.set(node.id, node.inEdges.length);
  const queue = [...graph.sourceIds];
  while (queue.length > 0) {
    const node = graph.nodes.get(queue.shift()!)!;
    order.push(node);
    for (const edge of node.outEdges) {
      const left = remainingInputs.get(edge.targetId)! - 1;
      remainingInputs.set(edge.targetId, left);
      if (left === 0) queue.push(edge.targetId);
    }
  }
  return order;
}
