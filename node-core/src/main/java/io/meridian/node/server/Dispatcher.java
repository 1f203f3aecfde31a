package io.meridian.node.server;

import io.meridian.node.Node;
import io.meridian.node.command.CommandFlag;
import io.meridian.node.command.CommandSpec;
import io.meridian.node.util.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis's processCommand and call(): looks a request up in the command table, checks arity,
 * authentication, transaction, pub/sub, replica and pause state in Redis's order and with its
 * error texts, queues it inside MULTI or runs the handler, and hands the write's propagated
 * form to the stream.
 */
public final class Dispatcher {
    private static final byte[] REDACTED = Bytes.utf8("(redacted)");
    private final Node node;
    /** Propagations of the current command, in order (expired-key DELs first). */
    private final List<Propagation> also = new ArrayList<>();
    /** Inside EXEC: everything propagated is wrapped in one MULTI/EXEC. */
    private boolean inExec;
    /** A handler is running: keys it finds expired are propagated with its effect, as one unit. */
    private boolean inCall;
    /** Redis's CMD_TOUCHES_ARBITRARY_KEYS (SCAN, RANDOMKEY): their expired-key DELs are not wrapped in MULTI. */
    private boolean noMultiWrap;

    record Propagation(int db, byte[][] argv) {}

    public Dispatcher(Node node) {
        this.node = node;
    }

    /** Runs one request from a client (or queues it while the client is blocked or paused). */
    public void process(Client c, byte[][] argv) {
        if (c.blocked != null || c.postponed || !c.pending.isEmpty()) {
            c.pending.add(argv);
            return;
        }
        processNow(c, argv);
    }

    /** Runs the commands that waited while c was blocked or paused. */
    public void resume(Client c) {
        c.postponed = false;
        while (c.blocked == null && !c.postponed && !c.pending.isEmpty() && !c.closeAfterReply) {
            processNow(c, c.pending.poll());
        }
        if (c.pendingProtocolError != null && c.pending.isEmpty() && c.blocked == null && !c.postponed) {
            c.error(c.pendingProtocolError);
            c.pendingProtocolError = null;
            c.closeAfterReply();
        }
        node.blocking().serveReady();
        c.flush();
        if (c.blocked == null && !c.postponed && c.channel() != null && !c.channel().config().isAutoRead()) {
            c.channel().config().setAutoRead(true);
        }
    }

    private void processNow(Client c, byte[][] argv) {
        if (argv.length == 0) return;
        c.lastInteraction = node.keyspace().tick();
        c.currentArgv = argv;
        c.redactMask = 0;
        try {
            dispatch(c, argv);
        } finally {
            afterReply(c);
        }
    }

    private void dispatch(Client c, byte[][] argv) {
        if (Bytes.eqIgnoreCase(argv[0], "host:") || Bytes.eqIgnoreCase(argv[0], "post")) {
            // cross protocol scripting: an HTTP request sent to the port (securityWarningCommand)
            node.log().warn("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. "
                    + "This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.");
            c.discardOutput();
            c.closeAfterReply = true;
            c.close();
            return;
        }
        CommandSpec spec = node.commands().lookup(argv[0]);
        if (spec != null && !spec.subcommands().isEmpty() && argv.length >= 2) {
            CommandSpec sub = spec.subcommands().get(Bytes.lower(argv[1]));
            if (sub == null) {
                c.lastCommand = "NULL";
                reject(c, null, "ERR unknown subcommand '" + truncate(Bytes.latin1(argv[1])) + "'. Try "
                        + spec.name().toUpperCase(java.util.Locale.ROOT) + " HELP.");
                return;
            }
            spec = sub;
        }
        c.lastCommand = spec == null ? "NULL" : spec.name();
        if (spec == null) {
            reject(c, null, unknownCommand(argv));
            return;
        }
        if (!spec.arityOk(argv.length)) {
            reject(c, spec, "ERR wrong number of arguments for '" + spec.name() + "' command");
            return;
        }
        if (spec.gate() != null) {
            String refused = spec.gate().refuse(c, argv);
            if (refused != null) {
                reject(c, spec, refused);
                return;
            }
        }
        if (!c.authenticated && node.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            reject(c, spec, "NOAUTH Authentication required.");
            return;
        }
        if (c.inMulti && spec.has(CommandFlag.NO_MULTI)) {
            reject(c, spec, "ERR Command not allowed inside a transaction");
            return;
        }
        String denied = node.acl().check(c, spec, argv);
        if (denied != null) {
            reject(c, spec, denied);
            return;
        }
        boolean isExec = isNamed(spec, "exec");
        boolean isWrite = spec.has(CommandFlag.WRITE) || (isExec && queuedHas(c, CommandFlag.WRITE));
        if (isWrite && !c.isMaster()) {
            String refusal = node.writeRefusal(c, spec);
            if (refusal != null) {
                reject(c, spec, refusal);
                return;
            }
        }
        if (c.resp == 2 && c.pubsubMode && !allowedWhileSubscribed(spec)) {
            reject(c, spec, "ERR Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        String stale = node.staleRefusal(c, spec);
        if (stale != null) {
            reject(c, spec, stale);
            return;
        }
        if (c.kind != 'S' && node.pauseBlocks(c, spec)) {
            // CLIENT PAUSE: the command waits, with everything after it, until the pause ends
            c.postponed = true;
            c.pending.addFirst(argv);
            return;
        }
        if (c.inMulti && !isTransactionControl(spec)) {
            // nothing is kept once the transaction is bound to fail, only the QUEUED reply
            if (!c.multiError && !c.dirtyCas) {
                if (c.queued == null) {
                    c.queued = new ArrayList<>();
                    c.queuedSpecs = new ArrayList<>();
                }
                c.queued.add(argv);
                c.queuedSpecs.add(spec);
                for (byte[] a : argv) c.queuedBytes += a.length;
            }
            c.simple("QUEUED");
            return;
        }
        call(c, spec, argv);
        node.blocking().serveReady();
    }

    private static boolean queuedHas(Client c, CommandFlag f) {
        if (c.queuedSpecs == null) return false;
        for (CommandSpec s : c.queuedSpecs) if (s.has(f)) return true;
        return false;
    }

    private static boolean isNamed(CommandSpec spec, String name) {
        return spec.parent() == null && spec.name().equals(name);
    }

    private static boolean isTransactionControl(CommandSpec spec) {
        if (spec.parent() != null) return false;
        String n = spec.name();
        return n.equals("exec") || n.equals("discard") || n.equals("multi") || n.equals("watch")
                || n.equals("quit") || n.equals("reset");
    }

    private static boolean allowedWhileSubscribed(CommandSpec spec) {
        if (spec.parent() != null) return false;
        return switch (spec.name()) {
            case "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe",
                 "ping", "quit", "reset" -> true;
            default -> false;
        };
    }

    /** rejectCommand: flags the transaction, and a rejected EXEC discards it with EXECABORT. */
    private void reject(Client c, CommandSpec spec, String error) {
        if (spec != null) spec.rejectedCalls++;
        if (spec != null && isNamed(spec, "exec")) {
            discardTransaction(c);
            String reason = error.startsWith("ERR ") ? error.substring(4) : error;
            c.error("EXECABORT Transaction discarded because of: " + reason);
            return;
        }
        if (c.inMulti) c.multiError = true;
        c.error(error);
    }

    /** Ends a transaction: queued commands, WATCHes and the dirty flags go (discardTransaction). */
    public void discardTransaction(Client c) {
        c.inMulti = false;
        c.multiError = false;
        c.dirtyCas = false;
        c.queued = null;
        c.queuedSpecs = null;
        c.queuedBytes = 0;
        node.watches().unwatchAll(c);
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
        List<byte[][]> outerPropagateAs = c.propagateAs;
        boolean outerPrevent = c.preventPropagation;
        c.propagateAs = null;
        c.preventPropagation = false;
        long start = System.nanoTime();
        int dbAtStart = c.dbIndex;
        long errorsBefore = node.stats().totalErrorReplies;
        long offsetBefore = node.stream().offset();
        try {
            boolean outerCall = inCall;
            inCall = true;
            try {
                spec.handler().execute(c, argv);
            } finally {
                inCall = outerCall;
            }
        } catch (RuntimeException e) {
            node.log().warn("Command '{}' failed: {}", spec.name(), e.toString(), e);
            c.error("ERR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        long nanos = System.nanoTime() - start;
        long micros = nanos / 1000;
        spec.calls++;
        spec.usec += micros;
        if (node.stats().totalErrorReplies > errorsBefore && !isNamed(spec, "exec")) spec.failedCalls++;
        node.stats().commandsProcessed++;
        c.commandsProcessed++;
        if (!spec.has(CommandFlag.SKIP_SLOWLOG) && c.blocked == null) {
            node.slowlog().record(c, redacted(c, argv), micros);
        } else if (c.blocked != null) {
            // logged when answered (updateStatsOnUnblock): the call's time plus the reply's
            c.blocked.argv = argv;
            c.blocked.callMicros = micros;
        }
        node.latency().commandDone(spec, micros);
        if (c.blocked == null && node.stats().latencyTracking) node.stats().recordLatency(spec, nanos);
        long dirty = node.stats().dirty - dirtyBefore;
        if (!c.preventPropagation && !isNamed(spec, "exec")) {
            if (c.propagateAs != null) {
                for (byte[][] p : c.propagateAs) also.add(new Propagation(dbAtStart, p));
            } else if (dirty > 0 && spec.has(CommandFlag.WRITE)) {
                also.add(new Propagation(dbAtStart, argv));
            }
        }
        c.propagateAs = outerPropagateAs;
        c.preventPropagation = outerPrevent;
        if (!inExec && !inCall) {
            noMultiWrap = spec.name().equals("scan") || spec.name().equals("randomkey");
            flushPropagation();
            noMultiWrap = false;
        }
        // Redis's c->woff: the stream offset right after this client's last propagated write (WAIT)
        if (node.stream().offset() != offsetBefore) c.woff = node.stream().offset();
    }

    /** AUTH and HELLO AUTH passwords never reach the slow log. */
    private static byte[][] redacted(Client c, byte[][] argv) {
        if (c.redactMask == 0) return argv;
        byte[][] copy = argv.clone();
        for (int i = 0; i < copy.length && i < 64; i++) {
            if ((c.redactMask & (1L << i)) != 0) copy[i] = REDACTED;
        }
        return copy;
    }

    /** resetClient: CLIENT REPLY SKIP drops exactly the next command's reply. */
    private static void afterReply(Client c) {
        c.replySkip = false;
        if (c.replySkipNext) {
            c.replySkip = true;
            c.replySkipNext = false;
        }
    }

    /** A key expired by the master: DEL it in the stream, before the current command's effect. */
    public void propagateExpired(int db, byte[] key) {
        byte[] del = Bytes.utf8(node.config().getBool("lazyfree-lazy-expire") ? "UNLINK" : "DEL");
        also.add(new Propagation(db, new byte[][]{del, key}));
        if (!inExec && !inCall && !node.inCommand()) flushPropagation();
    }

    /** Propagates what a background cycle expired (active expiry): each DEL on its own, no MULTI. */
    public void flushExpired() {
        noMultiWrap = true;
        flushPropagation();
        noMultiWrap = false;
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
        boolean wrap = also.size() > 1 && !noMultiWrap;
        if (wrap) node.stream().feed(also.get(0).db(), new byte[][]{Bytes.utf8("MULTI")});
        for (Propagation p : also) node.stream().feed(p.db(), p.argv());
        if (wrap) node.stream().feed(also.get(also.size() - 1).db(), new byte[][]{Bytes.utf8("EXEC")});
        also.clear();
    }
}
