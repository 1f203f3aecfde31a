package io.meridian.node.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Redis's level marks: '.' debug, '-' verbose, '*' notice, '#' warning. */
public final class RedisLevelConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent e) {
        Level l = e.getLevel();
        if (l.isGreaterOrEqual(Level.WARN)) return "#";
        if (l.isGreaterOrEqual(Level.INFO)) return "*";
        if (l.isGreaterOrEqual(Level.DEBUG)) return "-";
        return ".";
    }
}
