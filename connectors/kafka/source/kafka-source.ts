/**
 * Reads Kafka topics (Flink's KafkaSource, FLIP-27): a KafkaSourceEnumerator on the JobManager
 * discovers partitions and assigns each to one reader; KafkaSourceReaders fetch them, checkpoint
 * their offsets and commit them to the group on checkpoint completion. Build one with
 * `KafkaSource.builder()`.
 */
import type {
  Boundedness,
  Source,
  SourceReader,
  SourceReaderContext,
  SplitEnumerator,
  SplitEnumeratorContext,
} from '../../../api/connector/source.js';
import type { KafkaPartitionSplit } from './kafka-partition-split.js';
import { KafkaSourceBuilder, type KafkaSourceSettings } from './kafka-source-builder.js';
import { KafkaSourceEnumerator, type KafkaSourceEnumState } from './kafka-source-enumerator.js';
import { KafkaSourceReader } from './kafka-source-reader.js';

export class KafkaSource<T> implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState> {
  private readonly settings: KafkaSourceSettings<T>;

  /** Use `KafkaSource.builder()`. */
  constructor(settings: KafkaSourceSettings<T>) {
    this.settings = settings;
  }

  static builder<T = unknown>(): KafkaSourceBuilder<T> {
    return new KafkaSourceBuilder<T>((settings) => new KafkaSource(settings));
  }

  getBoundedness(): Boundedness {
    return this.settings.boundedness;
  }

  createEnumerator(
    context: SplitEnumeratorContext<KafkaPartitionSplit>,
  ): SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
    return new KafkaSourceEnumerator(context, this.settings);
  }

  restoreEnumerator(
    context: SplitEnumeratorContext<KafkaPartitionSplit>,
    checkpoint: KafkaSourceEnumState,
  ): SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
    return new KafkaSourceEnumerator(context, this.settings, checkpoint);
  }

  createReader(context: SourceReaderContext): SourceReader<T, KafkaPartitionSplit> {
    const { config, clientFactory, deserializer, deserializationErrorHandler } = this.settings;
    return new KafkaSourceReader(context, {
      config,
      client: clientFactory(`${config.clientIdPrefix}-${context.indexOfSubtask}`),
      deserializer,
      ...(deserializationErrorHandler === undefined ? {} : { deserializationErrorHandler }),
    });
  }
}
