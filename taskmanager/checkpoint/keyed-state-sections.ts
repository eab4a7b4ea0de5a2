/**
 * The bytes of one key group in a keyed state file: every state's entries of the key group and the
 * timers of every timer service of the operator, packed with msgpack (the data plane's settings,
 * so state values keep the fidelity records have).
 */
import { Packr } from 'msgpackr';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { KeyGroupRange } from '../../common/key-groups.js';
import type {
  InternalTimersSnapshot,
  KeyGroupTimersSnapshot,
} from '../operators/windowing/internal-timer-service.js';
import type { AsyncKeyedStateSnapshot, KeyedStateSnapshot } from '../state/keyed-state-backend.js';
import type { RestoredKeyedState } from './operator-snapshot.js';

const packr = new Packr({ useRecords: true, moreTypes: true });

type StateKind = KeyedStateSnapshot['states'][number]['kind'];
type Entries = ReadonlyArray<readonly [unknown, string, unknown]>;
/** [states: [name, kind, entries][], timers: [eventTime, processingTime][] by service index]. */
type Section = [
  [string, StateKind, Entries][],
  [KeyGroupTimersSnapshot['eventTime'], KeyGroupTimersSnapshot['processingTime']][],
];

/** Encodes the key groups that have state or timers, in key-group order. */
export function encodeKeyGroupSections(
  range: KeyGroupRange,
  state: KeyedStateSnapshot,
  timers: readonly InternalTimersSnapshot[],
): [number, Uint8Array][] {
  const kinds = new Map(state.states.map((s) => [s.name, s.kind]));
  const sections: [number, Uint8Array][] = [];
  for (let keyGroup = range.startKeyGroup; keyGroup <= range.endKeyGroup; keyGroup++) {
    const perState = state.keyGroups.get(keyGroup);
    const groupTimers = timers.map((t) => t.get(keyGroup));
    if (perState === undefined && groupTimers.every((t) => t === undefined)) continue;
    const section: Section = [
      [...(perState ?? new Map<string, Entries>())].map(([name, entries]) => [
        name,
        kinds.get(name)!,
        entries,
      ]),
      groupTimers.map((t) => [t?.eventTime ?? [], t?.processingTime ?? []]),
    ];
    sections.push([keyGroup, Uint8Array.prototype.slice.call(packr.pack(section))]);
  }
  return sections;
}

/**
 * The same, from a snapshot read asynchronously key group by key group (RocksDB): each key group is
 * encoded as it arrives, with its timers; key groups that have timers only are added in order.
 */
export async function encodeKeyGroupSectionsAsync(
  range: KeyGroupRange,
  state: AsyncKeyedStateSnapshot,
  timers: readonly InternalTimersSnapshot[],
): Promise<[number, Uint8Array][]> {
  const sections: [number, Uint8Array][] = [];
  const withState = new Set<number>();
  for await (const [keyGroup, perState] of state.keyGroups) {
    withState.add(keyGroup);
    const one = new KeyGroupRange(keyGroup, keyGroup);
    const snapshot = {
      maxParallelism: state.maxParallelism,
      states: state.states,
      keyGroups: new Map([[keyGroup, perState]]),
    };
    sections.push(...encodeKeyGroupSections(one, snapshot, timers));
  }
  const empty = { maxParallelism: state.maxParallelism, states: state.states, keyGroups: new Map() };
  for (const keyGroup of range) {
    if (withState.has(keyGroup) || timers.every((t) => !t.has(keyGroup))) continue;
    sections.push(...encodeKeyGroupSections(new KeyGroupRange(keyGroup, keyGroup), empty, timers));
  }
  return sections.sort(([a], [b]) => a - b);
}

/** Decodes the sections read from one old subtask's file into a snapshot of those key groups. */
export function decodeKeyGroupSections(
  maxParallelism: number,
  sections: ReadonlyMap<number, Uint8Array>,
  source: string,
): RestoredKeyedState {
  const states = new Map<string, StateKind>();
  const keyGroups = new Map<number, Map<string, Entries>>();
  const timers: Map<number, KeyGroupTimersSnapshot>[] = [];
  for (const [keyGroup, bytes] of sections) {
    let section: Section;
    try {
      section = packr.unpack(bytes) as Section;
      if (!Array.isArray(section) || !Array.isArray(section[0]) || !Array.isArray(section[1]))
        throw new Error('not a section');
    } catch (error) {
      throw new FreshetError(
        'CORRUPT_STATE_FILE',
        `key group ${keyGroup} of state file ${source} cannot be decoded: ${String(error)}`,
        { cause: error },
      );
    }
    const perState = new Map<string, Entries>();
    for (const [name, kind, entries] of section[0]) {
      states.set(name, kind);
      perState.set(name, entries);
    }
    keyGroups.set(keyGroup, perState);
    section[1].forEach(([eventTime, processingTime], index) => {
      (timers[index] ??= new Map()).set(keyGroup, { eventTime, processingTime });
    });
  }
  return {
    state: { maxParallelism, states: [...states].map(([name, kind]) => ({ name, kind })), keyGroups },
    timers,
  };
}
