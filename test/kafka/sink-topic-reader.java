/*
 * Reads a topic with Kafka's own Java consumer, the reference for read_committed (the KafkaSink
 * tests use it to check exactly-once output; see sink-test-support.ts). Run in Java's source-file
 * mode with Kafka's jars on the class path:
 *   java -cp '<libs>/*' sink-topic-reader.java <bootstrap> <topic> <partitions> <read_committed|read_uncommitted> <end marker> <timeout ms>
 * Assigns every partition, reads from the beginning until the end marker of each partition was
 * read, and prints one line per record before the markers:
 *   partition TAB timestamp TAB base64(key) or - TAB base64(value)
 * Exits 2 if the markers did not all arrive within the timeout, naming the open transactions.
 */
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

class SinkTopicReader {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int partitions = Integer.parseInt(args[2]);
    String isolation = args[3];
    String endMarker = args[4];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[5]);
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", isolation);
    props.put("enable.auto.commit", "false");
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Base64.Encoder base64 = Base64.getEncoder();
    StringBuilder out = new StringBuilder();
    Set<Integer> ended = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> assigned = new ArrayList<>();
      for (int p = 0; p < partitions; p++) assigned.add(new TopicPartition(topic, p));
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      while (ended.size() < partitions) {
        if (System.currentTimeMillis() > deadline) {
          System.err.println("end markers of partitions " + ended + " of " + partitions + " arrived before the timeout");
          System.err.println("open transactions: " + openTransactions(bootstrap));
          System.exit(2);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          String value = record.value() == null ? "" : new String(record.value(), "UTF-8");
          if (value.equals(endMarker)) {
            ended.add(record.partition());
          } else if (!ended.contains(record.partition())) {
            out.append(record.partition()).append('\t').append(record.timestamp()).append('\t')
                .append(record.key() == null ? "-" : base64.encodeToString(record.key())).append('\t')
                .append(base64.encodeToString(record.value() == null ? new byte[0] : record.value()))
                .append('\n');
          }
        }
      }
    }
    System.out.print(out);
    System.out.flush();
  }

  /** What holds a read_committed consumer back: the transactions still open, described. */
  static String openTransactions(String bootstrap) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(props)) {
      List<String> ids = new ArrayList<>();
      for (TransactionListing listing : admin.listTransactions().all().get()) {
        if (listing.state().toString().equals("Ongoing")) ids.add(listing.transactionalId());
      }
      return ids.isEmpty() ? "none" : admin.describeTransactions(ids).all().get().toString();
    } catch (Exception e) {
      return "unknown (" + e + ")";
    }
  }
}
