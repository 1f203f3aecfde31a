package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.util.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's processCommand and call(): looks a request up in the command table, checks arity,
 * authentication, transaction, pub/sub and replica state in Redis's order and with its
 * error texts, runs the handler, and hands the write's propagated form to the stream.
 */
public final class Dispatcher {
    private static final byte[] QUEUED = Bytes.utf8("QUEUED");
    private final Node node;
    /** Propagations of the current command, in order (expired-key DELs first). */
    private final List<Propagation> also = new ArrayList<>();
    /** Inside EXEC: everything propagated is wrapped in one MULTI/EXEC. */
    private boolean inExec;
    private boolean execPropagatedMulti;

    record Propagation(int db, byte[][] argv) {}

    public Dispatcher(Node node) {
        this.node = node;
    }

    /** Runs one request from a client (or queues it while the client is blocked or paused). */
    public void process(Client c, byte[][] argv) {
        if (c.blocked != null || !c.pending.isEmpty() || node.paused(c, argv)) {
            c.pending.add(argv);
            return;
        }
        processNow(c, argv);
    }

    /** Runs the commands that waited while c was blocked or paused. */
    public void resume(Client c) {
        while (c.blocked == null && !c.pending.isEmpty() && !node.paused(c, c.pending.peek())) {
            processNow(c, c.pending.poll());
        }
        node.blocking().serveReady();
        c.flush();
    }

    private void processNow(Client c, byte[][] argv) {
        if (argv.length == 0) return;
        node.keyspace().tick();
        c.lastInteraction = node.clock().millis();
        CommandSpec spec = node.commands().lookup(argv[0]);
        if (spec == null) {
            reject(c, unknownCommand(argv));
            return;
        }
        if (!spec.subcommands().isEmpty() && argv.length >= 2) {
            CommandSpec sub = spec.subcommands().get(Bytes.lower(argv[1]));
            if (sub == null) {
                reject(c, "ERR unknown subcommand '" + truncate(Bytes.latin1(argv[1])) + "'. Try "
                        + spec.name().toUpperCase() + " HELP.");
                return;
            }
            spec = sub;
        }
        if (!spec.arityOk(argv.length)) {
            reject(c, "ERR wrong number of arguments for '" + spec.name() + "' command");
            return;
        }
        if (!c.authenticated && node.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            reject(c, "NOAUTH Authentication required.");
            return;
        }
        if (c.inMulti && spec.has(CommandFlag.NO_MULTI)) {
            reject(c, "ERR Command not allowed inside a transaction");
            return;
        }
        String denied = node.acl().check(c, spec, argv);
        if (denied != null) {
            reject(c, denied);
            return;
        }
        boolean isWrite = spec.has(CommandFlag.WRITE);
        if (isWrite && !c.isMaster()) {
            String refusal = node.writeRefusal(c, spec);
            if (refusal != null) {
                reject(c, refusal);
                return;
            }
        }
        if (c.resp == 2 && c.isSubscriber() && !allowedWhileSubscribed(spec)) {
            reject(c, "ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        String stale = node.staleRefusal(c, spec);
        if (stale != null) {
            reject(c, stale);
            return;
        }
        if (c.inMulti && !isTransactionControl(spec)) {
            if (c.queued == null) {
                c.queued = new ArrayList<>();
                c.queuedSpecs = new ArrayList<>();
            }
            c.queued.add(argv);
            c.queuedSpecs.add(spec);
            c.simple("QUEUED");
            return;
        }
        call(c, spec, argv);
        node.blocking().serveReady();
    }

    private static boolean isTransactionControl(CommandSpec spec) {
        String n = spec.parent() != null ? spec.parent().name() : spec.name();
        return n.equals("exec") || n.equals("discard") || n.equals("multi") || n.equals("watch")
                || n.equals("quit") || n.equals("reset");
    }

    private static boolean allowedWhileSubscribed(CommandSpec spec) {
        String n = spec.parent() != null ? spec.parent().name() : spec.name();
        return switch (n) {
            case "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe",
                 "ping", "quit", "reset" -> true;
            default -> false;
        };
    }

    private void reject(Client c, String error) {
        if (c.inMulti) c.multiError = true;
        c.error(error);
        afterReply(c);
    }

    private static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = Bytes.latin1(argv[i]);
            int room = 128 - args.length();
            if (a.length() > room) a = a.substring(0, room);
            args.append('\'').append(a).append("' ");
        }
        return "ERR unknown command '" + truncate(Bytes.latin1(argv[0])) + "', with args beginning with: " + args;
    }

    private static String truncate(String s) {
        return s.length() > 128 ? s.substring(0, 128) : s;
    }

    /**
     * Runs a command whose checks passed (directly or from EXEC): stats, slow log and
     * propagation of what it changed.
     */
    public void call(Client c, CommandSpec spec, byte[][] argv) {
        long dirtyBefore = node.stats().dirty;
        c.propagateAs = null;
        c.preventPropagation = false;
        long start = System.nanoTime();
        int dbAtStart = c.dbIndex;
        try {
            spec.handler().execute(c, argv);
        } catch (RuntimeException e) {
            node.log().warn("Command '{}' failed: {}", spec.name(), e.toString(), e);
            c.error("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        long micros = (System.nanoTime() - start) / 1000;
        spec.calls++;
        spec.usec += micros;
        node.stats().commandsProcessed++;
        c.commandsProcessed++;
        c.lastCommand = spec.name();
        node.slowlog().record(c, argv, micros);
        long dirty = node.stats().dirty - dirtyBefore;
        if (!c.preventPropagation) {
            if (c.propagateAs != null) {
                for (byte[][] p : c.propagateAs) also.add(new Propagation(dbAtStart, p));
            } else if (dirty > 0 && spec.has(CommandFlag.WRITE)) {
                also.add(new Propagation(dbAtStart, argv));
            }
        }
        c.propagateAs = null;
        if (!inExec) flushPropagation();
        afterReply(c);
    }

    private void afterReply(Client c) {
        if (c.skipNext && c.replyMode == Client.ReplyMode.SKIP) {
            c.replyMode = Client.ReplyMode.ON;
        }
        if (c.replyMode == Client.ReplyMode.SKIP) {
            c.skipNext = true;
        } else {
            c.skipNext = false;
        }
    }

    /** A key expired by the master: DEL it in the stream, before the current command's effect. */
    public void propagateExpired(int db, byte[] key) {
        also.add(new Propagation(db, new byte[][]{Bytes.utf8("DEL"), key}));
        if (!inExec && !node.inCommand()) flushPropagation();
    }

    /** A blocked command that was served records its effect (BLPOP as LPOP). */
    void propagateServed(Client c) {
        if (c.propagateAs != null) {
            for (byte[][] p : c.propagateAs) also.add(new Propagation(c.dbIndex, p));
            c.propagateAs = null;
        }
        flushPropagation();
    }

    /** EXEC: run queued commands with their propagation wrapped in one MULTI/EXEC. */
    public void beginExec() {
        inExec = true;
    }

    /** Whether queued commands of an EXEC are running: blocking commands must not block then. */
    public boolean inExec() {
        return inExec;
    }

    public void endExec() {
        inExec = false;
        flushPropagation();
    }

    private void flushPropagation() {
        if (also.isEmpty()) return;
        if (!node.propagates()) {
            also.clear();
            return;
        }
        boolean wrap = also.size() > 1;
        if (wrap) node.stream().feed(also.get(0).db(), new byte[][]{Bytes.utf8("MULTI")});
        for (Propagation p : also) node.stream().feed(p.db(), p.argv());
        if (wrap) node.stream().feed(also.get(also.size() - 1).db(), new byte[][]{Bytes.utf8("EXEC")});
        also.clear();
    }
}
