/**
 * Vacant entries for hot maps whose keys come and go: a key whose last item leaves keeps its map
 * entry, set to VACANT, instead of being deleted. Keys usually come back soon (a key's next window
 * or timer), and overwriting an entry costs far less than deleting and re-inserting a map key,
 * which also scatters the map's entries over its table. A VacancyCounter sweeps the vacant entries
 * once they may outnumber the live ones, so keys that never return do not pile up.
 */
export const VACANT: unique symbol = Symbol('vacant');

/** Keeps the vacant entries of one or more maps below the number of live ones (amortized O(1)). */
export class VacancyCounter {
  /** Entries set VACANT since the last sweep (an upper bound: some were reused meanwhile). */
  private vacated = 0;
  /** The number of vacated entries at which the maps are next measured. */
  private nextCheck: number;

  constructor(private readonly minSweep = 1024) {
    this.nextCheck = minSweep;
  }

  /**
   * Notes that an entry of `maps` was set VACANT; sweeps the vacant entries of every map once
   * they may be more than half of all entries.
   */
  noteVacated(maps: readonly (Map<unknown, unknown> | undefined)[]): void {
    if (++this.vacated < this.nextCheck) return;
    let size = 0;
    for (const map of maps) size += map?.size ?? 0;
    if (this.vacated <= size >> 1) {
      this.nextCheck = size >> 1;
      return;
    }
    for (const map of maps) {
      if (map === undefined) continue;
      for (const [key, entry] of map) if (entry === VACANT) map.delete(key);
    }
    this.vacated = 0;
    this.nextCheck = this.minSweep;
  }
}
