package io.meridian.node.ops;

import io.meridian.node.Node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * DR drills started from the admin API ({@code POST /admin/drill}) and their last report
 * ({@code GET /admin/drill/report}, INFO drill, the meridian_drill_* metrics). The drill itself
 * lives in the kafka-replica module, which node-core does not depend on: applications that
 * carry it (replica-node, dr-bridge) {@link #install} a {@link Runner}; elsewhere the endpoints
 * answer 501. One drill runs at a time per process.
 */
public final class Drills {
    /** Runs one drill with bin/meridian drill's arguments, reporting progress lines. */
    public interface Runner {
        Result run(List<String> args, Consumer<String> progress) throws Exception;
    }

    /** What a finished drill reports: pass/fail, its JSON report, RPO and RTO (-1 when unknown). */
    public record Result(boolean passed, String json, long rpoBytes, long rpoWrites, double rtoSeconds) {}

    /** One drill run. */
    public static final class Run {
        public final long id;
        public final List<String> args;
        public final Instant started = Instant.now();
        private final List<String> progress = new ArrayList<>();
        private volatile String state = "running";
        private volatile Result result;
        private volatile String error;
        private volatile Instant finished;

        Run(long id, List<String> args) {
            this.id = id;
            this.args = List.copyOf(args);
        }

        /** running, passed, failed, or error (could not run). */
        public String state() {
            return state;
        }

        public Result result() {
            return result;
        }

        public String error() {
            return error;
        }

        public Instant finished() {
            return finished;
        }

        public synchronized List<String> progress() {
            return new ArrayList<>(progress);
        }

        synchronized void progress(String line) {
            if (progress.size() < 500) progress.add(line);
        }
    }

    private static volatile Runner runner;
    private static volatile Run last;
    private static long ids;

    private Drills() {}

    public static void install(Runner r) {
        runner = r;
    }

    public static boolean available() {
        return runner != null;
    }

    public static Run last() {
        return last;
    }

    /**
     * Starts a drill in the background; throws IllegalStateException when one is running or no
     * runner is installed.
     */
    public static synchronized Run start(List<String> args) {
        Runner r = runner;
        if (r == null) throw new IllegalStateException("this application cannot run drills (replica-node and dr-bridge can)");
        Run prev = last;
        if (prev != null && prev.state.equals("running")) throw new IllegalStateException("drill " + prev.id + " is still running");
        Run run = new Run(++ids, args);
        last = run;
        Thread t = new Thread(() -> {
            try {
                Result res = r.run(run.args, run::progress);
                run.result = res;
                run.state = res.passed() ? "passed" : "failed";
            } catch (Exception | Error e) {
                run.error = e.getMessage() == null ? e.toString() : e.getMessage();
                run.state = "error";
            } finally {
                run.finished = Instant.now();
            }
        }, "meridian-drill-" + run.id);
        t.setDaemon(true);
        t.start();
        return run;
    }

    /** INFO drill (Meridian's own section): the last drill run in this process, for operators and metrics. */
    public static void registerInfo(Node node) {
        node.info().register("drill", s -> {
            Run r = last;
            s.field("drill_last_id", r == null ? 0 : r.id);
            if (r == null) return;
            s.field("drill_last_state", r.state);
            s.field("drill_last_started", r.started.getEpochSecond());
            s.field("drill_last_finished", r.finished == null ? -1 : r.finished.getEpochSecond());
            Result res = r.result;
            s.field("drill_last_passed", res != null && res.passed() ? 1 : 0);
            s.field("drill_last_rpo_bytes", res == null ? -1 : res.rpoBytes());
            s.field("drill_last_rpo_writes", res == null ? -1 : res.rpoWrites());
            s.field("drill_last_rto_seconds", res == null ? "-1" : String.format(java.util.Locale.ROOT, "%.3f", res.rtoSeconds()));
        });
    }

    /** The report the admin API returns. */
    static Map<String, Object> describe(Run r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("id", r.id);
        m.put("state", r.state);
        m.put("args", r.args);
        m.put("started", r.started.toString());
        m.put("finished", r.finished == null ? null : r.finished.toString());
        if (r.error != null) m.put("error", r.error);
        Result res = r.result;
        if (res != null) {
            m.put("passed", res.passed());
            m.put("rpo_bytes", res.rpoBytes());
            m.put("rpo_writes", res.rpoWrites());
            m.put("rto_seconds", res.rtoSeconds());
            m.put("report", new Json.Raw(res.json()));
        }
        m.put("progress", r.progress());
        return m;
    }
}
