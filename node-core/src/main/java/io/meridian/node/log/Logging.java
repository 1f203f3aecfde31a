package io.meridian.node.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import io.meridian.node.config.Config;
import org.slf4j.LoggerFactory;

/** Applies the loglevel and logfile directives: Redis's line format, to stdout or a file. */
public final class Logging {
    public static final String PATTERN = "%role %d{dd MMM yyyy HH:mm:ss.SSS} %rlevel %msg%n";

    private Logging() {}

    public static Level level(String redisLevel) {
        return switch (redisLevel) {
            case "debug" -> Level.TRACE;
            case "verbose" -> Level.DEBUG;
            case "warning" -> Level.WARN;
            case "nothing" -> Level.OFF;
            default -> Level.INFO;
        };
    }

    /** Configures the root logger from the config and follows CONFIG SET loglevel. */
    public static void apply(Config config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        Logger meridian = ctx.getLogger("meridian");
        config.watch("loglevel", c -> meridian.setLevel(level(c.getString("loglevel"))));
        meridian.setLevel(level(config.getString("loglevel")));
        String file = config.getString("logfile");
        if (file.isEmpty()) return;
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(PATTERN);
        enc.start();
        FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> fa = new FileAppender<>();
        fa.setContext(ctx);
        fa.setFile(file);
        fa.setAppend(true);
        fa.setEncoder(enc);
        fa.start();
        root.detachAndStopAllAppenders();
        root.addAppender(fa);
    }

    @SuppressWarnings("unused")
    private static OutputStreamAppender<?> console(LoggerContext ctx) {
        return new ConsoleAppender<>();
    }
}
