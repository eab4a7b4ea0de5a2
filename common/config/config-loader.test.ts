import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { loadConfiguration, parseDynamicProperty, parsePropertiesText } from './config-loader.js';
import {
  CheckpointingOptions,
  CoreOptions,
  RestOptions,
  StateBackendOptions,
  TaskManagerOptions,
} from './config-options.js';

const tempDirs: string[] = [];

function confDirWith(yaml: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'freshet-config-'));
  tempDirs.push(dir);
  if (yaml !== undefined) writeFileSync(join(dir, 'config.yaml'), yaml);
  return dir;
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfiguration', () => {
  it('uses defaults when there is no config file', () => {
    const configuration = loadConfiguration({ confDir: confDirWith(undefined), env: {} });
    expect(configuration.keys()).toEqual([]);
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(1);
  });

  it('layers file < FLINK_PROPERTIES < FRESHET_PROPERTIES < -D', () => {
    const confDir = confDirWith(
      [
        'parallelism.default: 2',
        'rest.port: 9000',
        'taskmanager.numberOfTaskSlots: 3',
        'state.backend.type: rocksdb',
        'execution.checkpointing.interval: 30s',
      ].join('\n'),
    );
    const configuration = loadConfiguration({
      confDir,
      env: {
        FLINK_PROPERTIES: 'parallelism.default: 3\nrest.port: 9100\ntaskmanager.numberOfTaskSlots: 5',
        FRESHET_PROPERTIES: '# overrides\n\nparallelism.default: 4\nrest.port: "9200"\n',
      },
      dynamicProperties: ['parallelism.default=8'],
    });
    expect(configuration.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(8);
    expect(configuration.sourceOf('parallelism.default')).toBe('-D');
    expect(configuration.get(RestOptions.PORT)).toBe(9200);
    expect(configuration.sourceOf('rest.port')).toBe('FRESHET_PROPERTIES');
    expect(configuration.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(5);
    expect(configuration.get(StateBackendOptions.STATE_BACKEND)).toBe('rocksdb');
    expect(configuration.sourceOf('state.backend.type')).toBe(join(confDir, 'config.yaml'));
    expect(configuration.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).toBe(30_000);
  });

  it('finds the directory through FRESHET_CONF_DIR, and confDir wins over it', () => {
    const fromEnv = confDirWith('rest.port: 7000');
    const fromOption = confDirWith('rest.port: 7001');
    expect(loadConfiguration({ env: { FRESHET_CONF_DIR: fromEnv } }).get(RestOptions.PORT)).toBe(7000);
    const both = loadConfiguration({ confDir: fromOption, env: { FRESHET_CONF_DIR: fromEnv } });
    expect(both.get(RestOptions.PORT)).toBe(7001);
  });

  it('flattens nested YAML maps and keeps lists', () => {
    const confDir = confDirWith(
      [
        'taskmanager:',
        '  numberOfTaskSlots: 4',
        '  memory:',
        '    segment-size: 64 kb',
        '  state.local.root-dirs: [/data/a, /data/b]',
        'execution.checkpointing:',
        '  interval: 1 min',
        '  unaligned:',
        '    enabled: true',
        'rest.bind-address:',
        'my:',
        '  custom: { flag: on }',
      ].join('\n'),
    );
    const configuration = loadConfiguration({ confDir, env: {} });
    expect(configuration.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(4);
    expect(configuration.get(TaskManagerOptions.MEMORY_SEGMENT_SIZE)).toBe(65_536);
    expect(configuration.get(TaskManagerOptions.LOCAL_STATE_ROOT_DIRS)).toEqual(['/data/a', '/data/b']);
    expect(configuration.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).toBe(60_000);
    expect(configuration.get(CheckpointingOptions.ENABLE_UNALIGNED)).toBe(true);
    expect(configuration.contains('rest.bind-address')).toBe(false);
    expect(configuration.getRaw('my.custom.flag')).toBe('on');
  });

  it('rejects a key set both flat and nested', () => {
    const confDir = confDirWith('rest.port: 1\nrest:\n  port: 2\n');
    expect(() => loadConfiguration({ confDir, env: {} })).toThrow("sets 'rest.port' twice");
  });

  it('fails on a file that is not valid YAML, naming the path', () => {
    const confDir = confDirWith('rest.port: [8081\nparallelism.default: 2\n');
    const path = join(confDir, 'config.yaml');
    expect(() => loadConfiguration({ confDir, env: {} })).toThrow(
      expect.objectContaining({
        name: 'IllegalConfigurationError',
        message: expect.stringContaining(`configuration file ${path} is not valid YAML`) as unknown,
      }),
    );
  });

  it('fails on a file that is not a mapping, naming the path', () => {
    const confDir = confDirWith('- a\n- b\n');
    expect(() => loadConfiguration({ confDir, env: {} })).toThrow(
      `configuration file ${join(confDir, 'config.yaml')} must be a YAML mapping of 'key: value' lines, but it holds a list`,
    );
  });

  it('fails when config.yaml cannot be read', () => {
    const confDir = confDirWith(undefined);
    mkdirSync(join(confDir, 'config.yaml'));
    expect(() => loadConfiguration({ confDir, env: {} })).toThrow('cannot read configuration file');
  });

  it('names the file when a value in it is bad', () => {
    const confDir = confDirWith('taskmanager.numberOfTaskSlots: 0\n');
    expect(() => loadConfiguration({ confDir, env: {} })).toThrow(
      `invalid value '0' for 'taskmanager.numberOfTaskSlots' (from ${join(confDir, 'config.yaml')}): expected an integer >= 1`,
    );
  });

  it('names -D when a dynamic property is bad', () => {
    const confDir = confDirWith(undefined);
    expect(() =>
      loadConfiguration({ confDir, env: {}, dynamicProperties: ['parallelism.default=abc'] }),
    ).toThrow("invalid value 'abc' for 'parallelism.default' (from -D): expected an integer >= 1");
    expect(() => loadConfiguration({ confDir, env: {}, dynamicProperties: ['x'] })).toThrow(
      "-D expects key=value, got 'x'",
    );
  });

  it('names the variable and line of a bad FRESHET_PROPERTIES line', () => {
    const env = { FRESHET_PROPERTIES: 'rest.port: 1\nnonsense\n' };
    expect(() => loadConfiguration({ confDir: confDirWith(undefined), env })).toThrow(
      "FRESHET_PROPERTIES line 2: expected 'key: value', got 'nonsense'",
    );
  });
});

describe('parseDynamicProperty', () => {
  it('splits at the first =', () => {
    expect(parseDynamicProperty('s3.endpoint=http://minio:9000/?a=b')).toEqual({
      key: 's3.endpoint',
      value: 'http://minio:9000/?a=b',
    });
    expect(parseDynamicProperty('-Drest.port=8082')).toEqual({ key: 'rest.port', value: '8082' });
    expect(parseDynamicProperty('web.upload.dir=')).toEqual({ key: 'web.upload.dir', value: '' });
  });

  it.each(['x', '=value', ''])('rejects %j', (text) => {
    expect(() => parseDynamicProperty(text)).toThrow(IllegalConfigurationError);
    expect(() => parseDynamicProperty(text)).toThrow(`-D expects key=value, got '${text}'`);
  });
});

describe('parsePropertiesText', () => {
  it('splits at the first colon so URLs survive, and unquotes values', () => {
    expect(parsePropertiesText("s3.endpoint: http://minio:9000\nrest.address: 'jm'\r\n", 'ENV')).toEqual([
      { key: 's3.endpoint', value: 'http://minio:9000' },
      { key: 'rest.address', value: 'jm' },
    ]);
  });
});
