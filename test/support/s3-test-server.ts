/**
 * A real S3-protocol server for tests: s3rver on 127.0.0.1 (a free port) storing objects in a temp
 * directory, with one bucket created up front and no logging. Tests talk to it only over HTTP with
 * the AWS SDK, exactly as the runtime talks to S3 or MinIO.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverOptions {
  readonly address: string;
  readonly port: number;
  readonly silent: boolean;
  readonly directory: string;
  readonly resetOnClose: boolean;
  readonly configureBuckets: readonly { readonly name: string }[];
}
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  readonly httpServer?: Server;
}
type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverConstructor;

/** s3rver's built-in account (it accepts no other access key). */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`; use with path-style access. */
  readonly endpoint: string;
  /** A bucket that exists when the server starts. */
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Closes the server (and its open connections) and deletes its directory. */
  stop(): Promise<void>;
}

export interface S3TestServerOptions {
  /** Name of the pre-created bucket; default `freshet-test`. */
  readonly bucket?: string;
}

export async function startS3TestServer(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? 'freshet-test';
  const directory = await mkdtemp(join(tmpdir(), 'freshet-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    resetOnClose: false,
    configureBuckets: [{ name: bucket }],
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      // Keep-alive sockets of SDK clients would hold `close` open until they time out.
      server.httpServer?.closeAllConnections();
      try {
        await server.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}
