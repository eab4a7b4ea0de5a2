import { describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config/configuration.js';
import { UserError } from '../../common/errors/freshet-error.js';
import { parseJobManagerAddress, resolveJobManagerAddress } from './jobmanager-address.js';

describe('parseJobManagerAddress', () => {
  it.each([
    ['localhost:8081', 'http://localhost:8081'],
    ['  10.0.0.7:9000 ', 'http://10.0.0.7:9000'],
    ['jm.example.com:18081', 'http://jm.example.com:18081'],
    ['[::1]:8082', 'http://[::1]:8082'],
    ['jobmanager', 'http://jobmanager:7070'],
    ['http://127.0.0.1:8081', 'http://127.0.0.1:8081'],
    ['http://127.0.0.1:8081/', 'http://127.0.0.1:8081'],
    ['https://flink.example.com/proxy/', 'https://flink.example.com/proxy'],
    ['HTTP://Host:8081', 'http://host:8081'],
  ])('%s → %s', (text, expected) => {
    expect(parseJobManagerAddress(text, 7070)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['host:0', 'between 1 and 65535'],
    ['host:70000', 'between 1 and 65535'],
    ['host:port', 'host:port'],
    ['a b:8081', 'host:port'],
    ['ftp://host:21', "scheme 'ftp'"],
    ['http://user:pw@host:8081', 'credentials'],
    ['http://host:8081/?x=1', 'query'],
  ])('rejects %j as a usage error naming the problem (%s)', (text, fragment) => {
    let thrown: unknown;
    try {
      parseJobManagerAddress(text, 8081);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as UserError).code).toBe('INVALID_JOBMANAGER_ADDRESS');
    expect((thrown as UserError).message).toContain(fragment);
    expect((thrown as UserError).message).toContain('expected host:port or http://host:port');
  });
});

describe('resolveJobManagerAddress', () => {
  it('prefers -m over the configuration', () => {
    const configuration = Configuration.fromMap({ 'rest.address': 'cluster', 'rest.port': '9999' });
    expect(resolveJobManagerAddress('other:1234', configuration)).toBe('http://other:1234');
  });

  it('falls back to rest.address:rest.port, and to their defaults', () => {
    const configuration = Configuration.fromMap({ 'rest.address': 'cluster', 'rest.port': '9999' });
    expect(resolveJobManagerAddress(undefined, configuration)).toBe('http://cluster:9999');
    expect(resolveJobManagerAddress(undefined, new Configuration())).toBe('http://localhost:8081');
    const ipv6 = Configuration.fromMap({ 'rest.address': '::1', 'rest.port': '8085' });
    expect(resolveJobManagerAddress(undefined, ipv6)).toBe('http://[::1]:8085');
  });

  it('a bare -m host takes rest.port', () => {
    const configuration = Configuration.fromMap({ 'rest.port': '9091' });
    expect(resolveJobManagerAddress('jm', configuration)).toBe('http://jm:9091');
  });

  it('names rest.address and rest.port when they do not form an address', () => {
    const configuration = Configuration.fromMap({ 'rest.address': 'bad host', 'rest.port': '8081' });
    expect(() => resolveJobManagerAddress(undefined, configuration)).toThrow(/rest\.address 'bad host'.*-m/);
  });
});
