/** Maps an API operator kind to its implementation. */
import type { OperatorDescriptor } from '../../api/graph/operator-descriptor.js';
import type { SinkInitContext } from '../../api/connector/sink.js';
import { assertNever, FreshetError } from '../../common/errors/freshet-error.js';
import { copyUserFunction } from './abstract-udf-operator.js';
import { KeyedReduceOperator } from './keyed-reduce-operator.js';
import { ProcessOperator } from './process-operators.js';
import { StreamFilter, StreamFlatMap, StreamMap } from './simple-operators.js';
import { SinkWriterOperator } from './sink-writer-operator.js';
import { SourceOperator, TimestampsAndWatermarksOperator } from './source-operator.js';
import type { OperatorContext, StreamOperator } from './stream-operator.js';
import { createWindowOperator } from './windowing/create-window-operator.js';
import { CoProcessOperator } from './co/co-process-operator.js';
import { IntervalJoinOperator } from './co/interval-join-operator.js';

export function createOperator(
  descriptor: OperatorDescriptor,
  ctx: OperatorContext,
  sinkContext: () => SinkInitContext,
): StreamOperator {
  switch (descriptor.kind) {
    case 'source':
      return new SourceOperator(ctx, descriptor.watermarkStrategy);
    case 'timestampsAndWatermarks':
      return new TimestampsAndWatermarksOperator(ctx, descriptor.watermarkStrategy);
    case 'map':
      return new StreamMap(ctx, copyUserFunction(descriptor.fn));
    case 'flatMap':
      return new StreamFlatMap(ctx, copyUserFunction(descriptor.fn));
    case 'filter':
      return new StreamFilter(ctx, copyUserFunction(descriptor.fn));
    case 'process':
      return new ProcessOperator(ctx, copyUserFunction(descriptor.fn), false);
    case 'keyedProcess':
      return new ProcessOperator(ctx, copyUserFunction(descriptor.fn), true);
    case 'keyedReduce':
      if (ctx.keyedStateBackend === undefined) {
        throw new FreshetError('NOT_KEYED', `operator '${ctx.operatorName}' needs a keyed input`);
      }
      return new KeyedReduceOperator(ctx, copyUserFunction(descriptor.fn));
    case 'coMap':
    case 'coFlatMap':
    case 'coProcess':
    case 'keyedCoProcess':
      return new CoProcessOperator(ctx, copyUserFunction(descriptor.fn), descriptor.kind);
    case 'intervalJoin':
      return new IntervalJoinOperator(ctx, descriptor.join);
    case 'window':
      return createWindowOperator(ctx, descriptor.window);
    case 'sink':
      return new SinkWriterOperator(ctx, descriptor.sink, sinkContext());
    default:
      return assertNever(descriptor, 'operator kind');
  }
}
