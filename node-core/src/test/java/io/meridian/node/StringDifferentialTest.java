package io.meridian.node;

import io.meridian.node.testing.Differential;
import org.junit.jupiter.api.Test;

class StringDifferentialTest {
    @Test
    void getAndSetOptions() {
        try (Differential d = new Differential()) {
            d.script(
                    new String[]{"SET", "k", "v"},
                    new String[]{"GET", "k"},
                    new String[]{"SET", "k", "v2", "NX"},
                    new String[]{"SET", "k", "v2", "XX", "GET"},
                    new String[]{"SET", "nokey", "v", "XX"},
                    new String[]{"SET", "k", "v", "EX", "0"},
                    new String[]{"SET", "k", "v", "EX", "abc"},
                    new String[]{"SET", "k", "v", "NX", "XX"},
                    new String[]{"SET", "k", "v", "EX", "10", "KEEPTTL"},
                    new String[]{"SET", "k"},
                    new String[]{"GET"},
                    new String[]{"NOSUCHCOMMAND", "a", "b"});
        }
    }
}
