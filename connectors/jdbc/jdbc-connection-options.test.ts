import { describe, expect, it } from 'vitest';
import { JdbcConnectionOptions } from './jdbc-connection-options.js';

describe('JdbcConnectionOptions', () => {
  it('parses PostgreSQL URLs, with or without jdbc:', () => {
    const options = JdbcConnectionOptions.builder()
      .withUrl('jdbc:postgresql://db.example:5433/shop?user=u&password=p%40ss')
      .build();
    expect(options.parameters).toEqual({
      dialect: 'postgresql',
      host: 'db.example',
      port: 5433,
      database: 'shop',
      user: 'u',
      password: 'p@ss',
      connectTimeoutMs: 60_000,
    });
    expect(options.describe()).toBe('postgresql://u@db.example:5433/shop');
  });

  it('picks mysql2 for mysql:// and mariadb://, default ports, builder credentials first', () => {
    const options = JdbcConnectionOptions.builder()
      .withUrl('mariadb://root:secret@127.0.0.1/freshet')
      .withUsername('writer')
      .withPassword('pw')
      .withConnectionCheckTimeoutSeconds(5)
      .build();
    expect(options.parameters).toMatchObject({
      dialect: 'mysql',
      port: 3306,
      user: 'writer',
      password: 'pw',
      connectTimeoutMs: 5000,
    });
    expect(JdbcConnectionOptions.builder().withUrl('postgres://h/d').build().parameters.port).toBe(5432);
  });

  it('rejects unknown schemes and a missing URL, without echoing the password', () => {
    expect(() => JdbcConnectionOptions.builder().withUrl('oracle://u:topsecret@h/d').build()).toThrow(
      /'oracle:\/\/u:\*\*\*@h\/d' is not supported: use postgresql:\/\//,
    );
    expect(() => JdbcConnectionOptions.builder().build()).toThrow(/need a URL/);
  });
});
