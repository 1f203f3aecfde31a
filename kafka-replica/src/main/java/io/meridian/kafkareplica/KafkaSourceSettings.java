package io.meridian.kafkareplica;

import io.meridian.node.config.Config;
import io.meridian.replog.TopicLayout;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/**
 * Where a Kafka-sourced replica reads from, from the node's directives: kafka-bootstrap-servers,
 * kafka-cluster, kafka-topic-prefix, kafka-client-config (security.protocol, sasl.*, ssl.*
 * passed through to every client), and the point in time to stop at (replica-at-offset,
 * replica-at-time), if any.
 */
public record KafkaSourceSettings(String bootstrap, TopicLayout layout, Properties clientProperties,
                                  long atOffset, Instant atTime) {

    public static KafkaSourceSettings from(Config c) {
        String bootstrap = c.getString("kafka-bootstrap-servers");
        String cluster = c.getString("kafka-cluster");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("replica-source kafka needs kafka-bootstrap-servers (--bootstrap)");
        }
        if (cluster == null || cluster.isBlank()) {
            throw new IllegalArgumentException("replica-source kafka needs kafka-cluster (--cluster)");
        }
        Properties extra = new Properties();
        String file = c.getString("kafka-client-config");
        if (file != null && !file.isBlank()) {
            try (Reader r = Files.newBufferedReader(Path.of(file))) {
                extra.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kafka-client-config " + file + ": " + e.getMessage(), e);
            }
        }
        String at = c.getString("replica-at-time");
        Instant atTime = null;
        if (at != null && !at.isBlank()) atTime = parseTime(at);
        long atOffset = c.getLong("replica-at-offset");
        if (atOffset >= 0 && atTime != null) {
            throw new IllegalArgumentException("replica-at-offset and replica-at-time cannot both be set");
        }
        return new KafkaSourceSettings(bootstrap, new TopicLayout(c.getString("kafka-topic-prefix"), cluster), extra, atOffset, atTime);
    }

    /** Follow a cluster's topics live (no point in time, no extra client settings). */
    public static KafkaSourceSettings of(String bootstrap, TopicLayout layout) {
        return new KafkaSourceSettings(bootstrap, layout, new Properties(), -1, null);
    }

    /** ISO-8601 with an offset ("2026-11-23T14:05:00Z", "...+01:00"), or a local date-time taken as UTC. */
    static Instant parseTime(String s) {
        try {
            return java.time.OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(s).toInstant(java.time.ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("replica-at-time must be an ISO-8601 time such as 2026-11-23T14:05:00Z, not " + s);
            }
        }
    }

    /** A point in time was asked for: rebuild up to it and stop there. */
    public boolean pointInTime() {
        return atOffset >= 0 || atTime != null;
    }

    /** Properties of a client of this source: bootstrap servers plus the pass-through settings. */
    public Properties client() {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /** Where it reads from, for logs and INFO: "meridian.orders.stream at 10.0.0.1:9092". */
    public String describe() {
        return layout.streamTopic() + " at " + bootstrap;
    }
}
