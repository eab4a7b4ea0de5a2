/**
 * Interval join of two keyed streams (Flink's KeyedStream.IntervalJoin):
 * `a.intervalJoin(b).between(lower, upper).process(fn)` joins a and b elements with equal keys
 * where b.ts ∈ [a.ts + lower, a.ts + upper] (bounds exclusive on request).
 */
import { UserError } from '../../common/errors/freshet-error.js';
import type { ProcessJoinFunction } from '../functions/co-functions.js';
import type { SingleOutputStreamOperator } from './data-stream.js';
import { ConnectedStreams } from './connected-streams.js';
import type { KeyedStream } from './keyed-stream.js';
import type { OutputTag } from './output-tag.js';

export class IntervalJoin<T1, T2, K> {
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
  ) {}

  between(lowerBound: number, upperBound: number): IntervalJoined<T1, T2, K> {
    for (const [what, value] of [
      ['lower', lowerBound],
      ['upper', upperBound],
    ] as const) {
      if (!Number.isSafeInteger(value))
        throw new UserError('INVALID_INTERVAL', `the ${what} bound must be an integer of ms, got ${value}`);
    }
    if (lowerBound > upperBound) {
      throw new UserError(
        'INVALID_INTERVAL',
        `lowerBound <= upperBound must be fulfilled (lower ${lowerBound}, upper ${upperBound})`,
      );
    }
    return new IntervalJoined(this.left, this.right, lowerBound, upperBound);
  }
}

export class IntervalJoined<T1, T2, K> {
  private lowerExclusive = false;
  private upperExclusive = false;
  private leftLate: string | undefined;
  private rightLate: string | undefined;

  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
  ) {}

  lowerBoundExclusive(): this {
    this.lowerExclusive = true;
    return this;
  }

  upperBoundExclusive(): this {
    this.upperExclusive = true;
    return this;
  }

  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    this.leftLate = tag.id;
    return this;
  }

  sideOutputRightLateData(tag: OutputTag<T2>): this {
    this.rightLate = tag.id;
    return this;
  }

  process<R>(fn: ProcessJoinFunction<T1, T2, R>): SingleOutputStreamOperator<R> {
    if (typeof (fn as { processElement?: unknown } | null)?.processElement !== 'function') {
      throw new UserError('INVALID_FUNCTION', 'process() needs a ProcessJoinFunction with processElement');
    }
    const connected = new ConnectedStreams<T1, T2>(this.left, this.right, [
      this.left.getKeySelector(),
      this.right.getKeySelector(),
    ]);
    return connected.transform<R>('IntervalJoin', {
      kind: 'intervalJoin',
      join: {
        lowerBound: this.lowerExclusive ? this.lowerBound + 1 : this.lowerBound,
        upperBound: this.upperExclusive ? this.upperBound - 1 : this.upperBound,
        fn: fn,
        leftLateDataTag: this.leftLate,
        rightLateDataTag: this.rightLate,
      },
    });
  }
}
