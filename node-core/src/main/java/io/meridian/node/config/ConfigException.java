package io.meridian.node.config;

/** A directive that cannot be applied; the message is Redis's own wording. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
