/**
 * Refuses to use restored state under a descriptor whose time-to-live setting does not match how
 * the values were stored, as Flink does (its TTL serializer is incompatible with the plain one): a
 * state snapshotted with TTL holds TtlValue wrappers, one without TTL holds plain values. The
 * check looks at one stored value, so it costs nothing per record.
 */
import { StateKind } from '../../../api/state/state-descriptor.js';
import type { AnyStateDescriptor } from '../../../api/state/state-descriptor.js';
import { assertNever, UserError } from '../../../common/errors/freshet-error.js';
import type { MapStateEntry, StateTable } from './state-table.js';
import { isTtlValue } from './ttl-value.js';

/** Throws STATE_TTL_MISMATCH when `table` holds values stored with the other TTL setting. */
export function checkStateTtlCompatibility(descriptor: AnyStateDescriptor, table: StateTable<unknown>): void {
  const sample = firstStoredValue(table);
  if (sample === undefined) return;
  const storedWithTtl = isTtlValue(sample);
  const ttlEnabled = descriptor.ttlConfig.isEnabled();
  if (storedWithTtl === ttlEnabled) return;
  throw new UserError(
    'STATE_TTL_MISMATCH',
    storedWithTtl
      ? `state '${descriptor.name}' was restored from a snapshot taken with time-to-live (TTL) enabled, but its ` +
          'descriptor now has no TTL; TTL cannot be turned off for existing state: keep enableTimeToLive on the ' +
          'descriptor, or give the state a new name to start it empty'
      : `state '${descriptor.name}' was restored from a snapshot taken without time-to-live (TTL), but its ` +
          'descriptor now enables TTL; TTL cannot be turned on for existing state: remove enableTimeToLive, or give ' +
          'the state a new name to start it empty',
  );
}

/** Throws STATE_TTL_MISMATCH when one state name is requested with and without TTL. */
export function checkSameTtlSetting(registered: AnyStateDescriptor, requested: AnyStateDescriptor): void {
  if (registered.ttlConfig.isEnabled() === requested.ttlConfig.isEnabled()) return;
  throw new UserError(
    'STATE_TTL_MISMATCH',
    `state '${requested.name}' is already in use ${registered.ttlConfig.isEnabled() ? 'with' : 'without'} ` +
      `time-to-live (TTL) and cannot also be used ${requested.ttlConfig.isEnabled() ? 'with' : 'without'} it; ` +
      'give every descriptor of one state the same StateTtlConfig, or use another name',
  );
}

/** The first stored user value of the table (a list's first element, a map's first entry value). */
function firstStoredValue(table: StateTable<unknown>): unknown {
  for (let offset = 0; offset < table.groups.length; offset++) {
    for (const entry of table.entriesOf(offset)) {
      const value = entry.value;
      switch (table.kind) {
        case StateKind.list:
          return (value as unknown[])[0];
        case StateKind.map:
          return (value as Map<unknown, MapStateEntry>).values().next().value?.value;
        case StateKind.value:
        case StateKind.reducing:
        case StateKind.aggregating:
          return value;
        default:
          return assertNever(table.kind, 'state kind');
      }
    }
  }
  return undefined;
}
