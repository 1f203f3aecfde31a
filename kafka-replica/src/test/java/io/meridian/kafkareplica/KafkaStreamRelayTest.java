package io.meridian.kafkareplica;

import io.meridian.kafka.EmbeddedKafka;
import io.meridian.node.testing.TestNode;
import io.meridian.replog.TopicLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.Properties;

import static io.meridian.kafkareplica.KafkaTesting.converge;
import static io.meridian.kafkareplica.KafkaTesting.digest;
import static io.meridian.kafkareplica.KafkaTesting.info;
import static io.meridian.kafkareplica.KafkaTesting.jedis;
import static io.meridian.kafkareplica.KafkaTesting.replica;
import static io.meridian.kafkareplica.KafkaTesting.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's bridge: a RESP replica of region A's master whose relayed stream is published to
 * Kafka, followed by a Kafka-sourced replica; a full resync of the relaying replica (a new
 * master) publishes a new snapshot that the Kafka-sourced replica reloads.
 */
class KafkaStreamRelayTest {
    static EmbeddedKafka kafka;

    @BeforeAll
    static void up() {
        kafka = KafkaTesting.startKafka();
    }

    @AfterAll
    static void down() {
        if (kafka != null) kafka.close();
    }

    @Test
    void aReplicaRelaysItsMastersStreamToKafka() {
        try (TestNode master = TestNode.start(); Jedis m = jedis(master)) {
            KafkaReplicaTest.dataset(m, "before", 100);
            try (TestNode a2 = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(master.port())); Jedis r = jedis(a2)) {
                converge(m, r);
                Properties client = new Properties();
                client.put("bootstrap.servers", kafka.bootstrapServers());
                try (KafkaStreamRelay relay = KafkaStreamRelay.start(a2.node(), client, new TopicLayout("meridian", "relay"), 1);
                     TestNode b = replica(kafka, "relay"); Jedis s = jedis(b)) {
                    for (int round = 0; round < 5; round++) KafkaReplicaTest.dataset(m, "live" + round, 40);
                    converge(m, s);
                    assertEquals(digest(m), digest(s));
                    assertEquals(info(m, "replication").get("master_replid"), info(s, "replication").get("master_replid"));
                    assertTrue(relay.flush(Duration.ofSeconds(30)));

                    // the relaying replica is re-pointed to another master: a full sync, a new history
                    try (TestNode other = TestNode.start(); Jedis o = jedis(other)) {
                        o.set("other-master", "1");
                        r.replicaof("127.0.0.1", other.port());
                        waitFor("the relaying replica to sync with the new master", () -> "1".equals(r.get("other-master")));
                        o.set("after", "2");
                        waitFor("the Kafka-sourced replica to reload the new history", () -> "2".equals(s.get("after")),
                                () -> info(s, "replication").toString());
                        converge(o, s);
                        assertEquals(digest(o), digest(s));
                        assertNull(s.get("before:s:1"));
                        assertEquals("following", info(s, "replication").get("kafka_state"));
                        assertNull(relay.failure());
                    }
                }
            }
        }
    }

    @Test
    void waitOnTheMasterReturnsOnlyOnceKafkaHasTheWrite() {
        try (TestNode master = TestNode.start(); Jedis m = jedis(master);
             TestNode a2 = TestNode.start("--replicaof", "127.0.0.1", Integer.toString(master.port())); Jedis r = jedis(a2)) {
            m.set("first", "1");
            converge(m, r);
            Properties client = new Properties();
            client.put("bootstrap.servers", kafka.bootstrapServers());
            try (KafkaStreamRelay relay = KafkaStreamRelay.start(a2.node(), client, new TopicLayout("meridian", "wait"), 1)) {
                for (int i = 0; i < 30; i++) {
                    m.set("k" + i, "v" + i);
                    long offset = KafkaTesting.offset(m);
                    assertEquals(1, m.waitReplicas(1, 10_000));
                    assertTrue(relay.publishedEnd() >= offset, "WAIT returned before Kafka had offset " + offset
                            + " (published " + relay.publishedEnd() + ")");
                }
            }
        }
    }
}
