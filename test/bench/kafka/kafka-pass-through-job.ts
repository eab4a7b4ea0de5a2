/**
 * The Kafka benchmark's pass-through job: KafkaSource (string values, from the earliest offset)
 * → KafkaSink AT_LEAST_ONCE into another topic, at the given parallelism, checkpointing every
 * second. Arguments: `<bootstrap servers> <input topic> <output topic> <bounded|unbounded>
 * <group id> <parallelism>`; bounded stops at the offsets that are latest when the job starts.
 */
import { StreamExecutionEnvironment, WatermarkStrategy } from 'freshet';
import {
  DeliveryGuarantee,
  KafkaRecordSerializationSchema,
  KafkaSink,
  KafkaSource,
  OffsetsInitializer,
  SimpleStringSchema,
} from 'freshet/connectors';

export default async function main(args: string[]): Promise<void> {
  const [
    servers = '127.0.0.1:9092',
    input = 'in',
    output = 'out',
    mode = 'bounded',
    group = 'bench',
    parallelism = '2',
  ] = args;
  const builder = KafkaSource.builder()
    .setBootstrapServers(servers)
    .setTopics(input)
    .setGroupId(group)
    .setStartingOffsets(OffsetsInitializer.earliest())
    .setValueOnlyDeserializer(new SimpleStringSchema());
  const source = (mode === 'bounded' ? builder.setBounded(OffsetsInitializer.latest()) : builder).build();
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(Number(parallelism));
  env.enableCheckpointing(1000);
  env
    .fromSource(source, WatermarkStrategy.noWatermarks<string>(), 'kafka in')
    .sinkTo(
      KafkaSink.builder<string>()
        .setBootstrapServers(servers)
        .setRecordSerializer(
          KafkaRecordSerializationSchema.builder<string>()
            .setTopic(output)
            .setValueSerializationSchema(new SimpleStringSchema())
            .build(),
        )
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build(),
    )
    .name('kafka out');
  await env.execute('kafka-pass-through');
}
