/** Maps an API operator kind to its implementation. */
import type { OperatorDescriptor } from '../../api/graph/operator-descriptor.js';
import type { SinkInitContext } from '../../api/connector/sink.js';
import { assertNever, FreshetError } from '../../common/errors/freshet-error.js';
import { KeyedReduceOperator } from './keyed-reduce-operator.js';
import { ProcessOperator } from './process-operators.js';
import { StreamFilter, StreamFlatMap, StreamMap } from './simple-operators.js';
import { SinkWriterOperator } from './sink-writer-operator.js';
import type { OperatorContext, StreamOperator } from './stream-operator.js';

/** The head of a source chain: records come from the task's reader, this only forwards them. */
export class SourceOperator implements StreamOperator {
  constructor(private readonly ctx: OperatorContext) {}
  async open(): Promise<void> {}
  processElement(value: unknown, timestamp: number | undefined): void {
    this.ctx.output.collect(value, timestamp);
  }
  async endInput(): Promise<void> {}
  async close(): Promise<void> {}
}

export function createOperator(
  descriptor: OperatorDescriptor,
  ctx: OperatorContext,
  sinkContext: () => SinkInitContext,
): StreamOperator {
  switch (descriptor.kind) {
    case 'source':
      return new SourceOperator(ctx);
    case 'map':
      return new StreamMap(ctx, descriptor.fn);
    case 'flatMap':
      return new StreamFlatMap(ctx, descriptor.fn);
    case 'filter':
      return new StreamFilter(ctx, descriptor.fn);
    case 'process':
      return new ProcessOperator(ctx, descriptor.fn, false);
    case 'keyedProcess':
      return new ProcessOperator(ctx, descriptor.fn, true);
    case 'keyedReduce':
      if (ctx.keyedStateBackend === undefined) {
        throw new FreshetError('NOT_KEYED', `operator '${ctx.operatorName}' needs a keyed input`);
      }
      return new KeyedReduceOperator(ctx, descriptor.fn);
    case 'sink':
      return new SinkWriterOperator(descriptor.sink, sinkContext());
    default:
      return assertNever(descriptor, 'operator kind');
  }
}
