/**
 * State TTL through a real job on the in-process mini-cluster: a KeyedProcessFunction with two value
 * states, one with a short TTL and one with a long one. After the first record of a key the
 * function waits (on the clock, with a deadline) until the short TTL has passed, so the second
 * record of that key must see the short-lived value gone and the long-lived one still there.
 */
import { describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  StateTtlConfig,
  StreamExecutionEnvironment,
  Time,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ValueState,
} from 'freshet';

const SHORT_TTL_MS = 20;

class RememberLast extends KeyedProcessFunction<string, [string, number], string> {
  private short!: ValueState<number>;
  private long!: ValueState<number>;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.short = ctx.getState(
      new ValueStateDescriptor<number>('short').enableTimeToLive(
        StateTtlConfig.newBuilder(SHORT_TTL_MS).build(),
      ),
    );
    this.long = ctx.getState(
      new ValueStateDescriptor<number>('long').enableTimeToLive(
        StateTtlConfig.newBuilder(Time.hours(1)).build(),
      ),
    );
  }

  processElement(
    [key, value]: [string, number],
    _ctx: KeyedProcessContext<string>,
    out: Collector<string>,
  ): void {
    out.collect(`${key}${value}: short=${this.short.value()} long=${this.long.value()}`);
    this.short.update(value);
    this.long.update(value);
    // Wait until the short TTL has certainly passed since the write: a condition on the clock that
    // holds after SHORT_TTL_MS, not a sleep the next record's outcome depends on by luck.
    const expiresBy = Date.now() + SHORT_TTL_MS;
    while (Date.now() < expiresBy) {
      // spin: the test's input is bounded, so this runs once per key
    }
  }
}

describe('state TTL in a job', () => {
  it('a value state with TTL reads as absent once its TTL has passed; a longer TTL keeps its value', async () => {
    const env = new StreamExecutionEnvironment();
    env.setParallelism(1);
    const out = await env
      .fromElements<[string, number]>(['a', 1], ['a', 2], ['b', 1])
      .keyBy(([key]) => key)
      .process(new RememberLast())
      .executeAndCollect();
    expect(out).toEqual([
      'a1: short=undefined long=undefined',
      'a2: short=undefined long=1',
      'b1: short=undefined long=undefined',
    ]);
  });
});
