package io.meridian.node.ops;

import io.meridian.node.Node;
import io.meridian.node.server.Client;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one command on the node as an authenticated in-process client (no socket) and returns
 * its reply, so the admin API does exactly what REPLICAOF, BGSAVE ... do over RESP, with the
 * same checks, logs and propagation. Commands renamed or disabled with rename-command are
 * refused here too.
 */
final class InternalCommand {
    /** A reply: its RESP type byte ('+', '-', ':', '$', '*', ...) and its text (first line, or the bulk). */
    record Reply(char type, String text) {
        boolean isError() {
            return type == '-';
        }
    }

    private InternalCommand() {}

    static CompletableFuture<Reply> run(Node node, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Reply> f = new CompletableFuture<>();
        try {
            node.execute(() -> {
                Client c = new Client(node, null, 0);
                c.authenticated = true;
                try {
                    node.dispatcher().process(c, argv);
                    ByteBuf out = c.takeOutput();
                    try {
                        f.complete(parse(out));
                    } finally {
                        if (out != null) out.release();
                    }
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                } finally {
                    c.discardOutput();
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** The first reply in out (nothing = an empty simple string). */
    static Reply parse(ByteBuf out) {
        if (out == null || !out.isReadable()) return new Reply('+', "");
        String s = out.toString(StandardCharsets.UTF_8);
        char type = s.charAt(0);
        int eol = s.indexOf("\r\n");
        String first = eol < 0 ? s.substring(1) : s.substring(1, eol);
        if (type == '$' && !first.startsWith("-")) {
            int len = Integer.parseInt(first);
            return new Reply(type, s.substring(eol + 2, Math.min(s.length(), eol + 2 + len)));
        }
        return new Reply(type, first);
    }
}
