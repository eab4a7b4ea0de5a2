/**
 * StreamGraph → JobGraph: chains operators (forward edge, equal parallelism, same slot-sharing
 * group, single input, chaining allowed on both ends) and turns the remaining edges into
 * intermediate data sets. The graph hash covers every structural decision, none of the names.
 */
import { createHash } from 'node:crypto';
import { hashHex32, type IntermediateDataSetId, type JobVertexId } from '../../common/ids.js';
import type {
  ChainedOperator,
  IntermediateDataSet,
  JobConfig,
  JobEdge,
  JobGraph,
  JobVertex,
} from './job-graph.js';
import { breadthFirstOrder, computeOperatorIds } from './stream-graph-hasher.js';
import type { StreamEdge, StreamGraph, StreamNode } from './stream-graph.js';

export function isChainable(edge: StreamEdge, graph: StreamGraph): boolean {
  const upstream = graph.nodes.get(edge.sourceId)!;
  const downstream = graph.nodes.get(edge.targetId)!;
  return (
    downstream.inEdges.length === 1 &&
    edge.partitioner === 'forward' &&
    upstream.parallelism === downstream.parallelism &&
    upstream.slotSharingGroup === downstream.slotSharingGroup &&
    downstream.chainingStrategy === 'ALWAYS' &&
    upstream.chainingStrategy !== 'NEVER'
  );
}

export function createJobGraph(graph: StreamGraph, config: JobConfig): JobGraph {
  const operatorIds = computeOperatorIds(graph);
  const order = breadthFirstOrder(graph);

  // Chain heads: nodes whose single input edge is not chainable.
  const headOf = new Map<number, number>();
  for (const node of order) {
    const first = node.inEdges[0];
    const chainedIn = node.inEdges.length === 1 && first !== undefined && isChainable(first, graph);
    headOf.set(node.id, chainedIn ? headOf.get(first.sourceId)! : node.id);
  }

  const chainMembers = new Map<number, StreamNode[]>();
  for (const node of order) {
    const head = headOf.get(node.id)!;
    const members = chainMembers.get(head) ?? [];
    members.push(node);
    chainMembers.set(head, members);
  }

  const vertexIdOf = (nodeId: number): JobVertexId =>
    operatorIds.get(headOf.get(nodeId)!)! as string as JobVertexId;

  const vertices: JobVertex[] = [];
  for (const [headId, members] of chainMembers) {
    const head = members[0]!;
    const vertexId = vertexIdOf(headId);
    const indexInChain = new Map(members.map((m, i) => [m.id, i]));
    const producedDataSets: IntermediateDataSet[] = [];
    const operators: ChainedOperator[] = members.map((node, operatorIndex) => {
      const chainedOutputs = [];
      const networkOutputs = [];
      for (const edge of node.outEdges) {
        if (isChainable(edge, graph)) {
          chainedOutputs.push({ operatorIndex: indexInChain.get(edge.targetId)!, outputTag: edge.outputTag });
        } else {
          networkOutputs.push(producedDataSets.length);
          producedDataSets.push({
            id: hashHex32('dataset', vertexId, edge.id) as IntermediateDataSetId,
            producerOperatorIndex: operatorIndex,
            consumerVertexId: vertexIdOf(edge.targetId),
            partitioner: edge.partitioner,
            streamEdgeId: edge.id,
            outputTag: edge.outputTag,
          });
        }
      }
      return {
        operatorId: operatorIds.get(node.id)!,
        nodeId: node.id,
        name: node.name,
        uid: node.uid,
        kind: node.operator.kind,
        keyed: node.stateKeySelector !== undefined,
        chainedOutputs,
        networkOutputs,
      };
    });
    vertices.push({
      id: vertexId,
      name: chainName(members),
      parallelism: head.parallelism,
      maxParallelism: head.maxParallelism,
      slotSharingGroup: head.slotSharingGroup,
      operators,
      inputs: [],
      producedDataSets,
    });
  }

  // Wire inputs in the order of the head's input edges.
  const dataSetByEdge = new Map<string, { vertex: JobVertex; dataSet: IntermediateDataSet }>();
  for (const vertex of vertices) {
    for (const dataSet of vertex.producedDataSets)
      dataSetByEdge.set(dataSet.streamEdgeId, { vertex, dataSet });
  }
  const wired = vertices.map((vertex): JobVertex => {
    const head = graph.nodes.get(vertex.operators[0]!.nodeId)!;
    const inputs: JobEdge[] = head.inEdges.map((edge) => {
      const produced = dataSetByEdge.get(edge.id)!;
      return {
        dataSetId: produced.dataSet.id,
        sourceVertexId: produced.vertex.id,
        partitioner: edge.partitioner,
        inputIndex: edge.inputIndex,
      };
    });
    return { ...vertex, inputs };
  });

  const graphHash = hashJobGraph(wired);
  return { jobName: graph.jobName, graphHash, vertices: wired, config };
}

function chainName(members: readonly StreamNode[]): string {
  return members.map((m) => m.name).join(' -> ');
}

function hashJobGraph(vertices: readonly JobVertex[]): string {
  const hash = createHash('sha256');
  for (const v of vertices) {
    hash.update(JSON.stringify([v.id, v.parallelism, v.maxParallelism, v.slotSharingGroup]));
    for (const op of v.operators) {
      hash.update(JSON.stringify([op.operatorId, op.kind, op.keyed, op.chainedOutputs, op.networkOutputs]));
    }
    for (const input of v.inputs)
      hash.update(
        JSON.stringify([input.dataSetId, input.sourceVertexId, input.partitioner, input.inputIndex]),
      );
    for (const ds of v.producedDataSets)
      hash.update(JSON.stringify([ds.id, ds.partitioner, ds.outputTag ?? null]));
  }
  return hash.digest('hex').slice(0, 32);
}
