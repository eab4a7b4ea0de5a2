/**
 * The output of the numbered-events windows job (fixtures/shared/numbered-events-windows.ts, run by
 * fixtures/jobs/exactly-once-windows.ts, its variants and the embedded exactly-once test): event i
 * has key `i % 8` and timestamp `i * 5` ms; each 1 s window of a key yields one row
 * `{"key","start","count","sum"}`. The failure-free result is computed here independently of the
 * runtime, and the committed rows are read from a local FileSink directory.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The rows of a failure-free run over `events` events, sorted; `keys` and `stepMs` describe
 * variants of the job (event i has key `i % keys` and timestamp `i * stepMs`).
 */
export function expectedWindowRows(events: number, { keys = 8, stepMs = 5 } = {}): string[] {
  const windows = new Map<string, { key: number; start: number; count: number; sum: number }>();
  for (let id = 0; id < events; id++) {
    const key = id % keys;
    const start = Math.floor((id * stepMs) / 1000) * 1000;
    const window = windows.get(`${key}@${start}`) ?? { key, start, count: 0, sum: 0 };
    window.count++;
    window.sum += id;
    windows.set(`${key}@${start}`, window);
  }
  return [...windows.values()].map((w) => JSON.stringify(w)).sort();
}

/**
 * The rows of the committed part files in `directory`, sorted (in-progress files are hidden,
 * starting with '.'); a file of another name is reported through `unexpected`.
 */
export async function committedLocalRows(
  directory: string,
  unexpected: (name: string) => void,
): Promise<string[]> {
  const rows: string[] = [];
  for (const name of await readdir(directory)) {
    if (name.startsWith('.')) continue;
    if (!name.startsWith('part-')) unexpected(name);
    rows.push(...(await readFile(join(directory, name), 'utf8')).split('\n').filter((line) => line !== ''));
  }
  return rows.sort();
}
