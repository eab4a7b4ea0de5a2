/**
 * In-memory keyed state for one key, partitioned by namespace (a window's namespace string): the
 * state half of TestingTriggerContext. Entries exist only while they hold a value, so tests can
 * count them the way Flink's trigger tests count state entries.
 */
import { resolveMethod, type ReduceFunction } from '../../functions/functions.js';
import {
  StateKind,
  type AggregatingStateDescriptor,
  type AnyStateDescriptor,
  type StateDescriptor,
} from '../../state/state-descriptor.js';
import type { State } from '../../state/state.js';
import { FreshetError } from '../../../common/errors/freshet-error.js';

export class TestingStateStore {
  /** namespace → state name → raw value (list: array, map: Map, aggregating: accumulator). */
  private readonly entries = new Map<string, Map<string, unknown>>();

  getState<S extends State>(namespace: string, descriptor: StateDescriptor): S {
    const d = descriptor as AnyStateDescriptor;
    const read = (): unknown => this.entries.get(namespace)?.get(d.name);
    const write = (value: unknown): void => this.write(namespace, d.name, value);
    const clear = (): void => this.write(namespace, d.name, undefined);
    switch (d.kind) {
      case StateKind.value:
        return { value: () => read() ?? d.defaultValue, update: write, clear } as unknown as S;
      case StateKind.list:
        return {
          get: () => [...((read() as unknown[] | undefined) ?? [])],
          add: (v: unknown) => write([...((read() as unknown[] | undefined) ?? []), v]),
          addAll: (vs: Iterable<unknown>) => write([...((read() as unknown[] | undefined) ?? []), ...vs]),
          update: (vs: Iterable<unknown>) => write([...vs]),
          clear,
        } as unknown as S;
      case StateKind.map:
        return mapState(read as () => Map<unknown, unknown> | undefined, write, clear) as unknown as S;
      case StateKind.reducing: {
        const reduce = resolveReduce(d.reduceFunction);
        return {
          get: () => read(),
          add: (v: unknown) => {
            const current = read();
            write(current === undefined ? v : reduce(current, v));
          },
          clear,
        } as unknown as S;
      }
      case StateKind.aggregating: {
        const fn = d.aggregateFunction;
        return {
          get: () => {
            const acc = read();
            return acc === undefined ? undefined : fn.getResult(acc);
          },
          add: (v: unknown) => write(fn.add(v, read() ?? fn.createAccumulator())),
          clear,
        } as unknown as S;
      }
    }
  }

  /**
   * Folds the state `descriptor` holds in each of `sources` into `target` and removes it from the
   * sources (a source may be the target itself). Value and map state cannot be merged.
   */
  mergeNamespaces(target: string, sources: readonly string[], descriptor: StateDescriptor): void {
    const d = descriptor as AnyStateDescriptor;
    const combine = mergeFunction(d);
    let merged: unknown = undefined;
    for (const source of sources) {
      const value = this.entries.get(source)?.get(d.name);
      this.write(source, d.name, undefined);
      if (value !== undefined) merged = merged === undefined ? value : combine(merged, value);
    }
    if (merged === undefined) return;
    const current = this.entries.get(target)?.get(d.name);
    this.write(target, d.name, current === undefined ? merged : combine(current, merged));
  }

  /** Number of (namespace, state) entries holding a value; only `namespace`'s when given. */
  numEntries(namespace?: string): number {
    if (namespace !== undefined) return this.entries.get(namespace)?.size ?? 0;
    let n = 0;
    for (const states of this.entries.values()) n += states.size;
    return n;
  }

  private write(namespace: string, name: string, value: unknown): void {
    const empty =
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (value instanceof Map && value.size === 0);
    if (empty) {
      const states = this.entries.get(namespace);
      states?.delete(name);
      if (states?.size === 0) this.entries.delete(namespace);
      return;
    }
    let states = this.entries.get(namespace);
    if (states === undefined) this.entries.set(namespace, (states = new Map<string, unknown>()));
    states.set(name, value);
  }
}

function resolveReduce(fn: ReduceFunction<unknown>): (a: unknown, b: unknown) => unknown {
  return resolveMethod<(a: unknown, b: unknown) => unknown>(fn, 'reduce', 'ReduceFunction');
}

function mergeFunction(d: AnyStateDescriptor): (a: unknown, b: unknown) => unknown {
  switch (d.kind) {
    case StateKind.list:
      return (a, b) => [...(a as unknown[]), ...(b as unknown[])];
    case StateKind.reducing:
      return resolveReduce(d.reduceFunction);
    case StateKind.aggregating: {
      const fn: AggregatingStateDescriptor<unknown, unknown, unknown>['aggregateFunction'] =
        d.aggregateFunction;
      return (a, b) => fn.merge(a, b);
    }
    case StateKind.value:
    case StateKind.map:
      throw new FreshetError(
        'STATE_NOT_MERGEABLE',
        `state '${d.name}' is ${d.kind} state, which cannot be merged; only list, reducing and aggregating state can`,
      );
  }
}

function mapState(
  read: () => Map<unknown, unknown> | undefined,
  write: (value: unknown) => void,
  clear: () => void,
): Record<string, unknown> {
  const copy = (): Map<unknown, unknown> => new Map(read() ?? []);
  return {
    get: (k: unknown) => read()?.get(k),
    put: (k: unknown, v: unknown) => write(copy().set(k, v)),
    putAll: (es: Iterable<readonly [unknown, unknown]>) => {
      const m = copy();
      for (const [k, v] of es) m.set(k, v);
      write(m);
    },
    remove: (k: unknown) => {
      const m = copy();
      m.delete(k);
      write(m);
    },
    contains: (k: unknown) => read()?.has(k) ?? false,
    entries: () => copy().entries(),
    keys: () => copy().keys(),
    values: () => copy().values(),
    isEmpty: () => (read()?.size ?? 0) === 0,
    clear,
  };
}
