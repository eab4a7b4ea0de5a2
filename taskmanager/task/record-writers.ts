/** The record writers of a task: one per produced data set, with its channel selector. */
import { ChannelSelector } from '../../api/graph/partitioner.js';
import type { JobVertex } from '../../api/graph/job-graph.js';
import { RecordWriter } from '../network/partition/record-writer.js';
import type { TaskEnvironment } from './task-environment.js';

export function createRecordWriters(env: TaskEnvironment, vertex: JobVertex): RecordWriter[] {
  const { tdd, pipeline, network } = env;
  return tdd.producedPartitions.map((pd) => {
    const dataSet = vertex.producedDataSets[pd.dataSetIndex]!;
    const consumer = pipeline.jobGraph.vertices.find((v) => v.id === dataSet.consumerVertexId)!;
    const edge = pipeline.streamGraph.nodes
      .get(vertex.operators[dataSet.producerOperatorIndex]!.nodeId)!
      .outEdges.find((e) => e.id === dataSet.streamEdgeId)!;
    const selector = new ChannelSelector(
      dataSet.partitioner,
      pd.numberOfSubpartitions,
      tdd.subtaskIndex,
      consumer.maxParallelism,
      edge.keySelector as ((record: unknown) => unknown) | undefined,
    );
    const partition = network.createResultPartition(pd.partitionId, pd.numberOfSubpartitions);
    return new RecordWriter(
      partition,
      selector,
      env.segmentSize,
      pipeline.jobGraph.config.bufferTimeoutMs === 0,
    );
  });
}
