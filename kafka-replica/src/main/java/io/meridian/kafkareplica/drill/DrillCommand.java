package io.meridian.kafkareplica.drill;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code bin/meridian drill ...}: runs one drill, prints its report, exits 0 (pass), 1 (fail) or 2 (could not run). */
public final class DrillCommand {
    private DrillCommand() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.getenv(), System.out, System.err));
    }

    /** The exit status; the report goes to out (the table, or JSON with --json), progress to err. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.contains("-h") || args.contains("--help")) {
            out.println(DrillOptions.USAGE);
            return 0;
        }
        DrillOptions o;
        try {
            o = DrillOptions.parse(args, env);
        } catch (DrillOptions.UsageException e) {
            err.println(e.getMessage());
            return 2;
        }
        return run(o, null, out, err);
    }

    /** Runs with a given cut (the demo's own bridge), or the one the options name when cut is null. */
    public static int run(DrillOptions o, Drill.Cut cut, PrintStream out, PrintStream err) {
        DrillReport r;
        try {
            r = new Drill(o, cut, err::println).run();
        } catch (IOException | RuntimeException e) {
            err.println("drill: could not run: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("drill: interrupted");
            return 2;
        }
        if (o.json) {
            err.print(r.toTable());
            out.println(r.toJson());
        } else {
            out.print(r.toTable());
        }
        if (o.reportFile != null) {
            try {
                Files.writeString(Path.of(o.reportFile), r.toJson() + "\n");
            } catch (IOException e) {
                err.println("drill: could not write " + o.reportFile + ": " + e.getMessage());
                return 2;
            }
        }
        out.flush();
        return r.passed() ? 0 : 1;
    }
}
