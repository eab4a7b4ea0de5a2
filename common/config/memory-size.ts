/**
 * Memory sizes the way Flink's `MemorySize` writes them: a number followed by an optional unit
 * ("32kb", "32 kb", "64m", "1 gb"). Units are binary (k/kb = 1024 bytes, as in Flink); the IEC
 * spellings "KiB", "MiB", ... are accepted too. A number without a unit means bytes.
 */

const BYTES_PER_UNIT: ReadonlyArray<readonly [bytes: number, labels: readonly string[]]> = [
  [1, ['b', 'bytes']],
  [1024, ['k', 'kb', 'kib', 'kibibytes']],
  [1024 ** 2, ['m', 'mb', 'mib', 'mebibytes']],
  [1024 ** 3, ['g', 'gb', 'gib', 'gibibytes']],
  [1024 ** 4, ['t', 'tb', 'tib', 'tebibytes']],
];

const UNIT_BY_LABEL: ReadonlyMap<string, number> = new Map(
  BYTES_PER_UNIT.flatMap(([bytes, labels]) => labels.map((label) => [label, bytes] as const)),
);

/** The units `formatMemorySize` uses, largest first (Flink's `MemorySize#toString` labels). */
const FORMAT_UNITS: ReadonlyArray<readonly [bytes: number, label: string]> = [
  [1024 ** 4, 'tb'],
  [1024 ** 3, 'gb'],
  [1024 ** 2, 'mb'],
  [1024, 'kb'],
];

const MEMORY_SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Parses a memory size text into a whole number of bytes (fractions of a byte are rounded down),
 * or returns undefined when the text is not a memory size.
 */
export function tryParseMemorySize(text: string): number | undefined {
  const match = MEMORY_SIZE_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const label = (match[2] ?? '').toLowerCase();
  const unitBytes = label === '' ? 1 : UNIT_BY_LABEL.get(label);
  if (unitBytes === undefined) return undefined;
  const bytes = Math.floor(amount * unitBytes);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Formats bytes with the largest unit that divides them evenly: 32768 → "32 kb". */
export function formatMemorySize(bytes: number): string {
  if (bytes !== 0) {
    for (const [unitBytes, label] of FORMAT_UNITS) {
      if (bytes % unitBytes === 0) return `${bytes / unitBytes} ${label}`;
    }
  }
  return `${bytes} bytes`;
}
