package io.meridian.node.server;

import io.meridian.node.command.CommandSpec;
import io.meridian.node.config.Config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The default user only, with requirepass: what a Redis without ACL rules does. */
public final class PasswordAcl implements Acl {
    private final Config config;

    public PasswordAcl(Config config) {
        this.config = config;
    }

    @Override
    public String check(Client c, CommandSpec spec, byte[][] argv) {
        return null;
    }

    @Override
    public boolean authenticate(String user, byte[] password) {
        if (!user.equals("default")) return false;
        String pass = config.getString("requirepass");
        if (pass.isEmpty()) return true;
        return MessageDigest.isEqual(pass.getBytes(StandardCharsets.UTF_8), password);
    }

    @Override
    public boolean authRequired() {
        return !config.getString("requirepass").isEmpty();
    }
}
