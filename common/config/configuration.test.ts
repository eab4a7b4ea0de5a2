import { describe, expect, expectTypeOf, it } from 'vitest';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { intOption, stringOption } from './config-option.js';
import {
  ALL_OPTIONS,
  CheckpointingOptions,
  CoreOptions,
  PipelineOptions,
  RestOptions,
  RestartStrategyOptions,
  S3Options,
  StateBackendOptions,
  TaskManagerOptions,
} from './config-options.js';
import { Configuration, HIDDEN_CONTENT, isSensitiveKey } from './configuration.js';

describe('Configuration', () => {
  it('returns defaults for unset options and undefined for optional ones', () => {
    const configuration = new Configuration();
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(1);
    expect(configuration.get(PipelineOptions.MAX_PARALLELISM)).toBe(-1);
    expect(configuration.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).toBe(32 * 1024);
    expect(configuration.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)).toBe(600_000);
    expect(configuration.get(StateBackendOptions.STATE_BACKEND)).toBe('hashmap');
    expect(configuration.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).toBeUndefined();
    expect(configuration.getOptional(CoreOptions.DEFAULT_PARALLELISM)).toBeUndefined();
    expectTypeOf(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toEqualTypeOf<number>();
    expectTypeOf(configuration.get(RestOptions.BIND_ADDRESS)).toEqualTypeOf<string | undefined>();
    expectTypeOf(configuration.get(StateBackendOptions.STATE_BACKEND)).toEqualTypeOf<'hashmap' | 'rocksdb'>();
  });

  it('validates known keys in setRaw, naming key, value and source', () => {
    const configuration = new Configuration();
    expect(() => configuration.setRaw('parallelism.default', 'abc', '-D')).toThrow(
      new IllegalConfigurationError(
        "invalid value 'abc' for 'parallelism.default' (from -D): expected an integer >= 1",
      ),
    );
    expect(configuration.contains('parallelism.default')).toBe(false);
    configuration.setRaw('parallelism.default', '4', '-D');
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(4);
    expect(configuration.sourceOf('parallelism.default')).toBe('-D');
  });

  it('keeps unknown keys as strings and parses them when read with an option', () => {
    const configuration = new Configuration();
    configuration.setRaw('my.connector.batch-size', 500);
    configuration.setRaw('my.connector.topics', ['a', 'b']);
    expect(configuration.getRaw('my.connector.batch-size')).toBe('500');
    expect(configuration.getRaw('my.connector.topics')).toBe('a;b');
    const batchSize = intOption('my.connector.batch-size', 100, { min: 1 });
    expect(configuration.get(batchSize)).toBe(500);
    configuration.setRaw('my.connector.batch-size', 'lots', 'config.yaml');
    expect(() => configuration.get(batchSize)).toThrow(
      "invalid value 'lots' for 'my.connector.batch-size' (from config.yaml): expected an integer >= 1",
    );
  });

  it('set validates typed values and undefined unsets', () => {
    const configuration = new Configuration();
    configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, 4);
    expect(configuration.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(4);
    expect(() => configuration.set(TaskManagerOptions.NUM_TASK_SLOTS, 0)).toThrow(IllegalConfigurationError);
    configuration.set(RestOptions.BIND_ADDRESS, '0.0.0.0');
    expect(configuration.get(RestOptions.BIND_ADDRESS)).toBe('0.0.0.0');
    configuration.set(RestOptions.BIND_ADDRESS, undefined);
    expect(configuration.contains('rest.bind-address')).toBe(false);
  });

  it('normalizes restart strategy aliases and reads older keys', () => {
    const configuration = new Configuration();
    configuration.setRaw('restart-strategy', 'fixeddelay');
    expect(configuration.get(RestartStrategyOptions.RESTART_STRATEGY)).toBe('fixed-delay');
    expect(configuration.keys()).toEqual(['restart-strategy.type']);
    configuration.setRaw('restart-strategy.type', 'off');
    expect(configuration.get(RestartStrategyOptions.RESTART_STRATEGY)).toBe('none');
    configuration.setRaw('state.backend', 'rocksdb');
    expect(configuration.get(StateBackendOptions.STATE_BACKEND)).toBe('rocksdb');
    expect(configuration.contains('state.backend')).toBe(true);
    configuration.setRaw('execution.checkpointing.dir', 's3://bucket/chk');
    expect(configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).toBe('s3://bucket/chk');
  });

  it('reads fallback keys for options outside the registry', () => {
    const option = stringOption('new.key', 'default', { fallbackKeys: ['old.key'] });
    const configuration = Configuration.fromMap({ 'old.key': 'old' });
    expect(configuration.get(option)).toBe('old');
  });

  it('toMap prints string forms, sorted, with secrets hidden unless asked', () => {
    const configuration = Configuration.fromMap(
      {
        'execution.checkpointing.interval': '10s',
        'taskmanager.memory.segment-size': '64kb',
        'taskmanager.state.local.root-dirs': ['/a', '/b'],
        's3.secret-key': 'hunter2',
        'rest.auth.token': 'abc',
        'custom.key': 42,
      },
      'test',
    );
    expect(configuration.toMap()).toEqual({
      'custom.key': '42',
      'execution.checkpointing.interval': '10 s',
      'rest.auth.token': HIDDEN_CONTENT,
      's3.secret-key': HIDDEN_CONTENT,
      'taskmanager.memory.segment-size': '64 kb',
      'taskmanager.state.local.root-dirs': '/a;/b',
    });
    expect(Object.keys(configuration.toMap())).toEqual(configuration.keys());
    expect(configuration.toMap({ includeSensitive: true })['s3.secret-key']).toBe('hunter2');
    expect(isSensitiveKey('s3.access-key')).toBe(true);
    expect(isSensitiveKey('rest.port')).toBe(false);
  });

  it('clone is independent and addAll lets the other configuration win', () => {
    const base = Configuration.fromMap({ 'rest.port': 9000, 'a.b': 'x' });
    const copy = base.clone();
    copy.setRaw('rest.port', 9001);
    expect(base.get(RestOptions.PORT)).toBe(9000);
    expect(copy.get(RestOptions.PORT)).toBe(9001);

    const overrides = Configuration.fromMap({ 'rest.port': '9100', 's3.path.style.access': 'true' });
    base.addAll(overrides);
    expect(base.get(RestOptions.PORT)).toBe(9100);
    expect(base.get(S3Options.PATH_STYLE_ACCESS)).toBe(true);
    expect(base.getRaw('a.b')).toBe('x');
  });

  it('rejects empty keys', () => {
    expect(() => new Configuration().setRaw(' ', 'x', '-D')).toThrow('empty configuration key (from -D)');
  });
});

describe('ALL_OPTIONS', () => {
  it('holds every option once, with Flink defaults', () => {
    expect(ALL_OPTIONS.get('jobmanager.rpc.port')?.defaultValue).toBe(6123);
    expect(ALL_OPTIONS.get('rest.port')?.defaultValue).toBe(8081);
    expect(ALL_OPTIONS.get('heartbeat.timeout')?.defaultValue).toBe(50_000);
    expect(ALL_OPTIONS.get('restart-strategy.exponential-delay.backoff-multiplier')?.defaultValue).toBe(2);
    for (const [key, option] of ALL_OPTIONS) {
      expect(option.key).toBe(key);
      expect(option.description).not.toBe('');
      if (option.defaultValue !== undefined)
        expect(option.parse(option.defaultValue)).toEqual(option.defaultValue);
    }
  });

  it('default values survive a format/parse round trip', () => {
    for (const option of ALL_OPTIONS.values()) {
      if (option.defaultValue === undefined) continue;
      expect(option.parse(option.format(option.defaultValue))).toEqual(option.defaultValue);
    }
  });
});
