import { IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import type { JdbcDialect } from './jdbc-connection-options.js';

/**
 * A sink's SQL statement with `?` placeholders (JDBC's style, for both dialects), parsed once:
 * where its placeholders are, and whether rows can be batched into one multi-row statement. That
 * is the case for `INSERT|REPLACE … VALUES (…) [suffix]` where every placeholder is inside the one
 * VALUES tuple (e.g. `INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v =
 * EXCLUDED.v`): the tuple is repeated, one per row. Quotes, quoted identifiers and comments are
 * skipped, so a `?` or `VALUES` inside them does not count. Pure.
 */
export class JdbcStatement {
  readonly sql: string;
  readonly dialect: JdbcDialect;
  /** How many parameters each row must have. */
  readonly placeholderCount: number;
  /** `[prefix, tuple, suffix]` of a statement that can take many rows, else undefined. */
  readonly multiRowParts: readonly [string, string, string] | undefined;
  private readonly numberedSql: string;
  private readonly multiRowCache = new Map<number, string>();

  constructor(sql: string, dialect: JdbcDialect) {
    this.sql = sql;
    this.dialect = dialect;
    const masked = maskLiterals(sql, dialect);
    const placeholders = placeholderIndices(masked);
    if (placeholders.length === 0) {
      throw new IllegalConfigurationError(
        `JDBC sink statement has no '?' placeholder for the row's values: ${sql}`,
      );
    }
    this.placeholderCount = placeholders.length;
    this.numberedSql = this.forDialect(sql);
    this.multiRowParts = multiRowParts(sql, masked, placeholders);
  }

  /** The statement for one row, in the dialect's placeholder style (`$n` for PostgreSQL). */
  singleRowSql(): string {
    return this.numberedSql;
  }

  /** The statement for `rows` rows (rows ≥ 1); needs `multiRowParts`. */
  multiRowSql(rows: number): string {
    if (rows === 1 || this.multiRowParts === undefined) return this.numberedSql;
    let sql = this.multiRowCache.get(rows);
    if (sql === undefined) {
      const [prefix, tuple, suffix] = this.multiRowParts;
      sql = this.forDialect(`${prefix}${Array.from({ length: rows }, () => tuple).join(', ')}${suffix}`);
      if (this.multiRowCache.size >= 4) this.multiRowCache.clear();
      this.multiRowCache.set(rows, sql);
    }
    return sql;
  }

  private forDialect(sql: string): string {
    return this.dialect === 'postgresql' ? toNumberedPlaceholders(sql, this.dialect) : sql;
  }
}

/** Replaces each `?` placeholder by `$1`, `$2`, … (PostgreSQL's style). */
export function toNumberedPlaceholders(sql: string, dialect: JdbcDialect): string {
  const indices = placeholderIndices(maskLiterals(sql, dialect));
  let out = '';
  let from = 0;
  indices.forEach((index, n) => {
    out += `${sql.slice(from, index)}$${n + 1}`;
    from = index + 1;
  });
  return out + sql.slice(from);
}

function placeholderIndices(masked: string): number[] {
  const indices: number[] = [];
  for (let i = 0; i < masked.length; i++) if (masked[i] === '?') indices.push(i);
  return indices;
}

function multiRowParts(
  sql: string,
  masked: string,
  placeholders: readonly number[],
): readonly [string, string, string] | undefined {
  if (!/^\s*(INSERT|REPLACE)\b/i.test(masked)) return undefined;
  const values = /\bVALUES\s*\(/i.exec(masked);
  if (values === null) return undefined;
  const open = values.index + values[0].length - 1;
  let depth = 0;
  let close = -1;
  for (let i = open; i < masked.length && close < 0; i++) {
    if (masked[i] === '(') depth++;
    else if (masked[i] === ')' && --depth === 0) close = i;
  }
  if (close < 0) return undefined;
  if (placeholders.some((index) => index < open || index > close)) return undefined;
  return [sql.slice(0, open), sql.slice(open, close + 1), sql.slice(close + 1)];
}

/**
 * The SQL with the contents of string literals, quoted identifiers and comments replaced by
 * spaces (same length), so placeholders, keywords and parentheses can be found by position.
 * MySQL: `'…'` and `"…"` are strings with backslash escapes, `` `…` `` identifiers, `#` comments.
 * PostgreSQL: `'…'` strings, `"…"` identifiers, `$tag$…$tag$` dollar quotes.
 */
export function maskLiterals(sql: string, dialect: JdbcDialect): string {
  const mysql = dialect === 'mysql';
  let out = '';
  let i = 0;
  const skipTo = (end: number): void => {
    out += ' '.repeat(end - i);
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || (c === '`' && mysql)) {
      skipTo(quotedEnd(sql, i, c, mysql));
    } else if ((c === '-' && next === '-') || (c === '#' && mysql)) {
      const end = sql.indexOf('\n', i);
      skipTo(end < 0 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      skipTo(end < 0 ? sql.length : end + 2);
    } else if (c === '$' && !mysql && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      skipTo(end < 0 ? sql.length : end + tag.length);
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index after the closing quote of the quoted text starting at `start`. */
function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\' && quote !== '`') {
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}
