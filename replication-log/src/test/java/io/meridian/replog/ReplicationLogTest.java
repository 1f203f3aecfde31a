package io.meridian.replog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.kafka.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplicationLogTest {
  static EmbeddedKafka kafka;
  static Admin admin;

  @BeforeAll
  static void up() {
    kafka = EmbeddedKafka.start();
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  @AfterAll
  static void down() {
    admin.close();
    kafka.close();
  }

  static byte[] cmd(String... a) {
    StringBuilder sb = new StringBuilder("*" + a.length + "\r\n");
    for (String s : a) {
      sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
    }
    return sb.toString().getBytes(UTF_8);
  }

  static ConsumerRecord<byte[], byte[]> roundTrip(StreamRecord r) {
    var pr = r.toProducerRecord("t");
    return new ConsumerRecord<>("t", 0, 7, 0L, TimestampType.CREATE_TIME, 0, pr.value().length,
        null, pr.value(), pr.headers(), java.util.Optional.empty());
  }

  @Test
  void codecRoundTripAndVersionByte() {
    byte[] set = cmd("SET", "k", "v");
    StreamRecord r = new StreamRecord("a".repeat(40), 100, 100 + set.length, 3, 2, false, set);
    ConsumerRecord<byte[], byte[]> cr = roundTrip(r);
    assertEquals(StreamRecord.FORMAT_VERSION, cr.value()[0]);
    StreamRecord back = StreamRecord.from(cr);
    assertEquals(r.replid(), back.replid());
    assertEquals(100, back.start());
    assertEquals(100 + set.length, back.end());
    assertEquals(3, back.db());
    assertEquals(2, back.epoch());
    assertFalse(back.more());
    assertArrayEquals(set, back.payload());
    cr.value()[0] = 9;
    assertThrows(RecordFormatException.class, () -> StreamRecord.from(cr));
  }

  @Test
  void continuationSplit() {
    byte[] big = cmd("SET", "k", "x".repeat(1000));
    List<StreamRecord> parts = StreamRecord.split("r", 50, 0, 1, big, 300);
    assertEquals(4, parts.size());
    long at = 50;
    for (int i = 0; i < parts.size(); i++) {
      assertEquals(at, parts.get(i).start());
      at = parts.get(i).end();
      assertEquals(i < parts.size() - 1, parts.get(i).more());
    }
    assertEquals(50 + big.length, at);
  }

  @Test
  void topicSetupAndMismatchError() throws Exception {
    TopicLayout l = new TopicLayout("mrd", "setup");
    TopicSetup.ensure(admin, l, TopicSetup.Settings.singleBroker());
    TopicSetup.ensure(admin, l, TopicSetup.Settings.singleBroker()); // idempotent
    TopicLayout bad = new TopicLayout("mrd", "bad");
    admin.createTopics(List.of(new NewTopic(bad.streamTopic(), 2, (short) 1)
        .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TopicSetup.ensure(admin, bad, TopicSetup.Settings.singleBroker()));
    assertTrue(e.getMessage().contains("partitions=2"), e.getMessage());
    assertTrue(e.getMessage().contains("cleanup.policy=compact (want delete)"), e.getMessage());
  }

  static List<StreamReader.Chunk> readAll(StreamReader rd, int want) {
    List<StreamReader.Chunk> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 30_000;
    while (out.size() < want && System.currentTimeMillis() < deadline) {
      out.addAll(rd.poll(Duration.ofMillis(300)));
    }
    return out;
  }

  @Test
  void publishReadBackSkipsDuplicatesJoinsContinuationsAndStopsAtGap() {
    TopicLayout l = new TopicLayout("mrd", "pub");
    TopicSetup.ensure(admin, l, TopicSetup.Settings.singleBroker());
    String id = "b".repeat(40);
    byte[] c1 = cmd("SET", "a", "1");
    byte[] c2 = cmd("SET", "b", "2");
    byte[] big = cmd("SET", "big", "y".repeat(5000));
    long o1 = 0;
    long o2 = o1 + c1.length;
    long o3 = o2 + c2.length;
    long o4 = o3 + big.length;
    try (StreamPublisher p = new StreamPublisher(kafka.bootstrapServers(), l, Map.of())) {
      assertNull(StreamPublisher.lastRecord(kafka.bootstrapServers(), l));
      p.publish(List.of(new StreamRecord(id, o1, o2, 0, 1, false, c1)));
      // a resent duplicate (bridge retried after a crash)
      p.publish(List.of(new StreamRecord(id, o1, o2, 0, 1, false, c1), new StreamRecord(id, o2, o3, 0, 1, false, c2)));
      p.publish(StreamRecord.split(id, o3, 0, 1, big, 1024));
      StreamRecord last = StreamPublisher.lastRecord(kafka.bootstrapServers(), l);
      assertEquals(o4, last.end());
      // a gap: bytes [o4, o4+5) missing
      byte[] c5 = cmd("DEL", "a");
      p.publish(List.of(new StreamRecord(id, o4 + 5, o4 + 5 + c5.length, 0, 1, false, c5)));
    }
    try (StreamReader rd = new StreamReader(kafka.bootstrapServers(), l, 0, 0)) {
      List<StreamReader.Chunk> got = readAll(rd, 3);
      assertEquals(3, got.size());
      assertArrayEquals(c1, got.get(0).bytes());
      assertArrayEquals(c2, got.get(1).bytes());
      assertArrayEquals(big, got.get(2).bytes());
      assertEquals(o4, rd.appliedOffset());
      StreamGapException gap = assertThrows(StreamGapException.class, () -> readAll(rd, 1));
      assertTrue(gap.getMessage().contains("starts at repl offset " + (o4 + 5)), gap.getMessage());
      assertEquals(o4, rd.appliedOffset());
    }
    // resuming from an applied offset skips what is already applied
    try (StreamReader rd = new StreamReader(kafka.bootstrapServers(), l, 0, o2)) {
      List<StreamReader.Chunk> got = readAll(rd, 2);
      assertArrayEquals(c2, got.get(0).bytes());
      assertEquals(o2, got.get(0).start());
    }
  }

  @Test
  void secondPublisherFencesTheZombie() {
    TopicLayout l = new TopicLayout("mrd", "zombie");
    TopicSetup.ensure(admin, l, TopicSetup.Settings.singleBroker());
    byte[] c1 = cmd("SET", "a", "1");
    try (StreamPublisher old = new StreamPublisher(kafka.bootstrapServers(), l, Map.of())) {
      old.publish(List.of(new StreamRecord("z", 0, c1.length, 0, 1, false, c1)));
      try (StreamPublisher fresh = new StreamPublisher(kafka.bootstrapServers(), l, Map.of())) {
        assertThrows(KafkaException.class,
            () -> old.publish(List.of(new StreamRecord("z", c1.length, 2L * c1.length, 0, 1, false, c1))));
        fresh.publish(List.of(new StreamRecord("z", c1.length, 2L * c1.length, 0, 1, false, c1)));
      }
    }
    assertEquals(2L * c1.length, StreamPublisher.lastRecord(kafka.bootstrapServers(), l).end());
  }

  @Test
  void snapshotAndManifestRoundTrip() {
    TopicLayout l = new TopicLayout("mrd", "snap");
    TopicSetup.ensure(admin, l, TopicSetup.Settings.singleBroker());
    assertNull(SnapshotStore.latest(kafka.bootstrapServers(), l));
    byte[] rdb = new byte[10_000];
    new java.util.Random(1).nextBytes(rdb);
    SnapshotStore.publish(kafka.bootstrapServers(), l, "r1", 100, 5, new byte[] {1, 2, 3}, 1024);
    SnapshotStore.Manifest m = SnapshotStore.publish(kafka.bootstrapServers(), l, "r1", 900, 42, rdb, 3000);
    assertEquals(4, m.chunks());
    SnapshotStore.Snapshot got = SnapshotStore.latest(kafka.bootstrapServers(), l);
    assertEquals(m, got.manifest());
    assertEquals(42, got.manifest().streamKafkaOffset());
    assertArrayEquals(rdb, got.rdb());
  }

  @Test
  void streamedSnapshotsAndTheNewestCompleteOne() {
    TopicLayout l = new TopicLayout("mrd", "snapmany");
    TopicSetup.ensure(admin, l, TopicSetup.Settings.singleBroker());
    java.util.Properties client = new java.util.Properties();
    client.put("bootstrap.servers", kafka.bootstrapServers());
    java.util.Random rnd = new java.util.Random(7);
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] rdb = new byte[50_000 + i * 1000];
      rnd.nextBytes(rdb);
      images.add(rdb);
      try (SnapshotStore.Writer w = SnapshotStore.Writer.open(client, l, "h", 1000L * (i + 1), 10L * i, 4096)) {
        // written in uneven pieces, as a snapshot's walk produces them
        for (int off = 0; off < rdb.length; off += 777) {
          w.write(rdb, off, Math.min(777, rdb.length - off));
        }
        SnapshotStore.Manifest m = w.finish();
        assertEquals(rdb.length, m.size());
      }
    }
    // a snapshot whose writer gave up (the bridge stopped mid-way): aborted, never visible
    try (SnapshotStore.Writer w = SnapshotStore.Writer.open(client, l, "h", 9000, 99, 4096)) {
      w.write(new byte[20_000], 0, 20_000);
    }
    SnapshotStore.Snapshot newest = SnapshotStore.latest(client, l, m -> true);
    assertEquals(3000, newest.manifest().replOffset());
    assertArrayEquals(images.get(2), newest.rdb());
    // a point in time before the newest: the one at or before it
    SnapshotStore.Snapshot older = SnapshotStore.latest(client, l, m -> m.replOffset() <= 2500);
    assertEquals(2000, older.manifest().replOffset());
    assertArrayEquals(images.get(1), older.rdb());
    assertNull(SnapshotStore.latest(client, l, m -> m.replOffset() < 1000));
  }
}
