/**
 * What every heap state object shares: reading and writing the entry of the current key (from the
 * backend's InternalKeyContext) and the state's current namespace. No allocation per access: the
 * table is addressed by the key's identity (cached per key) and the namespace string, never by a
 * composite string.
 */
import { FreshetError, UserError } from '../../../common/errors/freshet-error.js';
import { VOID_NAMESPACE } from '../keyed-state-backend.js';
import type { InternalKeyContext } from './internal-key-context.js';
import type { StateEntry, StateTable } from './state-table.js';

export abstract class AbstractHeapState<V> {
  private namespace: string = VOID_NAMESPACE;

  constructor(
    protected readonly keyContext: InternalKeyContext,
    protected readonly table: StateTable<V>,
  ) {}

  setCurrentNamespace(namespace: string): void {
    if (namespace === this.namespace) return;
    if (typeof namespace !== 'string') {
      throw new UserError('INVALID_NAMESPACE', `state namespaces are strings, got ${typeof namespace}`);
    }
    this.namespace = namespace;
  }

  getCurrentNamespace(): string {
    return this.namespace;
  }

  /**
   * Merges the values of the current key in `sources` into `target` and clears the sources
   * (Flink's InternalMergingState.mergeNamespaces, used when session windows merge). Only list,
   * reducing and aggregating state can merge.
   */
  mergeNamespaces(target: string, sources: readonly string[]): void {
    const saved = this.namespace;
    let merged: V | undefined;
    for (const source of sources) {
      if (source === target) continue;
      this.setCurrentNamespace(source);
      const entry = this.getEntry();
      if (entry === undefined) continue;
      merged = merged === undefined ? entry.value : this.mergeValues(merged, entry.value);
      this.clear();
    }
    if (merged !== undefined) {
      this.setCurrentNamespace(target);
      const entry = this.getEntry();
      if (entry === undefined) this.putNewEntry(merged);
      else entry.value = this.mergeValues(entry.value, merged);
    }
    this.setCurrentNamespace(saved);
  }

  /** Combines two stored values of a mergeable state. */
  protected mergeValues(_a: V, _b: V): V {
    throw new FreshetError(
      'STATE_NOT_MERGEABLE',
      `state '${this.table.name}' (${this.table.kind}) cannot be merged`,
    );
  }

  /** The stored value (an accumulator, for aggregating state) of the current key and namespace (Flink's getInternal). */
  getInternal(): V | undefined {
    return this.getEntry()?.value;
  }

  /** Stores `value` as it is for the current key and namespace (Flink's updateInternal). */
  updateInternal(value: V): void {
    const entry = this.getEntry();
    if (entry !== undefined) entry.value = value;
    else this.putNewEntry(value);
  }

  /** Removes the value of the current key in the current namespace. */
  clear(): void {
    this.table.remove(this.keyContext.offset, this.keyContext.keyId, this.namespace);
  }

  protected getEntry(): StateEntry<V> | undefined {
    return this.table.get(this.keyContext.offset, this.keyContext.keyId, this.namespace);
  }

  /** Creates the entry of the current key and namespace (call only when getEntry() was undefined). */
  protected putNewEntry(value: V): void {
    const ctx = this.keyContext;
    this.table.put(ctx.offset, ctx.keyId, ctx.key, this.namespace, value);
  }
}
