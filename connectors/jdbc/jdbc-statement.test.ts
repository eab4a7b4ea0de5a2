import { describe, expect, it } from 'vitest';
import { JdbcStatement, maskLiterals, toNumberedPlaceholders } from './jdbc-statement.js';

describe('JdbcStatement', () => {
  it('repeats the VALUES tuple of an upsert, keeping the suffix', () => {
    const statement = new JdbcStatement(
      'INSERT INTO t (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v',
      'postgresql',
    );
    expect(statement.placeholderCount).toBe(2);
    expect(statement.singleRowSql()).toBe(
      'INSERT INTO t (id, v) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v',
    );
    expect(statement.multiRowSql(3)).toBe(
      'INSERT INTO t (id, v) VALUES ($1, $2), ($3, $4), ($5, $6) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v',
    );
  });

  it("keeps MySQL's ? placeholders and nested parentheses in the tuple", () => {
    const statement = new JdbcStatement(
      'insert into t (id, v) values (?, lower(?)) on duplicate key update v = values(v)',
      'mysql',
    );
    expect(statement.multiRowSql(2)).toBe(
      'insert into t (id, v) values (?, lower(?)), (?, lower(?)) on duplicate key update v = values(v)',
    );
  });

  it('writes row by row when a placeholder is outside the tuple or there is no VALUES', () => {
    expect(
      new JdbcStatement('INSERT INTO t VALUES (?) ON CONFLICT (id) DO UPDATE SET v = ?', 'postgresql')
        .multiRowParts,
    ).toBeUndefined();
    const update = new JdbcStatement('UPDATE t SET v = ? WHERE id = ?', 'postgresql');
    expect(update.multiRowParts).toBeUndefined();
    expect(update.multiRowSql(5)).toBe('UPDATE t SET v = $1 WHERE id = $2');
  });

  it('ignores ? and VALUES inside literals, quoted identifiers and comments', () => {
    const sql = `INSERT INTO "values?" (a, "b?") /* VALUES (?) */ VALUES ('?', ?) -- ?\n`;
    const statement = new JdbcStatement(sql, 'postgresql');
    expect(statement.placeholderCount).toBe(1);
    expect(statement.singleRowSql()).toBe(
      `INSERT INTO "values?" (a, "b?") /* VALUES (?) */ VALUES ('?', $1) -- ?\n`,
    );
    expect(statement.multiRowSql(2)).toContain(`VALUES ('?', $1), ('?', $2) -- ?`);
  });

  it('knows MySQL backslash escapes and backticks, PostgreSQL dollar quotes', () => {
    expect(maskLiterals("'a\\'?' `c?` ?", 'mysql').indexOf('?')).toBe(12);
    expect(toNumberedPlaceholders("SELECT $$ ? $$, ?, 'it''s ?'", 'postgresql')).toBe(
      "SELECT $$ ? $$, $1, 'it''s ?'",
    );
  });

  it('rejects a statement without placeholders', () => {
    expect(() => new JdbcStatement('INSERT INTO t VALUES (1)', 'mysql')).toThrow(/no '\?' placeholder/);
  });
});
