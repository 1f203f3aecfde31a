package io.meridian.node.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Puts replies whose order Redis leaves to its hash tables (subcommands, COMMAND lists) in a comparable order. */
final class CommandReplies {
    private CommandReplies() {}

    /** A COMMAND INFO entry (or null) with its subcommands sorted by name, recursively. */
    static Object infoEntry(Object o) {
        if (!(o instanceof List<?> l) || l.size() != 10) return o;
        List<Object> out = new ArrayList<>(l);
        if (l.get(9) instanceof List<?> subs) {
            List<Object> sorted = new ArrayList<>();
            for (Object s : subs) sorted.add(infoEntry(s));
            sorted.sort(Comparator.comparing(x -> String.valueOf(((List<?>) x).get(0))));
            out.set(9, sorted);
        }
        return out;
    }

    /** A COMMAND / COMMAND INFO reply: entries normalised and sorted by name. */
    static List<Object> infoList(Object o) {
        List<Object> out = new ArrayList<>();
        for (Object e : (List<?>) o) out.add(infoEntry(e));
        return out;
    }
}
