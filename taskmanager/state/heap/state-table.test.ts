import { describe, expect, it } from 'vitest';
import { StateTable } from './state-table.js';

describe('StateTable', () => {
  it('reads what was just written or removed for the key it read last', () => {
    const table = new StateTable<number>('sum', 'aggregating', 4);
    expect(table.get(1, 'k', 'w1')).toBeUndefined();
    table.put(1, 'k', 'k', 'w1', 1);
    expect(table.get(1, 'k', 'w1')?.value).toBe(1);
    // A second, third and ninth window of the same key change the form its entries are kept in.
    for (let w = 2; w <= 9; w++) {
      expect(table.get(1, 'k', `w${w}`)).toBeUndefined();
      table.put(1, 'k', 'k', `w${w}`, w);
      expect(table.get(1, 'k', `w${w}`)?.value).toBe(w);
    }
    for (let w = 1; w <= 9; w++) {
      table.remove(1, 'k', `w${w}`);
      expect(table.get(1, 'k', `w${w}`)).toBeUndefined();
      if (w < 9) expect(table.get(1, 'k', 'w9')?.value).toBe(9);
    }
    expect(table.size()).toBe(0);
  });

  it('keeps keys of one key group apart, and a key that comes back after its last window went', () => {
    const table = new StateTable<number>('sum', 'aggregating', 4);
    table.put(2, 'a', 'a', 'w', 1);
    table.put(2, 'b', 'b', 'w', 2);
    expect(table.get(2, 'a', 'w')?.value).toBe(1);
    expect(table.get(2, 'b', 'w')?.value).toBe(2);
    expect(table.get(3, 'a', 'w')).toBeUndefined();
    table.remove(2, 'a', 'w');
    expect(table.get(2, 'a', 'w')).toBeUndefined();
    expect([...table.entriesOf(2)].map((e) => e.key)).toEqual(['b']);
    table.put(2, 'a', 'a', 'w2', 3);
    expect(table.get(2, 'a', 'w2')?.value).toBe(3);
    expect(table.size()).toBe(2);
    table.clearAll();
    expect(table.get(2, 'a', 'w2')).toBeUndefined();
  });
});
