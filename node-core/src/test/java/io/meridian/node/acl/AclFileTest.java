package io.meridian.node.acl;

import io.meridian.node.testing.RealRedis;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** aclfile: loaded at start-up, ACL SAVE / ACL LOAD and their errors, compared with redis-server; AUTH user pass from Jedis and Lettuce. */
class AclFileTest {
    static final String GOOD = "user alice on >pw ~k* +get +set\nuser default on nopass ~* &* +@all\n";

    static Object call(RespClient c, Path file, String... cmd) {
        Object r = c.call(cmd);
        if (r instanceof RespClient.Err e) return new RespClient.Err(e.text().replace(file.toString(), "<file>"));
        return AclDifferentialTest.normalize(r);
    }

    @Test
    void loadSaveAndErrorsAsRedis() throws Exception {
        Path dir = Files.createTempDirectory("meridian-aclfile");
        Path rf = dir.resolve("real.acl");
        Path mf = dir.resolve("meridian.acl");
        Files.writeString(rf, GOOD);
        Files.writeString(mf, GOOD);
        try (RealRedis redis = RealRedis.start("--aclfile", rf.toString());
             TestNode node = TestNode.start("--aclfile", mf.toString());
             RespClient r = new RespClient(redis.host(), redis.port());
             RespClient m = new RespClient(node.host(), node.port())) {
            String[][] script = {
                    {"ACL", "LIST"}, {"ACL", "SETUSER", "bob", "on", ">x", "+@hash"}, {"ACL", "SAVE"}};
            for (String[] cmd : script) assertEquals(call(r, rf, cmd), call(m, mf, cmd), String.join(" ", cmd));
            assertEquals(Files.readString(rf).lines().map(l -> AclDifferentialTest.normalize(l)).toList(),
                    Files.readString(mf).lines().map(l -> AclDifferentialTest.normalize(l)).toList());
            String[] bad = {"user alice on bogus\n", "user alice on +get\nuser alice off\n", "foo bar\n",
                    "user a on +get\nuser b +nosuch\nuser c on\nwhat\n",
                    "user a allkeys ~x\nuser b <nope\nuser c #abc\nuser d allchannels &x\nuser e +@nosuch\nuser f %X~a\nuser g +get|x -get|y\nuser h +config|nosuch\n", GOOD + "user carol on >c ~c* +@string\n"};
            for (String content : bad) {
                Files.writeString(rf, content);
                Files.writeString(mf, content);
                assertEquals(call(r, rf, "ACL", "LOAD"), call(m, mf, "ACL", "LOAD"), content);
                assertEquals(call(r, rf, "ACL", "LIST"), call(m, mf, "ACL", "LIST"), content);
            }
            // the loaded users work
            try (RespClient carol = new RespClient(node.host(), node.port())) {
                assertEquals(new RespClient.Simple("OK"), carol.call("AUTH", "carol", "c"));
                assertEquals(new RespClient.Simple("OK"), carol.call("SET", "c1", "v"));
                assertEquals(new RespClient.Err("NOPERM this user has no permissions to access one of the keys used as arguments"),
                        carol.call("SET", "x", "v"));
            }
        }
        // a bad file stops the start, as Redis's "Aborting Redis startup because of ACL errors"
        Files.writeString(mf, "user alice on bogus\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestNode.start("--aclfile", mf.toString()));
        assertTrue(e.getMessage().contains("Syntax error"), e.getMessage());
    }

    @Test
    void noAclfileConfigured() {
        try (TestNode n = TestNode.start(); RespClient m = new RespClient(n.host(), n.port())) {
            assertTrue(String.valueOf(m.call("ACL", "LOAD")).contains("not configured to use an ACL file"));
        }
    }

    @Test
    void jedisAndLettuceAuthenticateAsUsers() {
        try (TestNode n = TestNode.start(); RespClient admin = new RespClient(n.host(), n.port())) {
            admin.call("ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "+@read", "+@write", "+@connection", "+acl|whoami");
            DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().user("app").password("apppw").timeoutMillis(20_000).build();
            try (Jedis j = new Jedis(n.host(), n.port(), cfg)) {
                assertEquals("app", j.aclWhoAmI());
                assertEquals("OK", j.set("app:1", "v"));
                Exception denied = assertThrows(Exception.class, () -> j.set("other", "v"));
                assertTrue(denied.getMessage().contains("NOPERM"), denied.getMessage());
                Exception cmd = assertThrows(Exception.class, () -> j.configGet("maxmemory"));
                assertEquals("NOPERM this user has no permissions to run the 'config|get' command", cmd.getMessage());
            }
            DefaultJedisClientConfig wrong = DefaultJedisClientConfig.builder().user("app").password("nope").timeoutMillis(20_000).build();
            Exception e = assertThrows(Exception.class, () -> {
                try (Jedis j = new Jedis(n.host(), n.port(), wrong)) {
                    j.ping();
                }
            });
            assertTrue(String.valueOf(e.getMessage()).contains("WRONGPASS") || String.valueOf(e.getCause()).contains("WRONGPASS"), e.toString());
            RedisClient client = RedisClient.create(RedisURI.builder().withHost(n.host()).withPort(n.port())
                    .withAuthentication("app", "apppw").withTimeout(Duration.ofSeconds(20)).build());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                assertEquals("app", c.sync().aclWhoami());
                assertEquals("v", c.sync().get("app:1"));
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
            }
            // ACL LOG shows the denials and the failed AUTH
            String log = String.valueOf(admin.call("ACL", "LOG"));
            assertTrue(log.contains("reason, auth") && log.contains("reason, key") && log.contains("reason, command"), log);
        }
    }
}
