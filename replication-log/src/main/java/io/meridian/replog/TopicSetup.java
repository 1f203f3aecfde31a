package io.meridian.replog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the stream and snapshot topics with the settings the log needs, or checks existing
 * ones and fails with a message naming every setting that differs.
 * Both topics: 1 partition, {@code cleanup.policy=delete} (never compact: compaction would drop
 * stream slices and snapshot chunks), {@code min.insync.replicas}, {@code max.message.bytes},
 * {@code message.timestamp.type=CreateTime} and the given retention.
 */
public final class TopicSetup {
  /** Settings; {@code retentionMs} -1 keeps forever. */
  public record Settings(short replicationFactor, int minInsyncReplicas, long streamRetentionMs,
                         long snapshotRetentionMs, int maxMessageBytes) {
    public static Settings singleBroker() {
      return new Settings((short) 1, 1, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 1024 * 1024);
    }

    /**
     * For a cluster of this many brokers: three copies and two in sync when it has three or
     * more (acks=all then survives one broker down), else what it can hold.
     */
    public static Settings forBrokers(int brokers) {
      short rf = (short) Math.max(1, Math.min(3, brokers));
      return new Settings(rf, rf >= 3 ? 2 : 1, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 1024 * 1024);
    }

    /** {@link #forBrokers} of the cluster admin talks to. */
    public static Settings forCluster(org.apache.kafka.clients.admin.Admin admin) {
      try {
        return forBrokers(admin.describeCluster().nodes().get(30, java.util.concurrent.TimeUnit.SECONDS).size());
      } catch (Exception e) {
        throw new IllegalStateException("cannot reach Kafka to describe the cluster: " + e.getMessage(), e);
      }
    }
  }

  private TopicSetup() {
  }

  static Map<String, String> configs(Settings s, long retentionMs) {
    return Map.of("cleanup.policy", "delete",
        "retention.ms", Long.toString(retentionMs),
        "min.insync.replicas", Integer.toString(s.minInsyncReplicas()),
        "max.message.bytes", Integer.toString(s.maxMessageBytes()),
        "message.timestamp.type", "CreateTime");
  }

  public static void ensure(Admin admin, TopicLayout layout, Settings s) {
    ensure(admin, layout.streamTopic(), s, s.streamRetentionMs());
    ensure(admin, layout.snapshotTopic(), s, s.snapshotRetentionMs());
  }

  private static void ensure(Admin admin, String topic, Settings s, long retentionMs) {
    Map<String, String> want = configs(s, retentionMs);
    try {
      try {
        admin.createTopics(List.of(new NewTopic(topic, 1, s.replicationFactor()).configs(want)))
            .all().get(60, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
        }
      }
      List<String> wrong = new ArrayList<>();
      TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
      if (d.partitions().size() != 1) {
        wrong.add("partitions=" + d.partitions().size() + " (want 1)");
      }
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config have = admin.describeConfigs(Set.of(res)).all().get(60, TimeUnit.SECONDS).get(res);
      for (Map.Entry<String, String> w : want.entrySet()) {
        ConfigEntry e = have.get(w.getKey());
        String v = e == null ? null : e.value();
        if (!w.getValue().equals(v)) {
          wrong.add(w.getKey() + "=" + v + " (want " + w.getValue() + ")");
        }
      }
      if (!wrong.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " exists with other settings: " + String.join(", ", wrong));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot check topic " + topic + ": " + e, e);
    }
  }
}
