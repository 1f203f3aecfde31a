package io.meridian.node.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md is generated from {@link ConfigTable}: this test fails when the file
 * is out of date. Regenerate it with
 * {@code mvn -o -q -pl node-core verify -Dtest=ConfigurationDocTest -Dmeridian.writeDocs=true}.
 */
class ConfigurationDocTest {
    static final String REGENERATE = "mvn -o -q -pl node-core verify -Dtest=ConfigurationDocTest -Dmeridian.writeDocs=true";

    static Path docPath() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("docs")) && Files.isDirectory(d.resolve("node-core"))) return d.resolve("docs/configuration.md");
        }
        throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theDocumentIsUpToDateWithTheTable() throws Exception {
        String expected = render();
        Path doc = docPath();
        if (Boolean.getBoolean("meridian.writeDocs")) Files.writeString(doc, expected, StandardCharsets.UTF_8);
        String actual = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
        assertEquals(expected, actual, "docs/configuration.md is out of date with ConfigTable: regenerate it with " + REGENERATE);
    }

    @Test
    void everyDirectiveIsInTheDocumentAndSaysWhatItDoes() {
        String doc = render();
        for (Directive d : ConfigTable.all()) assertTrue(doc.contains("| `" + d.name() + "`"), d.name());
        assertEquals(List.of(), ConfigTable.all().stream().filter(d -> d.help() == null || d.help().isBlank()).map(Directive::name).toList());
    }

    static String render() {
        Config defaults = new Config();
        StringBuilder b = new StringBuilder();
        b.append("# Configuration\n\n")
                .append("<!-- Generated from node-core's ConfigTable by ConfigurationDocTest: do not edit by hand.\n")
                .append("     Regenerate: ").append(REGENERATE).append(" -->\n\n")
                .append("Every directive is set the same five ways, each overriding the one before:\n\n")
                .append("1. Micronaut's `application.yml`: `meridian.<directive>` (e.g. `meridian.repl-backlog-size: 1gb`);\n")
                .append("2. an environment variable: `MERIDIAN_<DIRECTIVE>`, upper case with `_` for `-` (e.g. `MERIDIAN_REQUIREPASS`);\n")
                .append("3. a redis.conf-style file given as the first argument (`bin/meridian master /etc/meridian/primary.conf`);\n")
                .append("4. a command-line flag `--<directive> <value>` (`--port 7000`), as redis-server takes them;\n")
                .append("5. `CONFIG SET <directive> <value>` at run time, for the directives marked *yes* under \"CONFIG SET\"")
                .append(" (*protected*: only with `enable-protected-configs`).\n\n")
                .append("Sizes take Redis's units (`1k` = 1000, `1kb` = 1024, `mb`, `gb`, ...); booleans are `yes`/`no`. ")
                .append("`CONFIG GET` shows the current value and `CONFIG REWRITE` writes it back to the file.\n\n");
        section(b, defaults, "Meridian's own directives", "Directives redis-server does not have: the replication log and operations "
                + "(management port, admin API, readiness, Kubernetes).", d -> d.has(Directive.Flag.MERIDIAN));
        section(b, defaults, "Redis directives", "Redis 7.0 directives Meridian acts on, with Redis's names, defaults and bounds.",
                d -> !d.has(Directive.Flag.MERIDIAN) && !d.has(Directive.Flag.COMPAT));
        section(b, defaults, "Accepted for compatibility", "Redis 7.0 directives accepted in files, flags and CONFIG GET/SET so that "
                + "existing redis.conf files load unchanged; Meridian does not act on them.", d -> d.has(Directive.Flag.COMPAT));
        return b.toString();
    }

    private static void section(StringBuilder b, Config defaults, String title, String intro, java.util.function.Predicate<Directive> which) {
        b.append("## ").append(title).append("\n\n").append(intro).append("\n\n")
                .append("| directive | type | default | CONFIG SET | environment | meaning |\n")
                .append("| --- | --- | --- | --- | --- | --- |\n");
        for (Directive d : ConfigTable.all()) {
            if (!which.test(d)) continue;
            String name = "`" + d.name() + "`" + (d.aliases().isEmpty() ? ""
                    : " (alias " + String.join(", ", d.aliases().stream().map(a -> "`" + a + "`").toList()) + ")");
            // dir's default is "." (CONFIG GET shows it resolved against the working directory)
            String def = d.name().equals("dir") ? d.defaultValue() : defaults.defaultText(d);
            String runtime = !d.mutable() || d.has(Directive.Flag.FILE_ONLY) ? "no" : d.has(Directive.Flag.PROTECTED) ? "protected" : "yes";
            b.append("| ").append(name)
                    .append(" | ").append(cell(type(d)))
                    .append(" | ").append(def == null || def.isEmpty() ? "\"\"" : "`" + cell(def) + "`")
                    .append(" | ").append(runtime)
                    .append(" | `").append(d.envName()).append('`')
                    .append(" | ").append(cell(d.help() + (d.has(Directive.Flag.SENSITIVE) ? " (secret: redacted from the slow log and MONITOR)" : "")))
                    .append(" |\n");
        }
        b.append('\n');
    }

    private static String type(Directive d) {
        return switch (d.type()) {
            case BOOL -> "yes/no";
            case INT -> "integer" + range(d);
            case MEMORY -> "size" + range(d);
            case ENUM -> String.join(" / ", d.enumValues());
            case STRING -> "string";
            case SAVE -> "save points";
            case CLIENT_OUTPUT_BUFFER_LIMIT -> "class hard soft seconds";
            case HOST_PORT -> "host port";
            case MULTI_STRING -> "list";
            case PERCENTILES -> "percentiles";
            case OCTAL -> "octal";
            case MEMORY_OR_PERCENT -> "size or percent";
            case NOTIFY_KEYSPACE_EVENTS -> "event classes";
            case OOM_SCORE_ADJ_VALUES -> "3 integers";
        };
    }

    /** " 0..65535", " 1 or more". */
    private static String range(Directive d) {
        boolean unbounded = d.max() == Long.MAX_VALUE || d.max() == Integer.MAX_VALUE || d.max() < 0;
        return unbounded ? " " + d.min() + " or more" : " " + d.min() + ".." + d.max();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace("\n", " ");
    }
}
