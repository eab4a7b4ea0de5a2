/**
 * Restoring from damaged checkpoints of real jobs (embedded cluster): a keyed running count
 * checkpoints to a local directory, then its checkpoint is damaged afterwards — `_metadata` with a
 * flipped byte or cut short, a keyed state file deleted — and reading it back must fail with an
 * error that names the damaged file. The job-level case deletes the state files of the checkpoint a
 * restart is about to restore from: the restart fails with that error as the job's failure cause.
 */
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RichMapFunction, WatermarkStrategy, type Pipeline } from 'freshet';
import { DataGeneratorSource, RateLimiterStrategy } from 'freshet/connectors';
import { loadCheckpointMetadata } from '../../common/checkpoint/checkpoint-metadata-io.js';
import type { CheckpointMetadata, OperatorState } from '../../common/checkpoint/checkpoint-metadata.js';
import {
  CheckpointMetadataNotFoundError,
  CorruptCheckpointMetadataError,
} from '../../common/checkpoint/checkpoint-storage-errors.js';
import { CheckpointStorageFactory } from '../../common/checkpoint/checkpoint-storage-factory.js';
import type { CheckpointStorage } from '../../common/checkpoint/checkpoint-storage.js';
import { FreshetError } from '../../common/errors/freshet-error.js';
import { computeKeyGroupRangeForOperatorIndex } from '../../common/key-groups.js';
import { toStoredMetadata } from '../../jobmanager/checkpoint/storage-coordinator-view.js';
import type { JobMaster } from '../../jobmanager/scheduler/job-master.js';
import { readOperatorState } from '../../taskmanager/checkpoint/task-state-restorer.js';
import {
  captureEnvironment,
  checkpointStats,
  cleanUpMiniClusters,
  discardingSink,
  latestCompletedCheckpoint,
  resultWithin,
  submitOnMiniCluster,
  tempDirectory,
} from './checkpoint-fault-support.js';

const KEYS = 8;

interface Count {
  readonly key: number;
  readonly count: number;
}

const storages: CheckpointStorage[] = [];
afterEach(async () => {
  await Promise.all(storages.splice(0).map((storage) => storage.close()));
  await cleanUpMiniClusters();
});

/**
 * events (rate-limited) → keyBy → running count per key → `map` → discard, at parallelism 2 with a
 * checkpoint every `intervalMs`.
 */
function keyedCountJob(
  checkpoints: string,
  options: {
    readonly events: number;
    readonly intervalMs: number;
    readonly map?: RichMapFunction<Count, Count>;
    readonly configuration?: Readonly<Record<string, string>>;
  },
): Pipeline {
  const env = captureEnvironment();
  env.setParallelism(2);
  env.enableCheckpointing(options.intervalMs);
  env.configure({ 'state.checkpoints.dir': `file://${checkpoints}`, ...options.configuration });
  const counts = env
    .fromSource(
      new DataGeneratorSource<Count>(
        (id) => ({ key: id % KEYS, count: 1 }),
        options.events,
        RateLimiterStrategy.perSecond(4000),
      ),
      WatermarkStrategy.noWatermarks(),
      'events',
    )
    .keyBy((e) => e.key)
    .reduce((a, b) => ({ key: a.key, count: a.count + b.count }))
    .name('count per key');
  (options.map === undefined ? counts : counts.map(options.map).name('maybe fail'))
    .sinkTo(discardingSink())
    .name('discard');
  return env.getPipeline('keyed-count');
}

/** Runs the keyed job to its end and loads the metadata of its latest completed checkpoint. */
async function finishedJobCheckpoint(): Promise<{ pointer: string; metadata: CheckpointMetadata }> {
  const checkpoints = await tempDirectory('freshet-faults-ckpt-');
  const master = await submitOnMiniCluster(keyedCountJob(checkpoints, { events: 1000, intervalMs: 50 }));
  const result = await resultWithin(master, 30_000);
  expect(result.failure).toBeUndefined();
  expect(result.status).toBe('FINISHED');
  const completed = latestCompletedCheckpoint(master);
  expect(completed, 'a completed checkpoint').toBeDefined();
  const storage = CheckpointStorageFactory.create();
  storages.push(storage);
  const loaded = await loadCheckpointMetadata(storage, completed!.externalPointer);
  expect(loaded.metadata.checkpointId).toBe(completed!.checkpointId);
  return { pointer: completed!.externalPointer, metadata: loaded.metadata };
}

function keyedOperatorOf(metadata: CheckpointMetadata): OperatorState {
  const keyed = metadata.operators.filter((op) => op.subtaskStates.some((s) => s.keyedState !== undefined));
  expect(keyed, 'exactly one keyed operator in the checkpoint').toHaveLength(1);
  return keyed[0]!;
}

/** The keyed state files of a checkpoint, by subtask index. */
function keyedStateFiles(metadata: CheckpointMetadata): string[] {
  return [...keyedOperatorOf(metadata).subtaskStates]
    .sort((a, b) => a.subtask - b.subtask)
    .flatMap((s) => (s.keyedState ?? []).map((handle) => fileURLToPath(handle.path)));
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('corrupt _metadata of a real checkpoint', () => {
  it('a flipped byte, a cut-short file and a deleted file each fail loading with an error naming _metadata', async () => {
    const { pointer } = await finishedJobCheckpoint();
    const file = join(fileURLToPath(pointer), '_metadata');
    const original = await readFile(file);
    const storage = CheckpointStorageFactory.create();
    storages.push(storage);

    const flipped = Buffer.from(original);
    const middle = flipped.byteLength >> 1;
    flipped[middle] = flipped[middle]! ^ 0x01;
    await writeFile(file, flipped);
    const checksum = await errorOf(loadCheckpointMetadata(storage, pointer));
    expect(checksum).toBeInstanceOf(CorruptCheckpointMetadataError);
    expect((checksum as FreshetError).code).toBe('CORRUPT_CHECKPOINT_METADATA');
    expect((checksum as Error).message).toContain(file);
    expect((checksum as Error).message).toContain('checksum mismatch');

    await writeFile(file, original);
    expect((await loadCheckpointMetadata(storage, pointer)).metadata.checkpointId).toBeGreaterThan(0);
    await truncate(file, original.byteLength - 7);
    const cut = await errorOf(loadCheckpointMetadata(storage, `${pointer}/_metadata`));
    expect(cut).toBeInstanceOf(CorruptCheckpointMetadataError);
    expect((cut as Error).message).toContain(file);
    expect((cut as Error).message).toContain(
      `truncated: ${original.byteLength - 7} of ${original.byteLength} bytes`,
    );

    rmSync(file);
    const missing = await errorOf(loadCheckpointMetadata(storage, pointer));
    expect(missing).toBeInstanceOf(CheckpointMetadataNotFoundError);
    expect((missing as Error).message).toContain(file);
  });
});

describe('a missing state file on restore', () => {
  it('readOperatorState fails naming the deleted keyed state file', async () => {
    const { metadata } = await finishedJobCheckpoint();
    const operator = keyedOperatorOf(metadata);
    const storage = CheckpointStorageFactory.create();
    storages.push(storage);
    // All key groups at parallelism 1: the restore reads the files of both old subtasks.
    const position = {
      subtaskIndex: 0,
      parallelism: 1,
      keyGroupRange: computeKeyGroupRangeForOperatorIndex(operator.maxParallelism, 1, 0),
    };
    const intact = await readOperatorState(storage, operator, position);
    expect(intact.keyed).toHaveLength(2);

    const files = keyedStateFiles(metadata);
    expect(files).toHaveLength(2);
    rmSync(files[1]!);
    const error = await errorOf(readOperatorState(storage, operator, position));
    expect(error).toBeInstanceOf(FreshetError);
    expect((error as FreshetError).code).toBe('CHECKPOINT_STATE_FILE_NOT_FOUND');
    expect((error as Error).message).toContain(files[1]);
    expect((error as Error).message).toContain('does not exist');
  });

  it('a restart that must restore from a checkpoint whose state files were deleted fails with that error', async () => {
    const checkpoints = await tempDirectory('freshet-faults-ckpt-');
    const job: { master?: JobMaster } = {};
    let deleted: { checkpointId: number; files: string[] } | undefined;
    /**
     * In the first attempt, once a checkpoint completed and none is in progress, deletes that
     * checkpoint's keyed state files and fails. No later checkpoint can complete (this task will
     * never acknowledge one), so the restart restores exactly that checkpoint.
     */
    class DeleteStateAndFail extends RichMapFunction<Count, Count> {
      map(value: Count): Count {
        if (deleted !== undefined || this.getRuntimeContext().getAttemptNumber() > 0) return value;
        deleted = deleteStateOfLatestCheckpoint(job.master);
        if (deleted === undefined) return value;
        throw new Error('injected failure after deleting the state files');
      }
    }
    const master = await submitOnMiniCluster(
      keyedCountJob(checkpoints, {
        events: Number.POSITIVE_INFINITY,
        intervalMs: 100,
        map: new DeleteStateAndFail(),
        configuration: {
          'restart-strategy.type': 'fixed-delay',
          'restart-strategy.fixed-delay.attempts': '1',
          'restart-strategy.fixed-delay.delay': '10 ms',
        },
      }),
    );
    job.master = master;
    const result = await resultWithin(master, 30_000);
    expect(deleted, 'the state files were deleted').toBeDefined();
    expect(result.status).toBe('FAILED');
    expect(master.numRestarts).toBe(1);
    expect(checkpointStats(master).latest.restored?.checkpointId).toBe(deleted!.checkpointId);
    const message = result.failure?.message ?? '';
    expect(message).toMatch(
      /^count per key -> maybe fail -> discard \([12]\/2\) failed: checkpoint state file /,
    );
    expect(
      deleted!.files.some((file) => message.includes(file)),
      message,
    ).toBe(true);
    expect(rootCauseCode(result.failure)).toBe('CHECKPOINT_STATE_FILE_NOT_FOUND');
  });
});

/** Deletes the keyed state files of the latest completed checkpoint, if one completed and none is pending. */
function deleteStateOfLatestCheckpoint(
  master: JobMaster | undefined,
): { checkpointId: number; files: string[] } | undefined {
  if (master === undefined || (master.checkpointCoordinator?.numberOfPendingCheckpoints ?? 1) > 0) {
    return undefined;
  }
  const completed = latestCompletedCheckpoint(master);
  if (completed === undefined) return undefined;
  const files = keyedStateFiles(toStoredMetadata(master.jobId, completed.metadata));
  for (const file of files) rmSync(file);
  return { checkpointId: completed.checkpointId, files };
}

function rootCauseCode(error: unknown): string | undefined {
  let current = error;
  let code: string | undefined;
  while (current instanceof Error) {
    if (current instanceof FreshetError) code = current.code;
    current = current.cause;
  }
  return code;
}
