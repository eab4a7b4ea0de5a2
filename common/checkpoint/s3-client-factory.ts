/**
 * Builds the S3 client of S3CheckpointStorage from Freshet's `s3.*` options: endpoint (MinIO, a
 * test server, or AWS when absent), path-style addressing, region (default `us-east-1`), and static
 * keys when both are given, else the AWS SDK's default credential chain.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { IllegalConfigurationError } from '../errors/freshet-error.js';
import { loadAwsS3 } from '../lazy-modules.js';

export interface S3ConnectionOptions {
  /** `s3.endpoint`: `http(s)://host:port` of an S3-compatible service; AWS when absent. */
  readonly endpoint?: string;
  /** `s3.region`; default `us-east-1`. */
  readonly region?: string;
  /** `s3.access-key`; with `secretKey`, else the AWS default credential chain. */
  readonly accessKey?: string;
  /** `s3.secret-key`. */
  readonly secretKey?: string;
  /** `s3.path.style.access`: address buckets as `<endpoint>/<bucket>` instead of `<bucket>.<endpoint>`. */
  readonly pathStyleAccess?: boolean;
  /** Attempts per request including retries (the SDK's `maxAttempts`, default 3). */
  readonly maxAttempts?: number;
  /** Give up connecting after this long; default 10 s. */
  readonly connectionTimeoutMs?: number;
  /** Close a socket idle for this long; default 120 s. */
  readonly socketTimeoutMs?: number;
}

export const DEFAULT_S3_REGION = 'us-east-1';
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
const DEFAULT_SOCKET_TIMEOUT_MS = 120_000;

export function createS3Client(options: S3ConnectionOptions): S3Client {
  const endpoint = options.endpoint === undefined ? undefined : checkEndpoint(options.endpoint);
  if ((options.accessKey === undefined) !== (options.secretKey === undefined)) {
    throw new IllegalConfigurationError(
      's3.access-key and s3.secret-key must be set together (or neither, to use the AWS default credential chain)',
    );
  }
  const config: S3ClientConfig = {
    region: options.region ?? DEFAULT_S3_REGION,
    forcePathStyle: options.pathStyleAccess ?? false,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    },
  };
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    // S3-compatible services often reject the SDK's default request checksums (aws-chunked
    // trailers); compute them only where the S3 API requires them. AWS itself keeps the default.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts;
  if (options.accessKey !== undefined && options.secretKey !== undefined) {
    config.credentials = { accessKeyId: options.accessKey, secretAccessKey: options.secretKey };
  }
  const { S3Client } = loadAwsS3();
  return new S3Client(config);
}

/** How error messages name the service: the endpoint URL, or AWS S3 and its region. */
export function describeS3Endpoint(options: S3ConnectionOptions): string {
  return options.endpoint ?? `AWS S3 (region ${options.region ?? DEFAULT_S3_REGION})`;
}

function checkEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (error) {
    throw new IllegalConfigurationError(
      `s3.endpoint '${endpoint}' is not a URL; write it as http://host:port or https://host`,
      { cause: error },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new IllegalConfigurationError(
      `s3.endpoint '${endpoint}' must start with http:// or https://, not ${url.protocol}//`,
    );
  }
  return trimmed;
}
