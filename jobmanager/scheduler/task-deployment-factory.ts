/**
 * Builds the TaskDeploymentDescriptors of a job once its subtasks are placed: which subpartitions
 * each producer creates and which producer subpartitions each consumer channel reads (all-to-all
 * or point-wise, as the partitioner says). Pure.
 */
import type { JobGraph, JobVertex } from '../../api/graph/job-graph.js';
import { isPointwise, pointwiseSources, pointwiseTargets } from '../../api/graph/partitioner.js';
import type { ExecutionAttemptId } from '../../common/ids.js';
import type {
  InputGateDeploymentDescriptor,
  JobInformation,
  ResultPartitionDeploymentDescriptor,
  TaskDeploymentDescriptor,
  TaskLocation,
} from '../../common/protocol/task-deployment.js';

export interface SubtaskPlacement {
  location(vertexId: string, subtask: number): TaskLocation;
  attemptId(vertexId: string, subtask: number): ExecutionAttemptId;
  attemptNumber(vertexId: string, subtask: number): number;
}

export function createTaskDeployment(
  job: JobInformation,
  graph: JobGraph,
  vertex: JobVertex,
  subtask: number,
  placement: SubtaskPlacement,
): TaskDeploymentDescriptor {
  const byId = new Map(graph.vertices.map((v) => [v.id as string, v]));

  const producedPartitions: ResultPartitionDeploymentDescriptor[] = vertex.producedDataSets.map(
    (ds, index) => {
      const consumer = byId.get(ds.consumerVertexId)!;
      const numberOfSubpartitions = isPointwise(ds.partitioner)
        ? pointwiseTargets(subtask, vertex.parallelism, consumer.parallelism).length
        : consumer.parallelism;
      return {
        partitionId: {
          dataSetId: ds.id,
          producerSubtask: subtask,
          producerAttempt: placement.attemptNumber(vertex.id, subtask),
        },
        dataSetIndex: index,
        numberOfSubpartitions,
      };
    },
  );

  const inputGates: InputGateDeploymentDescriptor[] = vertex.inputs.map((edge) => {
    const producer = byId.get(edge.sourceVertexId)!;
    const producers = isPointwise(edge.partitioner)
      ? pointwiseSources(subtask, producer.parallelism, vertex.parallelism)
      : Array.from({ length: producer.parallelism }, (_, j) => j);
    return {
      dataSetId: edge.dataSetId,
      inputIndex: edge.inputIndex,
      channels: producers.map((j) => ({
        partitionId: {
          dataSetId: edge.dataSetId,
          producerSubtask: j,
          producerAttempt: placement.attemptNumber(producer.id, j),
        },
        producerLocation: plainLocation(placement.location(producer.id, j)),
        subpartitionIndex: isPointwise(edge.partitioner)
          ? pointwiseTargets(j, producer.parallelism, vertex.parallelism).indexOf(subtask)
          : subtask,
      })),
    };
  });

  const attemptNumber = placement.attemptNumber(vertex.id, subtask);
  return {
    job,
    vertexId: vertex.id,
    executionAttemptId: placement.attemptId(vertex.id, subtask),
    subtaskIndex: subtask,
    attemptNumber,
    parallelism: vertex.parallelism,
    maxParallelism: vertex.maxParallelism,
    taskName: `${vertex.name} (${subtask + 1}/${vertex.parallelism})#${attemptNumber}`,
    slotIndex: placement.location(vertex.id, subtask).slotIndex,
    inputGates,
    producedPartitions,
  };
}

/** Only the address: the placement may carry more (a gateway) that must not travel. */
function plainLocation(location: TaskLocation): TaskLocation {
  const plain = { taskManagerId: location.taskManagerId, slotIndex: location.slotIndex };
  return location.dataAddress === undefined ? plain : { ...plain, dataAddress: location.dataAddress };
}
