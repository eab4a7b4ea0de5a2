import { describe, expect, it } from 'vitest';

import { isCi, serverSuiteMode } from './server-availability.js';

describe('serverSuiteMode', () => {
  it('runs the suite when the server is available, on CI or not', () => {
    expect(serverSuiteMode('Kafka', { ok: true }, false)).toEqual({ kind: 'run' });
    expect(serverSuiteMode('Kafka', { ok: true }, true)).toEqual({ kind: 'run' });
  });

  it('skips with a notice naming the server and the reason off CI', () => {
    const mode = serverSuiteMode('MariaDB', { ok: false, reason: 'mariadbd not found' }, false);
    expect(mode.kind).toBe('skip');
    expect(mode.kind === 'skip' ? mode.notice : '').toContain('MariaDB');
    expect(mode.kind === 'skip' ? mode.notice : '').toContain('mariadbd not found');
  });

  it('fails on CI with the reason and the install script', () => {
    const mode = serverSuiteMode('MariaDB', { ok: false, reason: 'mariadbd not found' }, true);
    expect(mode.kind).toBe('fail');
    expect(mode.kind === 'fail' ? mode.message : '').toMatch(
      /required on CI.*mariadbd not found.*install-test-servers/,
    );
  });
});

describe('isCi', () => {
  it('treats any non-empty value except 0/false as CI', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({})).toBe(false);
    expect(isCi({ CI: '' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({ CI: 'FALSE' })).toBe(false);
  });
});
