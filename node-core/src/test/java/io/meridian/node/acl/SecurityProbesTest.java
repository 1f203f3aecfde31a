package io.meridian.node.acl;

import io.meridian.node.testing.Differential;
import io.meridian.node.testing.RespClient;
import io.meridian.node.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Security probes: NOAUTH before AUTH, protected mode, and passwords kept out of every report. */
class SecurityProbesTest {

    @Test
    void unauthenticatedClientGetsNoauthForAllButAuthAndHello() {
        try (Differential d = new Differential("--requirepass", "pw")) {
            RespClient m = d.meridianClient();
            for (String[] cmd : List.of(new String[]{"PING"}, new String[]{"GET", "k"}, new String[]{"SET", "k", "v"},
                    new String[]{"ACL", "WHOAMI"}, new String[]{"ACL", "LIST"}, new String[]{"CONFIG", "GET", "requirepass"},
                    new String[]{"INFO"}, new String[]{"CLIENT", "LIST"}, new String[]{"FLUSHALL"}, new String[]{"SELECT", "1"},
                    new String[]{"MULTI"}, new String[]{"KEYS", "*"}, new String[]{"SUBSCRIBE", "c"}, new String[]{"DEBUG", "DIGEST"},
                    new String[]{"NOSUCHCOMMAND"}, new String[]{"ECHO", "x"}, new String[]{"HELLO", "2"}, new String[]{"HELLO", "3"},
                    new String[]{"AUTH", "nobody", "pw"}, new String[]{"AUTH", "wrong"})) {
                Object reply = d.check(cmd);
                String name = cmd[0];
                if (!name.equals("AUTH") && !name.equals("HELLO") && !name.equals("NOSUCHCOMMAND")) {
                    assertEquals(new RespClient.Err("NOAUTH Authentication required."), reply, String.join(" ", cmd));
                }
            }
            d.both("HELLO", "2", "AUTH", "default", "pw");
            d.check("GET", "k");
            assertEquals("default", m.call("ACL", "WHOAMI"));
        }
    }

    /** A connection from 127.0.0.2 is not "local" for Redis's protected mode (only 127.0.0.1 and ::1 are). */
    static String firstReplyFrom127002(int port) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            StringBuilder sb = new StringBuilder();
            int n;
            while ((n = in.read(buf)) > 0) {
                sb.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                if (sb.indexOf("\r\n") >= 0) break;
            }
            return sb.toString();
        }
    }

    @Test
    void protectedModeRefusesNonLoopbackClientsWithoutPassword() throws Exception {
        try (TestNode n = TestNode.start("--protected-mode", "yes")) {
            String reply = firstReplyFrom127002(n.port());
            assertTrue(reply.startsWith("-DENIED Redis is running in protected mode"), reply);
            try (RespClient local = new RespClient(n.host(), n.port())) {
                assertEquals(new RespClient.Simple("PONG"), local.call("PING"));
                // a password for the default user (through ACL) lifts protected mode
                assertEquals(new RespClient.Simple("OK"), local.call("ACL", "SETUSER", "default", "resetpass", ">pw"));
                assertEquals(new RespClient.Simple("PONG"), local.call("PING")); // stays authenticated, as in Redis
            }
            try (RespClient fresh = new RespClient(n.host(), n.port())) {
                assertEquals(new RespClient.Err("NOAUTH Authentication required."), fresh.call("PING"));
            }
            assertEquals("-NOAUTH Authentication required.\r\n", firstReplyFrom127002(n.port()));
        }
        try (TestNode n = TestNode.start("--protected-mode", "no")) {
            assertEquals("+PONG\r\n", firstReplyFrom127002(n.port()));
        }
        try (TestNode n = TestNode.start("--protected-mode", "yes", "--requirepass", "pw")) {
            assertEquals("-NOAUTH Authentication required.\r\n", firstReplyFrom127002(n.port()));
        }
    }

    @Test
    void passwordsNeverAppearInReports() {
        String secret = "supersecret-pw-42";
        try (Differential d = new Differential("--slowlog-log-slower-than", "0")) {
            d.check("ACL", "SETUSER", "zed", "on", ">" + secret, "~*", "+@all");
            try (RespClient z = new RespClient(d.meridian().host(), d.meridian().port())) {
                z.call("AUTH", "zed", secret);
                z.call("HELLO", "3", "AUTH", "zed", secret, "SETNAME", "zconn");
                z.call("AUTH", "zed", secret + "-wrong");
                z.call("CONFIG", "SET", "masterauth", secret);
                z.call("CONFIG", "SET", "requirepass", secret);
                z.call("AUTH", secret);
                RespClient m = d.meridianClient();
                m.call("AUTH", secret);
                List<Object> reports = new java.util.ArrayList<>();
                reports.add(m.call("SLOWLOG", "GET", "100"));
                reports.add(m.call("CLIENT", "LIST"));
                reports.add(m.call("INFO", "everything"));
                reports.add(m.call("ACL", "LIST"));
                reports.add(m.call("ACL", "GETUSER", "zed"));
                reports.add(m.call("ACL", "LOG"));
                reports.add(m.call("CLIENT", "INFO"));
                for (Object r : reports) assertFalse(String.valueOf(r).contains(secret), String.valueOf(r));
                // what Redis stores instead: the SHA-256 of the password
                String hash = AclUser.sha256Hex(secret.getBytes(StandardCharsets.UTF_8));
                assertTrue(String.valueOf(m.call("ACL", "LIST")).contains(hash));
            }
            // the slow log shows ACL SETUSER's and AUTH's arguments redacted, as Redis
            Object real = String.valueOf(d.redisClient().call("SLOWLOG", "GET", "100"));
            Object ours = String.valueOf(d.meridianClient().call("SLOWLOG", "GET", "100"));
            for (String shown : List.of("[ACL, SETUSER, (redacted), (redacted), (redacted), (redacted), (redacted)]")) {
                assertTrue(String.valueOf(real).contains(shown), String.valueOf(real));
                assertTrue(String.valueOf(ours).contains(shown), String.valueOf(ours));
            }
        }
    }
}
