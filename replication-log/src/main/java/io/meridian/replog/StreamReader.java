package io.meridian.replog;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the stream topic (read_committed) from a Kafka offset and yields only the bytes past the
 * applied repl offset: records wholly at or before it are skipped (duplicates), a record starting
 * after it is a gap ({@link StreamGapException}, nothing past it is returned). Continuation
 * fragments are held until the command is whole.
 */
public final class StreamReader implements AutoCloseable {
  /** Whole commands ready to apply: stream bytes [start, end). */
  public record Chunk(String replid, long start, long end, int db, long epoch, byte[] bytes) {
  }

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopicPartition tp;
  private long applied;
  private ByteArrayOutputStream pending;
  private StreamRecord pendingFirst;
  private long pendingEnd;
  private StreamGapException gap;

  /** @param appliedOffset repl offset of the last byte already applied (the next byte needed is appliedOffset). */
  public StreamReader(String bootstrap, TopicLayout layout, long kafkaOffset, long appliedOffset) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", false);
    p.put("max.partition.fetch.bytes", 4 * 1024 * 1024);
    consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    tp = new TopicPartition(layout.streamTopic(), 0);
    consumer.assign(List.of(tp));
    consumer.seek(tp, kafkaOffset);
    applied = appliedOffset;
  }

  public long appliedOffset() {
    return applied;
  }

  /** Polls once; returns the whole commands past the applied offset, in order. */
  public List<Chunk> poll(Duration timeout) {
    if (gap != null) {
      throw gap; // terminal: nothing past a gap is ever returned
    }
    List<Chunk> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> cr : consumer.poll(timeout)) {
      StreamRecord r = StreamRecord.from(cr);
      long have = pending == null ? applied : pendingEnd;
      if (r.end() <= have) {
        continue; // duplicate
      }
      if (r.start() > have) {
        gap = new StreamGapException("gap in " + tp.topic() + " at kafka offset " + cr.offset() + ": record starts at repl offset "
            + r.start() + " but the applied offset is " + have);
        if (out.isEmpty()) {
          throw gap;
        }
        return out; // hand over what came before the gap; the next poll throws
      }
      int skip = (int) (have - r.start());
      if (pending == null) {
        pending = new ByteArrayOutputStream();
        pendingFirst = r;
      }
      pending.write(r.payload(), skip, r.payload().length - skip);
      pendingEnd = r.end();
      if (!r.more()) {
        out.add(new Chunk(r.replid(), applied, pendingEnd, pendingFirst.db(), r.epoch(), pending.toByteArray()));
        applied = pendingEnd;
        pending = null;
        pendingFirst = null;
      }
    }
    return out;
  }

  /** The Kafka offset of the first stream record with timestamp >= {@code at}, or the end offset. */
  public static long kafkaOffsetAt(String bootstrap, TopicLayout layout, Instant at) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(layout.streamTopic(), 0);
      OffsetAndTimestamp o = c.offsetsForTimes(Map.of(tp, at.toEpochMilli())).get(tp);
      return o != null ? o.offset() : c.endOffsets(List.of(tp)).get(tp);
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
