import { readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Boundedness, type Source, type SourceReader } from '../../api/connector/source.js';
import {
  FreshetError,
  IllegalConfigurationError,
  UserError,
  ErrorDomain,
} from '../../common/errors/freshet-error.js';
import { checkParallelism } from '../base/split-range-evenly.js';
import { toLocalPath } from './file-path.js';
import { FileSourceReader } from './file-source-reader.js';
import type { StreamFormat } from './stream-format.js';

/** One file to read; `offset` is the byte offset of the next record (replayable). */
export interface FileSourceSplit {
  readonly splitId: string;
  /** Absolute local path. */
  readonly path: string;
  readonly offset: number;
}

/**
 * A bounded source reading records from files (Flink's FileSource). Each path is a file or a
 * directory whose files are read (not recursively, in name order, skipping names that start with
 * `.` or `_`). One split per file; split i goes to subtask i % p.
 */
export class FileSource<T> implements Source<T, FileSourceSplit> {
  private readonly format: StreamFormat<T>;
  private readonly paths: readonly string[];

  /** Prefer `FileSource.forRecordStreamFormat(format, ...paths).build()`. */
  constructor(format: StreamFormat<T>, paths: readonly string[]) {
    if (paths.length === 0) throw new IllegalConfigurationError('FileSource needs at least one path');
    for (const path of paths) toLocalPath(path, 'FileSource path', unsupportedScheme);
    this.format = format;
    this.paths = paths;
  }

  /** Reads the files with a StreamFormat, e.g. `new TextLineInputFormat()`; paths are local or file://. */
  static forRecordStreamFormat<T>(format: StreamFormat<T>, ...paths: string[]): FileSourceBuilder<T> {
    return new FileSourceBuilder(format, paths);
  }

  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  createSplits(parallelism: number): FileSourceSplit[] {
    checkParallelism(parallelism);
    const files = this.paths.flatMap((path) => enumerateFiles(path));
    return files.map((path, i) => ({ splitId: String(i), path, offset: 0 }));
  }

  createReader(): SourceReader<T, FileSourceSplit> {
    return new FileSourceReader(this.format);
  }
}

/** Configures a FileSource (Flink's FileSourceBuilder); only bounded reading exists so far. */
export class FileSourceBuilder<T> {
  private readonly format: StreamFormat<T>;
  private readonly paths: readonly string[];

  constructor(format: StreamFormat<T>, paths: readonly string[]) {
    this.format = format;
    this.paths = [...paths];
  }

  build(): FileSource<T> {
    return new FileSource(this.format, this.paths);
  }
}

function unsupportedScheme(scheme: string): string {
  return `FileSource reads local files only (a path or file:// URI); '${scheme}://' is not supported yet`;
}

/** The files a configured path stands for, as absolute paths. */
function enumerateFiles(configured: string): string[] {
  const path = toLocalPath(configured, 'FileSource path', unsupportedScheme);
  const stats = statOrThrow(configured, path);
  if (!stats.isDirectory()) return [path];
  const names = readdirSync(path).filter((name) => !name.startsWith('.') && !name.startsWith('_'));
  names.sort();
  return names.map((name) => join(path, name)).filter((file) => statOrThrow(configured, file).isFile());
}

function statOrThrow(configured: string, path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const shown = configured === path ? `'${path}'` : `'${configured}' (${path})`;
      throw new UserError('FILE_NOT_FOUND', `FileSource path ${shown} does not exist; check the path`, {
        cause: error,
      });
    }
    throw new FreshetError('FILE_SOURCE_LIST_FAILED', `FileSource cannot read '${path}': ${String(error)}`, {
      domain: ErrorDomain.external,
      retryable: true,
      cause: error,
    });
  }
}
