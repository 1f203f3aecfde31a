package io.meridian.replog;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes stream records with an idempotent, transactional producer ({@code acks=all},
 * transactional id {@code meridian-bridge.<cluster>}): a second bridge for the same cluster calling
 * initTransactions fences this one (its next publish throws ProducerFencedException).
 * {@link #publish} returns only when Kafka committed the batch.
 */
public final class StreamPublisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

  public StreamPublisher(String bootstrap, TopicLayout layout, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "meridian-bridge." + layout.cluster());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    p.putAll(extra);
    this.topic = layout.streamTopic();
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
  }

  /** Writes the records in one transaction; throws (e.g. ProducerFencedException) when it failed. */
  public void publish(List<StreamRecord> records) {
    producer.beginTransaction();
    try {
      for (StreamRecord r : records) {
        producer.send(r.toProducerRecord(topic));
      }
      producer.commitTransaction();
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // fenced producers cannot abort
      }
      throw e;
    }
  }

  /** The last committed stream record of the topic (where a restarted bridge resumes), or null. */
  public static StreamRecord lastRecord(String bootstrap, TopicLayout layout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    return lastRecord(p, layout);
  }

  /** {@link #lastRecord(String, TopicLayout)} with the client's settings (security passed through). */
  public static StreamRecord lastRecord(Properties client, TopicLayout layout) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", false);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
      c.assign(List.of(tp));
      long end = settledEnd(client, c, tp);
      long begin = c.beginningOffsets(List.of(tp)).get(tp);
      // transaction markers occupy offsets: look back further and further until a data record is found
      for (long step = 16; ; step *= 2) {
        long from = Math.max(begin, end - step);
        c.seek(tp, from);
        StreamRecord last = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
            last = StreamRecord.from(r);
          }
        }
        if (last != null) {
          return last;
        }
        if (from == begin) {
          break;
        }
      }
      return null;
    }
  }

  /**
   * The committed end of the partition once the transactions written so far are settled: a
   * commit returns before its markers reach the partition, and until then read_committed
   * readers end before it (the last stable offset). Waits (a few seconds at most: a zombie's
   * open transaction is left to its timeout) until the last stable offset reaches the end of
   * what was written when asked.
   */
  private static long settledEnd(Properties client, KafkaConsumer<byte[], byte[]> committed, TopicPartition tp) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("isolation.level", "read_uncommitted");
    p.put("enable.auto.commit", false);
    long written;
    try (KafkaConsumer<byte[], byte[]> all = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      written = all.endOffsets(List.of(tp)).get(tp);
    }
    long deadline = System.currentTimeMillis() + 5_000;
    long end = committed.endOffsets(List.of(tp)).get(tp);
    while (end < written && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      end = committed.endOffsets(List.of(tp)).get(tp);
    }
    return end;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
