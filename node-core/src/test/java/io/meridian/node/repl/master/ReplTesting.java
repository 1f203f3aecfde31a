package io.meridian.node.repl.master;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.meridian.node.keyspace.Keyspace;
import io.meridian.node.rdb.RdbLoader;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Transaction;

import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Helpers of the replication tests: INFO fields, waiting for a replica to catch up, a writer of every type. */
final class ReplTesting {
    private ReplTesting() {}

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
        }
        return null;
    }

    static long longField(Jedis j, String section, String name) {
        String v = field(j.info(section), name);
        if (v == null) throw new AssertionError("INFO " + section + " has no " + name + ": " + j.info(section));
        return Long.parseLong(v);
    }

    static String digest(Jedis j) {
        Object r = j.sendCommand(() -> "DEBUG".getBytes(), "DIGEST");
        return new String((byte[]) r);
    }

    /** Waits until the replica's link is up and it applied exactly the master's offset. */
    static long waitInSync(Jedis master, Jedis replica, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            String mi = master.info("replication");
            String ri = replica.info("replication");
            long mo = Long.parseLong(field(mi, "master_repl_offset"));
            String link = field(ri, "master_link_status");
            String ro = field(ri, "slave_repl_offset");
            last = "master offset " + mo + ", replica link " + link + " offset " + ro;
            if ("up".equals(link) && ro != null && Long.parseLong(ro) == mo
                    && Long.parseLong(field(master.info("replication"), "master_repl_offset")) == mo) {
                return mo;
            }
            Thread.sleep(50);
        }
        fail("replica did not catch up: " + last + "\nmaster:\n" + master.info("replication") + "\nreplica:\n" + replica.info("replication"));
        return -1;
    }

    /** Waits in sync and compares DEBUG DIGEST (retrying while a ping moves the offset between the two reads). */
    static void assertSameData(Jedis master, Jedis replica) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            long at = waitInSync(master, replica, 60_000);
            String dm = digest(master);
            String dr = digest(replica);
            long after = Long.parseLong(field(master.info("replication"), "master_repl_offset"));
            if (dm.equals(dr)) return;
            if (after == at || attempt > 5) {
                assertEquals(dm, dr, "DEBUG DIGEST of master and replica at offset " + at + " (master keys "
                        + master.dbSize() + ", replica keys " + replica.dbSize() + ")");
            }
        }
    }

    /** Expires what has a due TTL on the master (so the DELs reach the replica) by scanning every db. */
    static void expireDue(Jedis master) {
        for (int db = 0; db < 4; db++) {
            master.select(db);
            String cursor = "0";
            do {
                var r = master.scan(cursor, new redis.clients.jedis.params.ScanParams().count(1000));
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
        }
        master.select(0);
    }

    /** A writer of every data type, expiries, MULTI/EXEC and (when allowed) FLUSHALL, until stopped. */
    static final class Writer extends Thread implements AutoCloseable {
        private final String host;
        private final int port;
        private final boolean flushAll;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong ops = new AtomicLong();
        volatile Throwable error;

        Writer(String host, int port, boolean flushAll) {
            super("repl-test-writer");
            this.host = host;
            this.port = port;
            this.flushAll = flushAll;
            setDaemon(true);
        }

        @Override
        public void run() {
            Random r = new Random(42);
            try (Jedis j = new Jedis(host, port, 30_000)) {
                while (!stop.get()) {
                    long i = ops.incrementAndGet();
                    int k = r.nextInt(2000);
                    j.select((int) (i % 3));
                    switch ((int) (i % 16)) {
                        case 0 -> j.set("s" + k, "v" + i);
                        case 1 -> j.incr("n" + k);
                        case 2 -> j.rpush("l" + k, "a" + i, "b" + i);
                        case 3 -> j.lpop("l" + k);
                        case 4 -> j.hset("h" + k, "f" + (i % 7), "v" + i);
                        case 5 -> j.sadd("set" + k, "m" + (i % 50));
                        case 6 -> j.spop("set" + k);
                        case 7 -> j.zadd("z" + k, r.nextDouble() * 100, "m" + (i % 40));
                        case 8 -> j.expire("s" + k, 1000);
                        case 9 -> j.setex("t" + k, 1, "short"); // expires during the test
                        case 10 -> j.pexpire("h" + k, 300);
                        case 11 -> j.incrByFloat("f" + k, 1.5);
                        case 12 -> {
                            Transaction t = j.multi();
                            t.set("tx" + k, "x" + i);
                            t.incr("txn" + k);
                            t.lpush("txl" + k, "q");
                            t.exec();
                        }
                        case 13 -> j.del("s" + (k + 1));
                        case 14 -> j.zincrby("z" + k, 2, "m1");
                        default -> {
                            if (flushAll && i % 4000 == 15) j.flushAll();
                            else j.append("s" + k, "+");
                        }
                    }
                }
            } catch (Throwable t) {
                if (!stop.get()) error = t;
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            join(30_000);
            if (error != null) throw new AssertionError("writer failed", error);
        }
    }

    /** Waits until the replica finished loading its full sync (link up, nothing in progress). */
    static void awaitLoaded(Jedis r, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try {
                String info = r.info("replication");
                if ("up".equals(field(info, "master_link_status")) && "0".equals(field(info, "master_sync_in_progress"))) return;
            } catch (redis.clients.jedis.exceptions.JedisDataException loading) {
                // -LOADING while it loads
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the replica never finished its full sync: " + r.info("replication"));
    }

    /** Loads n keys of every type with one pipeline per batch. */
    static void fill(Jedis j, int n) {
        var p = j.pipelined();
        for (int i = 0; i < n; i++) {
            switch (i % 5) {
                case 0 -> p.set("key:" + i, "value:" + i);
                case 1 -> p.rpush("list:" + i, "a", "b", "c");
                case 2 -> p.hset("hash:" + i, java.util.Map.of("f1", "v1", "f2", "v2"));
                case 3 -> p.sadd("set:" + i, "x", "y", "z");
                default -> p.zadd("zset:" + i, i, "m" + i);
            }
            if (i % 10_000 == 9_999) p.sync();
        }
        p.sync();
    }

    /** Captures the node's log lines ("meridian" logger) while open. */
    static final class LogCapture implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("meridian");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        LogCapture() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> lines() {
            synchronized (appender) {
                List<String> out = new ArrayList<>();
                for (ILoggingEvent e : appender.list) out.add(e.getFormattedMessage());
                return out;
            }
        }

        long count(String fragment) {
            return lines().stream().filter(l -> l.contains(fragment)).count();
        }

        void await(String fragment) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 30_000;
            while (count(fragment) == 0) {
                if (System.currentTimeMillis() > deadline) fail("no log line with '" + fragment + "' in:\n" + String.join("\n", lines()));
                Thread.sleep(20);
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }

    /** A replica spoken by hand: the handshake, the RDB payload in either framing, the stream bytes. */
    static final class FakeReplica implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        FakeReplica(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setSoTimeout(30_000);
            in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16));
            out = socket.getOutputStream();
        }

        void send(String... args) throws IOException {
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) b.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
            out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** One line without its CRLF (keep-alive newlines included: they read as ""). */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') b.write(c);
            if (c < 0) throw new IOException("connection closed");
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        /** The next line that is not a keep-alive newline. */
        String reply() throws IOException {
            String l;
            do {
                l = line();
            } while (l.isEmpty());
            return l;
        }

        /** Sends the handshake and PSYNC; returns the PSYNC reply line. */
        String psync(int listeningPort, boolean eof, String replid, long offset) throws IOException {
            send("REPLCONF", "listening-port", Integer.toString(listeningPort));
            if (!reply().equals("+OK")) throw new IOException("REPLCONF listening-port refused");
            send(eof ? new String[]{"REPLCONF", "capa", "eof", "capa", "psync2"} : new String[]{"REPLCONF", "capa", "psync2"});
            if (!reply().equals("+OK")) throw new IOException("REPLCONF capa refused");
            send("PSYNC", replid, Long.toString(offset));
            return reply();
        }

        /** The RDB after +FULLRESYNC: $EOF:<mark> framing (the mark is returned as the second element) or $len. */
        Object[] rdb() throws IOException {
            String head = reply();
            if (!head.startsWith("$")) throw new IOException("not a payload header: " + head);
            if (head.startsWith("$EOF:")) {
                String mark = head.substring(5);
                if (mark.length() != 40) throw new IOException("EOF mark of " + mark.length() + " chars");
                byte[] m = mark.getBytes(StandardCharsets.ISO_8859_1);
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                while (true) {
                    b.write(in.readUnsignedByte());
                    int n = b.size();
                    if (n >= 40 && java.util.Arrays.equals(b.toByteArray(), n - 40, n, m, 0, 40)) {
                        byte[] all = b.toByteArray();
                        return new Object[]{java.util.Arrays.copyOf(all, n - 40), mark};
                    }
                }
            }
            int len = Integer.parseInt(head.substring(1));
            byte[] body = new byte[len];
            in.readFully(body);
            return new Object[]{body, null};
        }

        /** Reads exactly n stream bytes. */
        String stream(int n) throws IOException {
            byte[] b = new byte[n];
            in.readFully(b);
            return new String(b, StandardCharsets.ISO_8859_1);
        }

        /** Whether the server closed the connection within the time. */
        boolean closedByServer(int ms) {
            try {
                socket.setSoTimeout(ms);
                while (true) {
                    if (in.read() < 0) return true;
                }
            } catch (IOException e) {
                return e instanceof java.net.SocketException;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Loads an RDB payload and returns how many keys it held. */
    static long keysIn(byte[] rdb) throws IOException {
        Keyspace ks = new Keyspace(16, java.time.Clock.systemUTC());
        RdbLoader.Result r = RdbLoader.load(new ByteArrayInputStream(rdb), ks, -1, true);
        return r.keysLoaded;
    }

    static String cmd(String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return b.toString();
    }
}
