import { describe, expect, expectTypeOf, it } from 'vitest';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import {
  booleanOption,
  doubleOption,
  durationOption,
  enumOption,
  intOption,
  listOption,
  memorySizeOption,
  stringOption,
  type ConfigOption,
  type ConfigOptionWithDefault,
} from './config-option.js';
import { formatDuration, tryParseDuration } from './duration.js';
import { formatMemorySize, tryParseMemorySize } from './memory-size.js';

function errorOf(action: () => unknown): IllegalConfigurationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(IllegalConfigurationError);
    return error as IllegalConfigurationError;
  }
  throw new Error('expected an IllegalConfigurationError');
}

describe('durations', () => {
  it.each([
    ['100 ms', 100],
    ['100ms', 100],
    ['5 s', 5_000],
    ['5s', 5_000],
    ['10 min', 600_000],
    ['10m', 600_000],
    ['1 h', 3_600_000],
    ['2 d', 172_800_000],
    ['500', 500],
    ['  3 SECONDS ', 3_000],
    ['1.5 s', 1_500],
    ['250 us', 0.25],
  ])('parses %j as %d ms', (text, ms) => {
    expect(tryParseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '5 parsecs', '-5 s', 's', '1 1 s'])('rejects %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
  });

  it('formats with the largest unit that divides evenly', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(200)).toBe('200 ms');
    expect(formatDuration(5_000)).toBe('5 s');
    expect(formatDuration(600_000)).toBe('10 min');
    expect(formatDuration(90_000)).toBe('90 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(172_800_000)).toBe('2 d');
  });

  it('durationOption accepts numbers as milliseconds and texts, and enforces the minimum', () => {
    const option = durationOption('x.interval', undefined, { min: 10 });
    expect(option.parse(250)).toBe(250);
    expect(option.parse('1 min')).toBe(60_000);
    expect(errorOf(() => option.parse('5 ms')).message).toBe(
      "invalid value '5 ms' for 'x.interval': expected a duration of at least 10 ms such as '100 ms', '5 s', '10 min', '1 h' (a plain number means milliseconds)",
    );
    expect(errorOf(() => option.parse('soon', '-D')).message).toContain(
      "invalid value 'soon' for 'x.interval' (from -D): expected a duration",
    );
    expect(() => option.parse(-1)).toThrow(IllegalConfigurationError);
  });
});

describe('memory sizes', () => {
  it.each([
    ['32kb', 32_768],
    ['32 kb', 32_768],
    ['32 KiB', 32_768],
    ['32k', 32_768],
    ['64m', 67_108_864],
    ['64 mebibytes', 67_108_864],
    ['1 gb', 1_073_741_824],
    ['1t', 1024 ** 4],
    ['100', 100],
    ['100 bytes', 100],
    ['0.5 kb', 512],
  ])('parses %j as %d bytes', (text, bytes) => {
    expect(tryParseMemorySize(text)).toBe(bytes);
  });

  it.each(['', 'lots', '32 kbps', '-1 kb', 'kb'])('rejects %j', (text) => {
    expect(tryParseMemorySize(text)).toBeUndefined();
  });

  it('formats like Flink', () => {
    expect(formatMemorySize(32_768)).toBe('32 kb');
    expect(formatMemorySize(1_073_741_824)).toBe('1 gb');
    expect(formatMemorySize(1_000)).toBe('1000 bytes');
    expect(formatMemorySize(0)).toBe('0 bytes');
  });

  it('memorySizeOption names key and value when it fails', () => {
    const option = memorySizeOption('x.size', 32_768);
    expect(option.parse(4096)).toBe(4096);
    expect(option.parse('64 kb')).toBe(65_536);
    expect(option.format(65_536)).toBe('64 kb');
    expect(errorOf(() => option.parse('big')).message).toBe(
      "invalid value 'big' for 'x.size': expected a memory size such as '32 kb', '64 mb', '1 gb' (a plain number means bytes)",
    );
    expect(() => option.parse(1.5)).toThrow(IllegalConfigurationError);
  });
});

describe('intOption', () => {
  const slots = intOption('taskmanager.numberOfTaskSlots', 1, { min: 1 });

  it('accepts integers and integer strings', () => {
    expect(slots.parse(4)).toBe(4);
    expect(slots.parse(' 8 ')).toBe(8);
    expect(slots.parse('+2')).toBe(2);
  });

  it('names the key, the value, the source and the bounds', () => {
    expect(errorOf(() => slots.parse('abc', '-D')).message).toBe(
      "invalid value 'abc' for 'taskmanager.numberOfTaskSlots' (from -D): expected an integer >= 1",
    );
    expect(errorOf(() => slots.parse(0)).message).toBe(
      "invalid value '0' for 'taskmanager.numberOfTaskSlots': expected an integer >= 1",
    );
    expect(() => slots.parse(1.5)).toThrow(IllegalConfigurationError);
    expect(() => slots.parse('1e3')).toThrow(IllegalConfigurationError);
    expect(() => slots.parse(true)).toThrow(IllegalConfigurationError);
    expect(() => slots.parse(null)).toThrow(IllegalConfigurationError);
  });

  it('describes ranges and extra allowed values', () => {
    const port = intOption('p', 0, { min: 0, max: 65_535 });
    expect(port.expected).toBe('an integer between 0 and 65535');
    expect(() => port.parse(70_000)).toThrow('expected an integer between 0 and 65535');
    const maxParallelism = intOption('m', -1, { min: 1, max: 32_768, allow: [-1] });
    expect(maxParallelism.parse(-1)).toBe(-1);
    expect(maxParallelism.parse(128)).toBe(128);
    expect(() => maxParallelism.parse(0)).toThrow('expected an integer between 1 and 32768 or -1');
  });
});

describe('other option types', () => {
  it('doubleOption', () => {
    const jitter = doubleOption('j', 0.1, { min: 0, max: 1 });
    expect(jitter.parse('0.25')).toBe(0.25);
    expect(jitter.parse(1)).toBe(1);
    expect(jitter.parse('.5')).toBe(0.5);
    expect(() => jitter.parse('1.5')).toThrow(
      "invalid value '1.5' for 'j': expected a number between 0 and 1",
    );
    expect(() => jitter.parse('NaN')).toThrow(IllegalConfigurationError);
  });

  it('booleanOption', () => {
    const flag = booleanOption('f', false);
    expect(flag.parse(true)).toBe(true);
    expect(flag.parse('TRUE')).toBe(true);
    expect(flag.parse(' false ')).toBe(false);
    expect(() => flag.parse('yes')).toThrow("invalid value 'yes' for 'f': expected true or false");
    expect(() => flag.parse(1)).toThrow(IllegalConfigurationError);
  });

  it('stringOption keeps strings and stringifies YAML scalars', () => {
    const host = stringOption('h', undefined);
    expect(host.parse('example.org')).toBe('example.org');
    expect(host.parse(12345)).toBe('12345');
    expect(() => host.parse({ a: 1 })).toThrow(`invalid value '{"a":1}' for 'h': expected a string`);
  });

  it('enumOption matches case-insensitively and normalizes aliases', () => {
    const restart = enumOption('r', ['none', 'fixed-delay'], undefined, {
      aliases: { off: 'none', fixeddelay: 'fixed-delay' },
    });
    expect(restart.parse('fixed-delay')).toBe('fixed-delay');
    expect(restart.parse('FixedDelay')).toBe('fixed-delay');
    expect(restart.parse('off')).toBe('none');
    expect(() => restart.parse('sometimes')).toThrow(
      "invalid value 'sometimes' for 'r': expected one of none, fixed-delay",
    );
    const mode = enumOption('m', ['EXACTLY_ONCE', 'AT_LEAST_ONCE'], 'EXACTLY_ONCE');
    expect(mode.parse('at_least_once')).toBe('AT_LEAST_ONCE');
    expectTypeOf(mode.defaultValue).toEqualTypeOf<'EXACTLY_ONCE' | 'AT_LEAST_ONCE'>();
  });

  it('listOption splits on ; and , and accepts YAML lists', () => {
    const dirs = listOption('d', undefined);
    expect(dirs.parse('/a;/b')).toEqual(['/a', '/b']);
    expect(dirs.parse('/a, /b,')).toEqual(['/a', '/b']);
    expect(dirs.parse('[/a, /b]')).toEqual(['/a', '/b']);
    expect(dirs.parse(['/a', ' /b '])).toEqual(['/a', '/b']);
    expect(dirs.format(['/a', '/b'])).toBe('/a;/b');
    expect(() => dirs.parse([{ x: 1 }])).toThrow(IllegalConfigurationError);
  });

  it('types options with and without defaults apart', () => {
    expectTypeOf(intOption('a', 1)).toEqualTypeOf<ConfigOptionWithDefault<number>>();
    expectTypeOf(intOption('a', undefined)).toEqualTypeOf<ConfigOption<number>>();
    expect(intOption('a', undefined).defaultValue).toBeUndefined();
  });
});
