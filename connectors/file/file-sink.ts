import { mkdirSync } from 'node:fs';
import type { SinkInitContext, TwoPhaseCommittingSink } from '../../api/connector/sink.js';
import { FreshetError, IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import { Bucket } from './bucket.js';
import { toEncodeFunction, type Encoder } from './encoder.js';
import { parseFileSinkTarget, type FileSinkTarget } from './file-path.js';
import type { FileSinkCommittable, FileSinkWriterState } from './file-sink-committable.js';
import { FileSinkCommitter } from './file-sink-committer.js';
import { FileSinkErrorCode, fileSinkIoError } from './file-sink-errors.js';
import { FileSinkWriter } from './file-sink-writer.js';
import { LocalPartFileWriter } from './local-part-file-writer.js';
import type { OutputFileConfig } from './output-file-config.js';
import type { PartFileWriter } from './part-file-writer.js';
import { DefaultRollingPolicy, type RollingPolicy } from './rolling-policy.js';
import { S3PartFileWriter } from './s3-part-file-writer.js';

/**
 * Writes rows into part files under a local directory or an `s3://bucket/prefix` (Flink's FileSink
 * in row format), exactly once through two-phase commit. Part files are invisible while written
 * (local: hidden `.part-….inprogress` files; S3: multipart uploads) and become visible as
 * `part-<uid or id>-<subtask>-<n><suffix>` when committed: after the checkpoint that closed them
 * completed, or, when the job takes no checkpoints, as soon as they are rolled or the bounded input
 * ends. See FileSinkWriter for when parts roll.
 */
export class FileSink<T> implements TwoPhaseCommittingSink<T, FileSinkCommittable, FileSinkWriterState> {
  private readonly target: FileSinkTarget;
  private readonly encode: (element: T) => string;
  private readonly rollingPolicy: RollingPolicy<T>;
  private readonly partPrefix: string;
  private readonly partSuffix: string;

  /** Prefer `FileSink.forRowFormat(path, encoder?)…build()`. */
  constructor(
    target: FileSinkTarget,
    encode: (element: T) => string,
    rollingPolicy: RollingPolicy<T>,
    outputFileConfig: OutputFileConfig,
  ) {
    this.target = target;
    this.encode = encode;
    this.rollingPolicy = rollingPolicy;
    this.partPrefix = outputFileConfig.partPrefix ?? 'part';
    this.partSuffix = outputFileConfig.partSuffix ?? '';
  }

  /**
   * Rows encoded by `encoder` (default: `JSON.stringify(element)` + newline) under `path`: a local
   * path, a `file://` URI or `s3://bucket/prefix` (connected by the `s3.*` configuration keys).
   */
  static forRowFormat<T>(path: string, encoder?: Encoder<T>): RowFormatBuilder<T> {
    return new RowFormatBuilder(path, encoder);
  }

  /** `recoveredState`: part numbering continues after the largest recovered counter. */
  createWriter(context: SinkInitContext, recoveredState: FileSinkWriterState[] = []): FileSinkWriter<T> {
    const bucket = new Bucket(
      {
        partPrefix: this.partPrefix,
        partSuffix: this.partSuffix,
        operatorUidOrId: context.operatorUidOrId,
        indexOfSubtask: context.indexOfSubtask,
      },
      restoredPartCounter(recoveredState),
    );
    return new FileSinkWriter(
      this.partFileWriter(context, true),
      this.encode,
      this.rollingPolicy,
      bucket,
      context,
    );
  }

  createCommitter(context: SinkInitContext): FileSinkCommitter {
    return new FileSinkCommitter(this.partFileWriter(context, false));
  }

  private partFileWriter(context: SinkInitContext, forWriting: boolean): PartFileWriter {
    const target = this.target;
    if (target.kind === 's3') {
      return S3PartFileWriter.fromConfiguration(context.configuration, target.bucket, target.prefix);
    }
    if (forWriting) {
      try {
        mkdirSync(target.directory, { recursive: true });
      } catch (error) {
        throw fileSinkIoError(FileSinkErrorCode.ioFailed, 'create directory', target.directory, error);
      }
    }
    return new LocalPartFileWriter(target.directory);
  }
}

/** The largest `nextPartCounter` of the recovered writer states (0 on a fresh start). */
function restoredPartCounter(states: readonly FileSinkWriterState[]): number {
  let counter = 0;
  for (const state of states) {
    const next = (state as Partial<FileSinkWriterState> | undefined)?.nextPartCounter;
    if (typeof next !== 'number' || !Number.isSafeInteger(next) || next < 0) {
      throw new FreshetError(
        'INVALID_FILE_SINK_STATE',
        `FileSink writer state ${JSON.stringify(state)} has no valid nextPartCounter; ` +
          'the checkpoint was not written by this FileSink',
      );
    }
    counter = Math.max(counter, next);
  }
  return counter;
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
    return new FileSink(
      parseFileSinkTarget(this.path),
      toEncodeFunction(this.encoder),
      this.rollingPolicy,
      this.outputFileConfig,
    );
  }
}
