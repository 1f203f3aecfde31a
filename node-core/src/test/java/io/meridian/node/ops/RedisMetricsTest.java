package io.meridian.node.ops;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.meridian.node.ops.ManagementServerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /prometheus: redis_exporter's names with the values INFO shows, and meridian_* from the replication log. */
class RedisMetricsTest {

    static Map<String, String> info(Jedis j) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : j.info("everything").split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) m.put(line.substring(0, c), line.substring(c + 1));
        }
        return m;
    }

    @Test
    void aMastersMetricsAgreeWithInfo() {
        try (TestNode n = TestNode.start();
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1");
             Jedis j = new Jedis(n.host(), n.port())) {
            for (int i = 0; i < 10; i++) j.set("k" + i, "v");
            j.setex("e1", 1000, "v");
            j.setex("e2", 1000, "v");
            j.select(3);
            j.hset("h", "f", "v");
            assertThrows(redis.clients.jedis.exceptions.JedisDataException.class, () -> j.get("h")); // WRONGTYPE: an error stat
            j.select(0);
            j.get("k1");
            j.get("missing");

            String text = Http.get(ms.port(), "/prometheus", null).body();
            Map<String, String> info = info(j); // the INFO right after the scrape: nothing ran in between
            Map<String, Double> p = PromText.parse(text);

            assertEquals(1.0, p.get("redis_up"));
            assertEquals(12.0, p.get("redis_db_keys{db=\"db0\"}"), text);
            assertEquals(2.0, p.get("redis_db_keys_expiring{db=\"db0\"}"));
            assertEquals(1.0, p.get("redis_db_keys{db=\"db3\"}"));
            assertEquals(0.0, p.get("redis_db_keys_expiring{db=\"db3\"}"));
            Map<String, String> db0 = InfoSnapshot.subfields(info.get("db0"));
            assertEquals(Double.parseDouble(db0.get("keys")), p.get("redis_db_keys{db=\"db0\"}"));
            assertEquals(Double.parseDouble(db0.get("avg_ttl")) / 1000, p.get("redis_db_avg_ttl_seconds{db=\"db0\"}"), 5.0);

            // every exporter field with the value INFO printed
            String[][] same = {
                    {"total_commands_processed", "redis_commands_processed_total"},
                    {"keyspace_hits", "redis_keyspace_hits_total"},
                    {"keyspace_misses", "redis_keyspace_misses_total"},
                    {"connected_clients", "redis_connected_clients"},
                    {"connected_slaves", "redis_connected_slaves"},
                    {"master_repl_offset", "redis_master_repl_offset"},
                    {"repl_backlog_size", "redis_replication_backlog_bytes"},
                    {"repl_backlog_active", "redis_repl_backlog_is_active"},
                    {"repl_backlog_histlen", "redis_repl_backlog_history_bytes"},
                    {"second_repl_offset", "redis_second_repl_offset"},
                    {"sync_full", "redis_replica_resyncs_full"},
                    {"sync_partial_ok", "redis_replica_partial_resync_accepted"},
                    {"sync_partial_err", "redis_replica_partial_resync_denied"},
                    {"expired_keys", "redis_expired_keys_total"},
                    {"evicted_keys", "redis_evicted_keys_total"},
                    {"maxclients", "redis_max_clients"},
                    {"maxmemory", "redis_memory_max_bytes"},
                    {"rdb_changes_since_last_save", "redis_rdb_changes_since_last_save"},
                    {"rdb_last_save_time", "redis_rdb_last_save_timestamp_seconds"},
                    {"rdb_bgsave_in_progress", "redis_rdb_bgsave_in_progress"},
                    {"total_connections_received", "redis_connections_received_total"},
                    {"pubsub_channels", "redis_pubsub_channels"},
                    {"blocked_clients", "redis_blocked_clients"},
                    {"loading", "redis_loading_dump_file"},
                    {"uptime_in_seconds", "redis_uptime_in_seconds"},
            };
            for (String[] s : same) {
                assertNotNull(info.get(s[0]), s[0]);
                assertNotNull(p.get(s[1]), s[1] + " missing from\n" + text);
                assertEquals(Double.parseDouble(info.get(s[0])), p.get(s[1]), s[0].equals("uptime_in_seconds") ? 1.0 : 0.0, s[1]);
            }
            assertEquals(12.0 + 0, p.get("redis_commands_total{cmd=\"set\"}") + p.get("redis_commands_total{cmd=\"setex\"}"));
            assertEquals(Double.parseDouble(InfoSnapshot.subfields(info.get("cmdstat_get")).get("calls")), p.get("redis_commands_total{cmd=\"get\"}"));
            assertEquals(1.0, p.get("redis_errors_total{err=\"WRONGTYPE\"}"));
            assertEquals("ok".equals(info.get("rdb_last_bgsave_status")) ? 1.0 : 0.0, p.get("redis_rdb_last_bgsave_status"));
            // used_memory moves with every allocation: present and plausible
            assertTrue(p.get("redis_memory_used_bytes") > 0);
            assertTrue(text.contains("redis_instance_info{"), text);
            assertTrue(text.contains("role=\"master\""), text);
            assertTrue(text.contains("redis_version=\"7.0.15\""), text);

            // Meridian's own: the replication log holds the writes
            assertEquals(1.0, p.get("meridian_repl_log_enabled"));
            assertEquals(1.0, p.get("meridian_role_master"));
            assertEquals(1.0, p.get("meridian_ready"));
            assertEquals(Double.parseDouble(info.get("master_repl_offset")), p.get("meridian_repl_log_last_offset"), text);
            assertTrue(p.get("meridian_repl_log_durable_offset") <= p.get("meridian_repl_log_last_offset"));
            assertNotNull(p.get("meridian_snapshot_age_seconds"));
            // Micrometer's JVM metrics come along
            assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
        }
    }

    @Test
    void aReplicasMetricsAgreeWithInfo() {
        try (RealRedis master = RealRedis.start();
             TestNode n = TestNode.start("--replicaof", master.host(), Integer.toString(master.port()));
             ManagementServer ms = ManagementServer.start(n.node(), -1, "127.0.0.1");
             Jedis m = new Jedis(master.host(), master.port());
             Jedis r = new Jedis(n.host(), n.port())) {
            m.set("a", "1");
            await("the replica to sync", () -> "1".equals(r.get("a")), () -> r.info("replication"));
            String text = Http.get(ms.port(), "/prometheus", null).body();
            Map<String, String> info = info(r);
            Map<String, Double> p = PromText.parse(text);
            String master_ = "{master_host=\"" + master.host() + "\",master_port=\"" + master.port() + "\"}";
            assertEquals(1.0, p.get("redis_master_link_up" + master_), text);
            assertEquals(0.0, p.get("redis_master_sync_in_progress" + master_));
            assertEquals(Double.parseDouble(info.get("slave_repl_offset")), p.get("redis_slave_repl_offset" + master_));
            assertEquals(Double.parseDouble(info.get("master_repl_offset")), p.get("redis_master_repl_offset"));
            assertTrue(text.contains("redis_slave_info{master_host=\"" + master.host() + "\""), text);
            assertTrue(text.contains("role=\"slave\""), text);
            assertEquals(0.0, p.get("meridian_role_master"));
            assertEquals(1.0, p.get("redis_db_keys{db=\"db0\"}"));
        }
    }

    @Test
    void aNodeThatDoesNotAnswerIsDown() {
        var s = RedisMetrics.snapshots(null, 0);
        assertEquals(1, s.size());
        assertEquals("redis_up", s.get(0).getMetadata().getName());
    }

    @Test
    void exporterValueReading() {
        assertEquals(1.0, RedisMetrics.value("ok"));
        assertEquals(0.0, RedisMetrics.value("err"));
        assertEquals(1.0, RedisMetrics.value("up"));
        assertEquals(0.0, RedisMetrics.value("down"));
        assertEquals(2.5, RedisMetrics.value("2.5"));
        assertEquals(null, RedisMetrics.value("0.00%"));
    }
}
