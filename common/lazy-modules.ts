/**
 * Client libraries that are slow to load (tens to a hundred milliseconds each), loaded on first use
 * instead of when `freshet` or `freshet/connectors` is imported: every slot worker imports both, and
 * a job that uses no S3, Kafka or JDBC must not pay for their clients. Each loader is synchronous
 * (all of these packages ship CommonJS) and returns the same module object as a static import would.
 *
 * Modules that need these packages take only their types statically (`import type`) and call the
 * loader where a value is needed; common/lazy-modules.test.ts checks that importing the package
 * entries loads none of them.
 */
import { createRequire } from 'node:module';
import type * as AwsS3 from '@aws-sdk/client-s3';
import type * as Kafkajs from 'kafkajs';
import type Mysql2 from 'mysql2/promise';
import type Pg from 'pg';
import type Pino from 'pino';

const require = createRequire(import.meta.url);

let awsS3: typeof AwsS3 | undefined;
let kafkajs: typeof Kafkajs | undefined;
let mysql2: typeof Mysql2 | undefined;
let pg: typeof Pg | undefined;
let pino: typeof Pino | undefined;

/** `@aws-sdk/client-s3`: S3Client and its commands. */
export function loadAwsS3(): typeof AwsS3 {
  return (awsS3 ??= require('@aws-sdk/client-s3') as typeof AwsS3);
}

/** `kafkajs`. */
export function loadKafkajs(): typeof Kafkajs {
  return (kafkajs ??= require('kafkajs') as typeof Kafkajs);
}

/** `mysql2/promise`. */
export function loadMysql2(): typeof Mysql2 {
  return (mysql2 ??= require('mysql2/promise') as typeof Mysql2);
}

/** `pg`. */
export function loadPg(): typeof Pg {
  return (pg ??= require('pg') as typeof Pg);
}

/** `pino`. */
export function loadPino(): typeof Pino {
  return (pino ??= require('pino') as typeof Pino);
}
