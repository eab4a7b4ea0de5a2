/**
 * The RocksDB instance of one slot, shared by the keyed operators of the tasks in it: opened on
 * first use in a fresh directory under one of `taskmanager.state.local.root-dirs`, closed and
 * deleted when the last operator lets go. Every keyed state of every operator gets its own state
 * ID (the second field of each RocksDB key), so their keys never meet.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FreshetError } from '../../../common/errors/freshet-error.js';
import type { IoConnection } from './rocksdb-io-protocol.js';
import { connectRocksDBIo } from './rocksdb-io-service.js';
import { RocksDBInstance } from './rocksdb-instance.js';
import { MAX_STATE_ID } from './rocksdb-key-codec.js';

export interface RocksDBLease {
  readonly instance: RocksDBInstance;
  allocateStateId(): number;
  /** Returns state IDs whose keys have been deleted (the deletes are queued before any reuse). */
  freeStateIds(ids: readonly number[]): void;
  release(): void;
}

export class SlotRocksDB {
  private instance: RocksDBInstance | undefined;
  private opening: Promise<void> | undefined;
  private leases = 0;
  private nextStateId = 1;
  private readonly freeIds: number[] = [];

  private connection: IoConnection | undefined;

  /**
   * `rootDirs`: taskmanager.state.local.root-dirs (the OS temporary directory when empty);
   * `connect`: the slot's line to the process's RocksDB I/O thread, asked for on first use.
   */
  constructor(
    private readonly rootDirs: readonly string[],
    private readonly slotName: string,
    private readonly connect: () => IoConnection = connectRocksDBIo,
  ) {}

  /** A lease on the slot's instance, opening it first when no operator holds one. */
  async acquire(): Promise<RocksDBLease> {
    this.leases++;
    try {
      this.opening ??= this.openInstance();
      await this.opening;
    } catch (error) {
      this.leases--;
      this.opening = undefined;
      throw error;
    }
    const instance = this.instance!;
    let released = false;
    return {
      instance,
      allocateStateId: () => this.allocateStateId(),
      freeStateIds: (ids) => {
        if (this.instance === instance) this.freeIds.push(...ids);
      },
      release: () => {
        if (released) return;
        released = true;
        if (--this.leases === 0 && this.instance === instance) {
          this.instance = undefined;
          this.opening = undefined;
          void instance.close(true);
        }
      },
    };
  }

  private async openInstance(): Promise<void> {
    const roots = this.rootDirs.length === 0 ? [tmpdir()] : this.rootDirs;
    const root = roots[Math.floor(Math.random() * roots.length)]!;
    const name = this.slotName.replace(/[^A-Za-z0-9_-]/g, '_');
    this.connection ??= this.connect();
    this.instance = await RocksDBInstance.open(
      join(root, `freshet-rocksdb-${name}-${randomBytes(4).toString('hex')}`),
      this.connection,
    );
    this.nextStateId = 1;
    this.freeIds.length = 0;
  }

  private allocateStateId(): number {
    const reused = this.freeIds.pop();
    if (reused !== undefined) return reused;
    if (this.nextStateId > MAX_STATE_ID) {
      throw new FreshetError(
        'TOO_MANY_STATES',
        `the slot's RocksDB instance has no state ID left (${MAX_STATE_ID} keyed states in use at once)`,
      );
    }
    return this.nextStateId++;
  }

  /** Closes the instance even if leases remain (the slot is going away). */
  async close(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.opening = undefined;
    this.leases = 0;
    await instance?.close(true);
  }
}
