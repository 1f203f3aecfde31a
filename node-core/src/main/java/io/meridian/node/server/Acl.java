package io.meridian.node.server;

import io.meridian.node.command.CommandSpec;

/** Decides whether a client's user may run a command on its keys; null = allowed, else the NOPERM error. */
public interface Acl {
    String check(Client c, CommandSpec spec, byte[][] argv);

    /** Checks a password for a user; true when it authenticates. */
    boolean authenticate(String user, byte[] password);

    /** AUTH and HELLO AUTH: checks the password for the client (a failure goes to the ACL LOG). */
    default boolean authenticate(Client c, String user, byte[] password) {
        return authenticate(user, password);
    }

    /** Whether a fresh connection must AUTH before anything else. */
    boolean authRequired();

    /** Whether a user of this name exists (CLIENT KILL USER). */
    default boolean userExists(String name) {
        return name.equals("default");
    }
}
