/**
 * Builds the CheckpointStorage of a process from its configuration: `state.checkpoints.dir`,
 * `state.savepoints.dir` and the `s3.*` options (Flink's CheckpointStorageLoader).
 */
import type { Configuration } from '../config/configuration.js';
import { CheckpointingOptions, S3Options } from '../config/config-options.js';
import type { CheckpointStorage } from './checkpoint-storage.js';
import { CheckpointStorageRouter, type CheckpointStorageOptions } from './checkpoint-storage-router.js';
import type { S3CheckpointStorageOptions } from './s3-checkpoint-storage.js';

export const CheckpointStorageFactory = {
  /** A storage for the given directories and S3 options; see CheckpointStorageRouter. */
  create(options: CheckpointStorageOptions = {}): CheckpointStorage {
    return new CheckpointStorageRouter(options);
  },

  /**
   * A storage configured like Flink's: `state.checkpoints.dir` (or its fallback keys),
   * `state.savepoints.dir`, `s3.endpoint`, `s3.path.style.access`, `s3.access-key`,
   * `s3.secret-key`, `s3.region`. `s3` adds options that have no configuration key (test part
   * sizes, an injected client).
   */
  fromConfiguration(
    configuration: Configuration,
    s3: Omit<S3CheckpointStorageOptions, 'checkpointsDirectory' | 'savepointsDirectory'> = {},
  ): CheckpointStorage {
    const checkpointsDirectory = configuration.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
    const savepointsDirectory = configuration.get(CheckpointingOptions.SAVEPOINT_DIRECTORY);
    const endpoint = configuration.get(S3Options.ENDPOINT);
    const region = configuration.get(S3Options.REGION);
    const accessKey = configuration.get(S3Options.ACCESS_KEY);
    const secretKey = configuration.get(S3Options.SECRET_KEY);
    return new CheckpointStorageRouter({
      ...(checkpointsDirectory === undefined ? {} : { checkpointsDirectory }),
      ...(savepointsDirectory === undefined ? {} : { savepointsDirectory }),
      s3: {
        pathStyleAccess: configuration.get(S3Options.PATH_STYLE_ACCESS),
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(region === undefined ? {} : { region }),
        ...(accessKey === undefined ? {} : { accessKey }),
        ...(secretKey === undefined ? {} : { secretKey }),
        ...s3,
      },
    });
  },
};
