/** The connectors of Freshet (`freshet/connectors`): sources and sinks for jobs. */
export { CollectionSource, type CollectionSplit } from './collection/collection-source.js';
export { DataGeneratorSource } from './datagen/data-generator-source.js';
export { NumberSequenceSource } from './datagen/number-sequence-source.js';
export { RandomGenerator } from './datagen/random-generator.js';
export { RateLimiterStrategy, type RateLimiter } from './datagen/rate-limiter-strategy.js';
export type { SequenceSplit } from './datagen/sequence-source-reader.js';
export { FileSource, FileSourceBuilder, type FileSourceSplit } from './file/file-source.js';
export type { StreamFormat, StreamFormatDecoder } from './file/stream-format.js';
export { TextLineInputFormat } from './file/text-line-input-format.js';
export { FileSink, RowFormatBuilder } from './file/file-sink.js';
export { SimpleStringEncoder, type Encoder } from './file/encoder.js';
export type { OutputFileConfig } from './file/output-file-config.js';
export {
  DefaultRollingPolicy,
  DefaultRollingPolicyBuilder,
  type PartFileInfo,
  type RollingPolicy,
} from './file/rolling-policy.js';
export { PrintSink } from './print/print-sink.js';
export { DiscardingSink } from './blackhole/discarding-sink.js';
export { NexmarkSource, type NexmarkSplit } from './nexmark/nexmark-source.js';
export { NexmarkGenerator, generateEvents } from './nexmark/nexmark-generator.js';
export type { NexmarkConfig } from './nexmark/nexmark-generator-config.js';
export {
  eventTimestamp,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  type Auction,
  type Bid,
  type NexmarkEvent,
  type NexmarkEventType,
  type Person,
} from './nexmark/nexmark-model.js';
