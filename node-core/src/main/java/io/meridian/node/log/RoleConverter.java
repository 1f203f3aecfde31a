package io.meridian.node.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Redis's role mark after the pid: 'C' while configuring, 'M' master, 'S' replica, 'X' sentinel. */
public final class RoleConverter extends ClassicConverter {
    private static volatile char role = 'C';
    private static final long PID = ProcessHandle.current().pid();

    public static void set(char r) {
        role = r;
    }

    @Override
    public String convert(ILoggingEvent e) {
        return PID + ":" + role;
    }
}
