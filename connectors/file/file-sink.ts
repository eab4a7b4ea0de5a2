import { mkdirSync } from 'node:fs';
import type { Sink, SinkInitContext, SinkWriter } from '../../api/connector/sink.js';
import { ErrorDomain, FreshetError, IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { Bucket } from './bucket.js';
import { toEncodeFunction, type Encoder } from './encoder.js';
import { toLocalPath } from './file-path.js';
import { FileSinkWriter } from './file-sink-writer.js';
import type { OutputFileConfig } from './output-file-config.js';
import { DefaultRollingPolicy, type RollingPolicy } from './rolling-policy.js';

/**
 * Writes rows into part files under a directory (Flink's FileSink in row format). Part files are
 * hidden while written (`.part-…inprogress`) and become visible `part-<uid or id>-<subtask>-<n>`
 * when rolled or when the bounded input ends.
 */
export class FileSink<T> implements Sink<T> {
  private readonly directory: string;
  private readonly encode: (element: T) => string;
  private readonly rollingPolicy: RollingPolicy<T>;
  private readonly partPrefix: string;
  private readonly partSuffix: string;

  /** Prefer `FileSink.forRowFormat(path, encoder?)…build()`. */
  constructor(
    directory: string,
    encode: (element: T) => string,
    rollingPolicy: RollingPolicy<T>,
    outputFileConfig: OutputFileConfig,
  ) {
    this.directory = directory;
    this.encode = encode;
    this.rollingPolicy = rollingPolicy;
    this.partPrefix = outputFileConfig.partPrefix ?? 'part';
    this.partSuffix = outputFileConfig.partSuffix ?? '';
  }

  /** Rows encoded by `encoder` (default: `JSON.stringify(element)` + newline) under `path` (local or file://). */
  static forRowFormat<T>(path: string, encoder?: Encoder<T>): RowFormatBuilder<T> {
    return new RowFormatBuilder(path, encoder);
  }

  createWriter(context: SinkInitContext): SinkWriter<T> {
    try {
      mkdirSync(this.directory, { recursive: true });
    } catch (error) {
      throw new FreshetError(
        'FILE_SINK_IO_FAILED',
        `FileSink cannot create directory '${this.directory}': ${String(error)}`,
        {
          domain: ErrorDomain.external,
          retryable: true,
          cause: error,
        },
      );
    }
    const bucket = new Bucket({
      partPrefix: this.partPrefix,
      partSuffix: this.partSuffix,
      operatorUidOrId: context.operatorUidOrId,
      indexOfSubtask: context.indexOfSubtask,
    });
    return new FileSinkWriter(this.directory, this.encode, this.rollingPolicy, bucket, context);
  }
}

/** Configures a row-format FileSink (Flink's DefaultRowFormatBuilder). */
export class RowFormatBuilder<T> {
  private readonly path: string;
  private readonly encoder: Encoder<T> | undefined;
  private rollingPolicy: RollingPolicy<T> = DefaultRollingPolicy.builder().build();
  private outputFileConfig: OutputFileConfig = {};

  constructor(path: string, encoder?: Encoder<T>) {
    this.path = path;
    this.encoder = encoder;
  }

  /** The rolling policy (default: DefaultRollingPolicy with 128 MiB, 60 s, 60 s). */
  withRollingPolicy(policy?: RollingPolicy<T>): this {
    this.rollingPolicy = policy ?? DefaultRollingPolicy.builder().build();
    return this;
  }

  withOutputFileConfig(config: OutputFileConfig): this {
    for (const [name, value] of [
      ['partPrefix', config.partPrefix],
      ['partSuffix', config.partSuffix],
    ] as const) {
      if (value !== undefined && (value.includes('/') || value.includes('\\'))) {
        throw new IllegalConfigurationError(`FileSink ${name} '${value}' must not contain a path separator`);
      }
    }
    if (config.partPrefix !== undefined && (config.partPrefix === '' || config.partPrefix.startsWith('.'))) {
      throw new IllegalConfigurationError(
        `FileSink partPrefix '${config.partPrefix}' must be non-empty and not start with '.' (committed files are visible)`,
      );
    }
    this.outputFileConfig = config;
    return this;
  }

  build(): FileSink<T> {
    const directory = toLocalPath(this.path, 'FileSink path', (scheme) =>
      scheme === 's3'
        ? `s3:// FileSink needs the checkpoint issue (two-phase commit to S3); write to a local path or file:// for now ('${this.path}')`
        : `FileSink path '${this.path}' uses the unsupported scheme '${scheme}://'; use a local path or a file:// URI`,
    );
    return new FileSink(directory, toEncodeFunction(this.encoder), this.rollingPolicy, this.outputFileConfig);
  }
}
