package io.meridian.node.persist;

import io.meridian.node.Node;
import io.meridian.node.server.Client;
import io.meridian.node.util.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays the replication log into the keyspace at start-up, as a replica applies its
 * master's stream: each command runs through the dispatcher as the master link's client
 * (no replies sent, nothing propagated, keys not expired locally), MULTI/EXEC blocks apply
 * whole or not at all, and the offset advances byte for byte. Replay stops at the first
 * record that fails its checksum or is torn; what it applied up to a complete command (or
 * transaction) is {@link Result#applied}.
 */
public final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger("meridian");
    /** Command errors reported one by one before only counting them. */
    private static final int ERRORS_LOGGED = 10;

    /** What a replay did. */
    public record Result(long from, long applied, int streamDb, long commands, long errors,
                         LogCorruptionException damage) {}

    private LogRecovery() {}

    /**
     * Applies the log from offset from (the dataset must be the state at from; its stream
     * was in database startDb, -1 when unknown) to its end or to the first damage.
     */
    public static Result replay(Node node, ReplicationLog log, long from, int startDb) {
        Client c = new Client(node, null, 0);
        c.kind = 'M';
        c.authenticated = true;
        c.select(Math.max(0, startDb));
        c.replyOff = true; // errors are still counted (Stats.totalErrorReplies)
        int db = startDb;
        boolean sawSelect = false;
        StreamCommandParser parser = new StreamCommandParser(from);
        long applied = from;
        long commands = 0;
        long errors = 0;
        List<byte[][]> tx = null;
        LogCorruptionException damage = null;
        Node.Role role = node.role();
        node.setRole(Node.Role.REPLICA); // no propagation, no local expiry: the log says what expired
        try (LogReader r = log.read(from)) {
            for (LogRecord s; (s = r.nextSlice()) != null; ) {
                parser.feed(s.payload(), s.payloadStart(), s.payloadLength());
                for (;;) {
                    long at = parser.offset();
                    byte[][] argv = parser.next();
                    if (argv == null) break;
                    String name = Bytes.lower(argv[0]);
                    switch (name) {
                        case "multi" -> {
                            if (tx != null) throw new LogCorruptionException(LogCorruptionException.Kind.PROTOCOL, at, "MULTI inside MULTI");
                            tx = new ArrayList<>();
                        }
                        case "exec" -> {
                            if (tx == null) throw new LogCorruptionException(LogCorruptionException.Kind.PROTOCOL, at, "EXEC without MULTI");
                            for (byte[][] q : tx) errors += run(node, c, q, at, errors);
                            commands += tx.size();
                            tx = null;
                            applied = parser.offset();
                        }
                        // stream control (heartbeats, GETACK): no effect on the data
                        case "ping", "replconf" -> {
                            if (tx == null) applied = parser.offset();
                        }
                        default -> {
                            if (node.commands().lookup(argv[0]) == null) {
                                throw new IllegalStateException("Unknown command '" + Bytes.latin1(argv[0])
                                        + "' at offset " + at + " of the replication log in " + log.dir()
                                        + ": written by another version? Refusing to start.");
                            }
                            if (tx != null) {
                                tx.add(argv);
                            } else {
                                errors += run(node, c, argv, at, errors);
                                commands++;
                                applied = parser.offset();
                            }
                        }
                    }
                    if (tx == null && (name.equals("select") || name.equals("exec"))) sawSelect |= c.dbIndex != db || name.equals("select");
                }
            }
        } catch (LogCorruptionException e) {
            damage = e;
        } finally {
            node.setRole(role);
            c.discardOutput();
        }
        return new Result(from, applied, sawSelect ? c.dbIndex : startDb, commands, errors, damage);
    }

    /** Runs one command as the master link; returns 1 when it answered an error. */
    private static int run(Node node, Client c, byte[][] argv, long at, long errorsSoFar) {
        long before = node.stats().totalErrorReplies;
        node.dispatcher().process(c, argv);
        if (node.stats().totalErrorReplies == before) return 0;
        if (errorsSoFar < ERRORS_LOGGED) {
            LOG.warn("Replaying the replication log: '{}' at offset {} answered an error", Bytes.latin1(argv[0]), at);
        }
        return 1;
    }
}
