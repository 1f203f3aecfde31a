package io.meridian.replog;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Snapshots on {@code <prefix>.<cluster>.snapshots}: the RDB in chunk records then one manifest
 * record, all in one transaction (transactional id {@code meridian-bridge.<cluster>.snapshots}).
 * A snapshot without its manifest does not exist: {@link #latest} only returns manifested ones
 * whose chunks check out (count, size, CRC32).
 */
public final class SnapshotStore {
  /** Manifest of one snapshot. */
  public record Manifest(String replid, long replOffset, long streamKafkaOffset, int chunks, long size, long crc) {
    String id() {
      return replid + ":" + replOffset;
    }

    byte[] encode() {
      return ("v=1\nreplid=" + replid + "\nrepl-offset=" + replOffset + "\nstream-kafka-offset=" + streamKafkaOffset
          + "\nchunks=" + chunks + "\nsize=" + size + "\ncrc32=" + crc + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    static Manifest decode(byte[] b) {
      Map<String, String> m = new HashMap<>();
      for (String line : new String(b, StandardCharsets.US_ASCII).split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      if (!"1".equals(m.get("v"))) {
        throw new RecordFormatException("unsupported snapshot manifest version " + m.get("v"));
      }
      return new Manifest(m.get("replid"), Long.parseLong(m.get("repl-offset")),
          Long.parseLong(m.get("stream-kafka-offset")), Integer.parseInt(m.get("chunks")),
          Long.parseLong(m.get("size")), Long.parseLong(m.get("crc32")));
    }
  }

  /**
   * Waits until the committed manifest is visible to read_committed readers. commitTransaction
   * returns once the coordinator has logged the decision; the markers that make the records
   * readable reach the partition a moment later, and a standby or drill that looks for the
   * snapshot right after it was published must find it.
   */
  private static void awaitVisible(Properties client, TopicLayout layout,
                                   java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sent) {
    long manifestOffset;
    try {
      manifestOffset = sent.get().offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new KafkaException("snapshot manifest not written", e.getCause());
    }
    Properties p = new Properties();
    for (String k : client.stringPropertyNames()) {
      if (!k.startsWith("transactional.") && !k.equals("acks") && !k.equals("enable.idempotence") && !k.equals("max.request.size")) {
        p.put(k, client.getProperty(k));
      }
    }
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", false);
    TopicPartition tp = new TopicPartition(layout.snapshotTopic(), 0);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      long deadline = System.currentTimeMillis() + 30_000;
      while (c.endOffsets(List.of(tp)).get(tp) <= manifestOffset && System.currentTimeMillis() < deadline) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** A complete snapshot read back. */
  public record Snapshot(Manifest manifest, byte[] rdb) {
  }

  private SnapshotStore() {
  }

  public static Manifest publish(String bootstrap, TopicLayout layout, String replid, long replOffset,
                                 long streamKafkaOffset, byte[] rdb, int chunkSize) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("enable.idempotence", true);
    p.put("transactional.id", "meridian-bridge." + layout.cluster() + ".snapshots");
    p.put("max.request.size", Math.max(2 * 1024 * 1024, chunkSize + 64 * 1024));
    CRC32 crc = new CRC32();
    crc.update(rdb);
    int chunks = Math.max(1, (rdb.length + chunkSize - 1) / chunkSize);
    Manifest m = new Manifest(replid, replOffset, streamKafkaOffset, chunks, rdb.length, crc.getValue());
    byte[] key = m.id().getBytes(StandardCharsets.US_ASCII);
    try (KafkaProducer<byte[], byte[]> prod = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      prod.initTransactions();
      prod.beginTransaction();
      try {
        for (int i = 0; i < chunks; i++) {
          int from = i * chunkSize;
          byte[] part = java.util.Arrays.copyOfRange(rdb, from, Math.min(rdb.length, from + chunkSize));
          RecordHeaders h = new RecordHeaders();
          h.add("mrd.kind", "chunk".getBytes(StandardCharsets.US_ASCII));
          h.add("mrd.index", Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
          prod.send(new ProducerRecord<byte[], byte[]>(layout.snapshotTopic(), 0, key, part, h));
        }
        RecordHeaders h = new RecordHeaders();
        h.add("mrd.kind", "manifest".getBytes(StandardCharsets.US_ASCII));
        java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sent =
            prod.send(new ProducerRecord<byte[], byte[]>(layout.snapshotTopic(), 0, key, m.encode(), h));
        prod.commitTransaction();
        awaitVisible(p, layout, sent);
      } catch (KafkaException e) {
        try {
          prod.abortTransaction();
        } catch (KafkaException ignored) {
          // fenced
        }
        throw e;
      }
    }
    return m;
  }

  /**
   * A snapshot published while it is produced: its chunks go out as they fill, in one
   * transaction with the manifest last (so a snapshot without its manifest never becomes
   * visible to read_committed readers), and memory stays at one chunk plus the producer's
   * buffer whatever the dataset's size. {@code client} holds bootstrap.servers and any
   * security settings passed through.
   */
  public static final class Writer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> prod;
    private final TopicLayout layout;
    private final String replid;
    private final long replOffset;
    private final long streamKafkaOffset;
    private final byte[] key;
    private final byte[] chunk;
    private final CRC32 crc = new CRC32();
    private int fill;
    private int chunks;
    private long size;
    private boolean done;

    private final Properties client;

    private Writer(Properties client, TopicLayout layout, String replid, long replOffset, long streamKafkaOffset, int chunkSize) {
      Properties p = new Properties();
      p.putAll(client);
      p.put("acks", "all");
      p.put("enable.idempotence", true);
      p.put("transactional.id", "meridian-bridge." + layout.cluster() + ".snapshots");
      p.put("max.request.size", Math.max(2 * 1024 * 1024, chunkSize + 64 * 1024));
      this.client = client;
      this.layout = layout;
      this.replid = replid;
      this.replOffset = replOffset;
      this.streamKafkaOffset = streamKafkaOffset;
      this.key = (replid + ":" + replOffset).getBytes(StandardCharsets.US_ASCII);
      this.chunk = new byte[chunkSize];
      this.prod = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
      try {
        prod.initTransactions();
        prod.beginTransaction();
      } catch (RuntimeException e) {
        prod.close(Duration.ZERO);
        throw e;
      }
    }

    public static Writer open(Properties client, TopicLayout layout, String replid, long replOffset, long streamKafkaOffset,
                              int chunkSize) {
      return new Writer(client, layout, replid, replOffset, streamKafkaOffset, chunkSize);
    }

    /** Appends RDB bytes; full chunks are sent at once (blocking while the producer's buffer is full). */
    public void write(byte[] b, int off, int len) {
      crc.update(b, off, len);
      size += len;
      while (len > 0) {
        int n = Math.min(len, chunk.length - fill);
        System.arraycopy(b, off, chunk, fill, n);
        fill += n;
        off += n;
        len -= n;
        if (fill == chunk.length) {
          sendChunk();
        }
      }
    }

    private void sendChunk() {
      RecordHeaders h = new RecordHeaders();
      h.add("mrd.kind", "chunk".getBytes(StandardCharsets.US_ASCII));
      h.add("mrd.index", Integer.toString(chunks).getBytes(StandardCharsets.US_ASCII));
      prod.send(new ProducerRecord<byte[], byte[]>(layout.snapshotTopic(), 0, key, java.util.Arrays.copyOf(chunk, fill), h));
      chunks++;
      fill = 0;
    }

    /** Sends the last chunk and the manifest and commits: the snapshot exists from now on. */
    public Manifest finish() {
      if (fill > 0 || chunks == 0) {
        sendChunk();
      }
      Manifest m = new Manifest(replid, replOffset, streamKafkaOffset, chunks, size, crc.getValue());
      RecordHeaders h = new RecordHeaders();
      h.add("mrd.kind", "manifest".getBytes(StandardCharsets.US_ASCII));
      java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> sent =
          prod.send(new ProducerRecord<byte[], byte[]>(layout.snapshotTopic(), 0, key, m.encode(), h));
      prod.commitTransaction();
      done = true;
      awaitVisible(client, layout, sent);
      return m;
    }

    /** Bytes written so far. */
    public long size() {
      return size;
    }

    /** Drops the snapshot (its chunks stay invisible: the transaction is aborted). */
    @Override
    public void close() {
      if (!done) {
        try {
          prod.abortTransaction();
        } catch (KafkaException ignored) {
          // fenced or the broker is gone: the transaction times out and is aborted by the broker
        }
      }
      prod.close(Duration.ofSeconds(5));
    }
  }

  /** The newest complete snapshot, or null when the topic holds none. */
  public static Snapshot latest(String bootstrap, TopicLayout layout) {
    Properties client = new Properties();
    client.put("bootstrap.servers", bootstrap);
    return latest(client, layout, m -> true);
  }

  /**
   * The newest complete snapshot that {@code accept} takes (a Kafka-sourced replica asks for
   * one at or before its point in time, or of a given replid), or null; {@code client} holds
   * bootstrap.servers and any security settings passed through.
   */
  public static Snapshot latest(Properties client, TopicLayout layout, java.util.function.Predicate<Manifest> accept) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("isolation.level", "read_committed");
    p.put("enable.auto.commit", false);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(layout.snapshotTopic(), 0);
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      // pass 1: the manifests only (the topic may hold many snapshots: a bridge publishes one every
      // snapshot-interval), newest last; pass 2 reads the chunks of one snapshot, so memory holds
      // one snapshot whatever the topic's retention keeps
      List<Manifest> manifests = new java.util.ArrayList<>();
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 120_000;
      while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() >= end) {
            continue;
          }
          if (!"chunk".equals(StreamRecord.header(r.headers(), "mrd.kind"))) {
            Manifest m = Manifest.decode(r.value());
            if (accept.test(m)) {
              manifests.add(m);
            }
          }
        }
      }
      for (int i = manifests.size() - 1; i >= 0; i--) {
        Manifest m = manifests.get(i);
        byte[] rdb = chunksOf(c, tp, end, m);
        if (rdb != null) {
          return new Snapshot(m, rdb);
        }
      }
      return null;
    }
  }

  /** The RDB of manifest m, or null when its chunks are incomplete or do not match its size and CRC. */
  private static byte[] chunksOf(KafkaConsumer<byte[], byte[]> c, TopicPartition tp, long end, Manifest m) {
    String id = m.id();
    c.seekToBeginning(List.of(tp));
    ByteArrayOutputStream data = null;
    long deadline = System.currentTimeMillis() + 300_000;
    while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
        if (r.offset() >= end || !id.equals(new String(r.key(), StandardCharsets.US_ASCII))) {
          continue;
        }
        if ("chunk".equals(StreamRecord.header(r.headers(), "mrd.kind"))) {
          if (data == null) {
            data = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, m.size())));
          }
          data.writeBytes(r.value());
          if (data.size() > m.size()) {
            return null;
          }
        } else if (data != null) {
          // its manifest: the chunks before it are the snapshot (a re-published id starts again after it)
          byte[] rdb = data.toByteArray();
          CRC32 crc = new CRC32();
          crc.update(rdb);
          if (rdb.length == m.size() && crc.getValue() == m.crc()) {
            return rdb;
          }
          data = null;
        }
      }
    }
    return null;
  }

}
