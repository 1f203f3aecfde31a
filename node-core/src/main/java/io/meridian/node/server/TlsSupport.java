package io.meridian.node.server;

import io.meridian.node.config.Config;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * TLS as Redis's tls.c configures it, with Netty's SslHandler: the server context from the PEM
 * tls-cert-file / tls-key-file, peers checked against tls-ca-cert-file (tls-auth-clients
 * yes|no|optional), tls-protocols, and TLS 1.3 suites from tls-ciphersuites (IANA names, as the
 * JDK knows them; OpenSSL's TLS 1.2 cipher names in tls-ciphers are used when they are IANA
 * names too). A client context (tls-client-cert-file or tls-cert-file) for outgoing replication
 * links when tls-replication is yes. Changing a tls-* directive rebuilds the contexts for the
 * connections that follow, as CONFIG SET does in Redis.
 */
public final class TlsSupport {
    private static final List<String> WATCHED = List.of("tls-cert-file", "tls-key-file", "tls-ca-cert-file", "tls-auth-clients",
            "tls-protocols", "tls-ciphers", "tls-ciphersuites", "tls-client-cert-file", "tls-client-key-file", "tls-key-file-pass",
            "tls-client-key-file-pass");

    private final Config config;
    private volatile SslContext server;
    private volatile SslContext client;

    public TlsSupport(Config config) {
        this.config = config;
        for (String d : WATCHED) {
            config.watch(d, cfg -> {
                server = null;
                client = null;
            });
        }
    }

    /** The server context (built on first use and after a tls-* change); fails as Redis's "Failed to configure TLS". */
    public SslContext server() {
        SslContext s = server;
        if (s == null) {
            try {
                s = serverContext(config);
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("Failed to configure TLS: " + e.getMessage(), e);
            }
            server = s;
        }
        return s;
    }

    public Supplier<SslContext> serverSupplier() {
        return this::server;
    }

    /** The context for links this node opens (replication with tls-replication yes). */
    public SslContext client() {
        SslContext s = client;
        if (s == null) {
            try {
                s = clientContext(config);
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalStateException("Failed to configure TLS: " + e.getMessage(), e);
            }
            client = s;
        }
        return s;
    }

    public static SslContext serverContext(Config cfg) throws SSLException {
        String cert = cfg.getString("tls-cert-file");
        String key = cfg.getString("tls-key-file");
        if (empty(cert) || empty(key)) throw new IllegalArgumentException("tls-cert-file and tls-key-file must be set");
        String pass = cfg.getString("tls-key-file-pass");
        SslContextBuilder b = SslContextBuilder.forServer(new File(cert), new File(key), empty(pass) ? null : pass)
                .sslProvider(SslProvider.JDK);
        String ca = cfg.getString("tls-ca-cert-file");
        String auth = cfg.getString("tls-auth-clients");
        ClientAuth mode = switch (auth == null ? "yes" : auth.toLowerCase(Locale.ROOT)) {
            case "no" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            default -> ClientAuth.REQUIRE;
        };
        if (!empty(ca)) b.trustManager(new File(ca));
        else if (mode != ClientAuth.NONE) throw new IllegalArgumentException("tls-ca-cert-file must be set to verify clients (or set tls-auth-clients no)");
        b.clientAuth(mode);
        common(b, cfg);
        return b.build();
    }

    public static SslContext clientContext(Config cfg) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
        String cert = cfg.getString("tls-client-cert-file");
        String key = cfg.getString("tls-client-key-file");
        String pass = cfg.getString("tls-client-key-file-pass");
        if (empty(cert) || empty(key)) {
            cert = cfg.getString("tls-cert-file");
            key = cfg.getString("tls-key-file");
            pass = cfg.getString("tls-key-file-pass");
        }
        if (!empty(cert) && !empty(key)) b.keyManager(new File(cert), new File(key), empty(pass) ? null : pass);
        String ca = cfg.getString("tls-ca-cert-file");
        if (!empty(ca)) b.trustManager(new File(ca));
        common(b, cfg);
        return b.build();
    }

    private static void common(SslContextBuilder b, Config cfg) {
        String protocols = cfg.getString("tls-protocols");
        if (!empty(protocols)) b.protocols(protocols.trim().split("\\s+"));
        List<String> ciphers = new ArrayList<>();
        for (String d : List.of("tls-ciphersuites", "tls-ciphers")) {
            String v = cfg.getString(d);
            if (empty(v)) continue;
            for (String c : v.split("[:\\s,]+")) if (c.startsWith("TLS_")) ciphers.add(c);
        }
        if (!ciphers.isEmpty()) b.ciphers(ciphers);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }
}
