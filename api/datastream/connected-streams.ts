/**
 * Two streams connected for a two-input operator (Flink's ConnectedStreams): map/flatMap/process
 * see each input through its own method; after keyBy(key1, key2) both inputs are partitioned by
 * key and a KeyedCoProcessFunction gets keyed state and timers shared by both inputs.
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type {
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFunction,
  KeyedCoProcessFunction,
} from '../functions/co-functions.js';
import { resolveMethod, type KeySelector } from '../functions/functions.js';
import type { OperatorDescriptor } from '../graph/operator-descriptor.js';
import { DataStream, SingleOutputStreamOperator } from './data-stream.js';

export class ConnectedStreams<IN1, IN2> {
  constructor(
    readonly first: DataStream<IN1>,
    readonly second: DataStream<IN2>,
    private readonly keys?: readonly [(value: IN1) => unknown, (value: IN2) => unknown],
  ) {
    if (first.environment !== second.environment) {
      throw new UserError('FOREIGN_STREAM', 'cannot connect streams from different execution environments');
    }
  }

  getFirstInput(): DataStream<IN1> {
    return this.first;
  }

  getSecondInput(): DataStream<IN2> {
    return this.second;
  }

  keyBy<K>(key1: KeySelector<IN1, K>, key2: KeySelector<IN2, K>): ConnectedStreams<IN1, IN2> {
    const k1 = resolveMethod<(v: IN1) => K>(key1, 'getKey', 'keyBy key selector');
    const k2 = resolveMethod<(v: IN2) => K>(key2, 'getKey', 'keyBy key selector');
    return new ConnectedStreams(this.first.keyBy(k1), this.second.keyBy(k2), [k1, k2]);
  }

  map<R>(fn: CoMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Map', { kind: 'coMap', fn: fn });
  }

  flatMap<R>(fn: CoFlatMapFunction<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return this.transform('Co-Flat Map', { kind: 'coFlatMap', fn: fn });
  }

  process<R>(
    fn: CoProcessFunction<IN1, IN2, R> | KeyedCoProcessFunction<unknown, IN1, IN2, R>,
  ): SingleOutputStreamOperator<R> {
    if (this.keys !== undefined) {
      return this.transform('KeyedCoProcess', {
        kind: 'keyedCoProcess',
        fn: fn,
      });
    }
    return this.transform('Co-Process', { kind: 'coProcess', fn: fn });
  }

  /** @internal Adds a two-input operator over the two inputs. */
  transform<R>(name: string, operator: OperatorDescriptor): SingleOutputStreamOperator<R> {
    const env = this.first.environment;
    const t = env.addOperator(
      name,
      [this.first.transformation, this.second.transformation],
      operator,
      this.keys?.[0] as ((v: unknown) => unknown) | undefined,
      this.keys?.[1] as ((v: unknown) => unknown) | undefined,
    );
    return new SingleOutputStreamOperator<R>(env, t);
  }
}

DataStream.connectedStreamsConstructor = ConnectedStreams;
