package io.meridian.node.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/** Prometheus text exposition read back in tests: "name{labels}" (labels as printed) to value. */
final class PromText {
    private PromText() {}

    static Map<String, Double> parse(String text) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }

    /** The value of a series, or null. */
    static Double value(String text, String series) {
        return parse(text).get(series);
    }
}
