/**
 * Self time per function over V8 CPU profiles (`node --cpu-prof --cpu-prof-dir=DIR`; every worker
 * thread writes its own `.cpuprofile`), to see where a benchmark's time goes:
 *
 *   node dist/test/bench/nexmark/cpu-profile-summary.js /tmp/nexmark-prof [top=15]
 *
 * A sample's time is its time delta; functions are told apart by name, script and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of a `.cpuprofile` (Chrome DevTools Profile) the summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
    };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTimeEntry {
  /** `name (script:line)`, `(program)`, `(garbage collector)`, `(idle)`. */
  readonly function: string;
  readonly samples: number;
  readonly selfMs: number;
}

export interface ProfileSummary {
  readonly totalSamples: number;
  readonly totalMs: number;
  /** Every function, most self time first. */
  readonly entries: readonly SelfTimeEntry[];
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const script = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/');
  return `${name} (${script}:${frame.lineNumber + 1})`;
}

export function summarizeProfiles(profiles: readonly CpuProfile[]): ProfileSummary {
  const byFunction = new Map<string, { samples: number; selfMs: number }>();
  let totalSamples = 0;
  let totalMicros = 0;
  for (const profile of profiles) {
    const nameOf = new Map(profile.nodes.map((node) => [node.id, frameName(node.callFrame)]));
    profile.samples.forEach((id, i) => {
      const micros = Math.max(0, profile.timeDeltas[i] ?? 0);
      const key = nameOf.get(id) ?? `(unknown node ${id})`;
      const entry = byFunction.get(key) ?? { samples: 0, selfMs: 0 };
      entry.samples++;
      entry.selfMs += micros / 1000;
      byFunction.set(key, entry);
      totalSamples++;
      totalMicros += micros;
    });
  }
  const entries = [...byFunction]
    .map(([fn, e]) => ({ function: fn, samples: e.samples, selfMs: e.selfMs }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { totalSamples, totalMs: totalMicros / 1000, entries };
}

export const IDLE = '(idle)';

/**
 * The summary as text: totals, then the top entries apart from `(idle)` (a thread waiting for work)
 * with their share of the busy time.
 */
export function formatSummary(summary: ProfileSummary, top: number): string {
  const idleMs = summary.entries.find((e) => e.function === IDLE)?.selfMs ?? 0;
  const busyMs = summary.totalMs - idleMs;
  const lines = [
    `${summary.totalSamples} samples, ${(summary.totalMs / 1000).toFixed(1)} s sampled, ` +
      `${(busyMs / 1000).toFixed(1)} s busy (${(idleMs / 1000).toFixed(1)} s idle)`,
  ];
  for (const e of summary.entries.filter((x) => x.function !== IDLE).slice(0, top)) {
    const share = busyMs > 0 ? (100 * e.selfMs) / busyMs : 0;
    lines.push(`${share.toFixed(1).padStart(5)}%  ${e.selfMs.toFixed(0).padStart(7)} ms  ${e.function}`);
  }
  return lines.join('\n');
}

function main(dir: string, top: number): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
  profiles.forEach((profile, i) => {
    const one = summarizeProfiles([profile]);
    const idleMs = one.entries.find((e) => e.function === IDLE)?.selfMs ?? 0;
    console.log(
      `# ${basename(files[i]!)}: ${one.totalSamples} samples, ${((one.totalMs - idleMs) / 1000).toFixed(1)} s busy`,
    );
  });
  console.log(formatSummary(summarizeProfiles(profiles), top));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    console.error(
      'usage: node dist/test/bench/nexmark/cpu-profile-summary.js <dir of .cpuprofile files> [top]',
    );
    process.exit(2);
  }
  main(dir, Number(process.argv[3] ?? 15));
}
