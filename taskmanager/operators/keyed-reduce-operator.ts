/**
 * Rolling reduce per key (Flink's StreamGroupedReduceOperator): keeps the reduced value in keyed
 * value state and emits the new value for every record. Backs reduce/sum/min/max/minBy/maxBy.
 */
import { resolveMethod } from '../../api/functions/functions.js';
import type { ValueState } from '../../api/state/state.js';
import { ValueStateDescriptor } from '../../api/state/state-descriptor.js';
import { AbstractUdfOperator } from './abstract-udf-operator.js';
import type { OperatorContext } from './stream-operator.js';

const STATE_NAME = '_op_state';

export class KeyedReduceOperator extends AbstractUdfOperator {
  private readonly reduce: (a: unknown, b: unknown) => unknown;
  private state!: ValueState<unknown>;

  constructor(ctx: OperatorContext, userFunction: unknown) {
    super(ctx, userFunction);
    this.reduce = resolveMethod(userFunction as (a: unknown, b: unknown) => unknown, 'reduce', 'reduce()');
  }

  override async open(): Promise<void> {
    await super.open();
    this.state = this.ctx.runtimeContext.getState(new ValueStateDescriptor<unknown>(STATE_NAME));
  }

  processElement(value: unknown, timestamp: number | undefined): void {
    let next: unknown;
    try {
      this.setKeyContext(value);
      const current = this.state.value();
      next = current === undefined ? value : this.reduce(current, value);
      this.state.update(next);
    } catch (error) {
      throw this.fail(error);
    }
    this.out.collect(next, timestamp);
  }
}
