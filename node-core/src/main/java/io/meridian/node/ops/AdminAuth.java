package io.meridian.node.ops;

import io.meridian.node.config.Config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The admin API's check: {@code Authorization: Bearer <token>} against {@code admin-token} or
 * the content of {@code admin-token-file} (read at each request, so a rotated Kubernetes
 * Secret takes effect without a restart). No token configured = every request refused.
 */
final class AdminAuth {
    /** Why a request is refused: the HTTP status and the message (never the token). */
    record Refusal(int status, String message) {}

    private AdminAuth() {}

    /** null when the request may proceed. */
    static Refusal check(Config config, String authorization) {
        String expected = expectedToken(config);
        if (expected == null || expected.isEmpty()) {
            return new Refusal(403, "the admin API is disabled: set admin-token or admin-token-file");
        }
        if (authorization == null || authorization.isBlank()) {
            return new Refusal(401, "authentication required: send 'Authorization: Bearer <admin token>'");
        }
        String given = authorization.strip();
        if (!given.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new Refusal(401, "authentication required: send 'Authorization: Bearer <admin token>'");
        }
        given = given.substring(7).strip();
        // constant time: the comparison does not tell how much of a guess was right
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            return new Refusal(401, "invalid admin token");
        }
        return null;
    }

    static String expectedToken(Config config) {
        String file = config.get("admin-token-file");
        if (file != null && !file.isEmpty()) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                return null;
            }
        }
        return config.get("admin-token");
    }
}
