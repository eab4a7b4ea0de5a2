import { checkParallelism, checkUid } from '../environment/execution-config.js';
import type { OperatorTransformation } from '../graph/transformation.js';

/** The end of a pipeline; settings of the sink operator (Flink's DataStreamSink). */
export class DataStreamSink<T> {
  declare readonly __type?: T;

  constructor(readonly transformation: OperatorTransformation) {}

  name(name: string): this {
    this.transformation.name = name;
    return this;
  }

  uid(uid: string): this {
    this.transformation.uid = checkUid(uid);
    return this;
  }

  setParallelism(parallelism: number): this {
    this.transformation.parallelism = checkParallelism(parallelism);
    return this;
  }

  slotSharingGroup(group: string): this {
    this.transformation.slotSharingGroup = group;
    return this;
  }

  disableChaining(): this {
    this.transformation.chainingStrategy = 'NEVER';
    return this;
  }
}
