package io.meridian.kafkareplica.drill;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a drill measured, as a table for a person and as JSON for automation. */
public final class DrillReport {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    public Instant started;
    public String cluster;
    public String cut;
    public String primary;
    public String standby;
    /** Canary writes and the milliseconds until each was visible in the standby. */
    public int canaries;
    public int canariesSeen;
    public final List<Double> visibilityMillis = new ArrayList<>();
    /** Writes the drill's load generator had acknowledged when the primary was frozen. */
    public long loadWritesAcked;
    public Instant cutAt;
    public String primaryReplid;
    public long primaryOffset = -1;
    public String primaryDigest;
    public long standbyOffset = -1;
    public String standbyDigest;
    /** Why the digests were not compared, when they were not. */
    public String digestNote;
    public Instant promotedAt;
    public String newReplid;
    public String replid2;
    public long secondReplOffset = -1;
    public long writesLost = -1;
    public long firstLostWrite = -1;
    public double rtoSeconds = -1;
    public String repointed;
    public Long maxRpoBytes;
    public Long maxRpoWrites;
    public Double maxRtoSeconds;
    public final List<String> failures = new ArrayList<>();

    public long rpoBytes() {
        return primaryOffset < 0 || standbyOffset < 0 ? -1 : Math.max(0, primaryOffset - standbyOffset);
    }

    /** true/false when both digests were taken at the same offset, else null. */
    public Boolean digestEqual() {
        if (primaryDigest == null || standbyDigest == null || primaryOffset != standbyOffset) return null;
        return primaryDigest.equals(standbyDigest);
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    public double percentile(double p) {
        if (visibilityMillis.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(visibilityMillis);
        s.sort(null);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    /** Works out the result from what was measured and the bounds (call once, at the end). */
    public void judge() {
        if (canariesSeen < canaries) failures.add((canaries - canariesSeen) + " canaries never became visible in the standby");
        if (Boolean.FALSE.equals(digestEqual())) failures.add("digests differ at offset " + primaryOffset);
        if (promotedAt == null) failures.add("the standby was not promoted");
        long rpo = rpoBytes();
        if (maxRpoBytes != null && (rpo < 0 || rpo > maxRpoBytes)) failures.add("RPO " + rpo + " bytes exceeds the bound " + maxRpoBytes);
        if (maxRpoWrites != null && (writesLost < 0 || writesLost > maxRpoWrites)) {
            failures.add("RPO " + writesLost + " writes exceeds the bound " + maxRpoWrites);
        }
        if (maxRtoSeconds != null && (rtoSeconds < 0 || rtoSeconds > maxRtoSeconds)) {
            failures.add(String.format(Locale.ROOT, "RTO %.3f s exceeds the bound %s s", rtoSeconds, num(maxRtoSeconds)));
        }
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", cluster);
        m.put("cut", cut);
        m.put("started", started == null ? null : started.toString());
        m.put("primary", primary);
        m.put("standby", standby);
        m.put("canaries", canaries);
        m.put("canaries_seen", canariesSeen);
        Map<String, Object> vis = new LinkedHashMap<>();
        vis.put("p50", visibilityMillis.isEmpty() ? null : percentile(50));
        vis.put("p99", visibilityMillis.isEmpty() ? null : percentile(99));
        vis.put("max", visibilityMillis.isEmpty() ? null : percentile(100));
        m.put("visibility_ms", vis);
        m.put("load_writes_acked", loadWritesAcked);
        m.put("cut_at", cutAt == null ? null : cutAt.toString());
        Map<String, Object> rpo = new LinkedHashMap<>();
        rpo.put("bytes", rpoBytes());
        rpo.put("writes", writesLost);
        rpo.put("first_lost_write", firstLostWrite < 0 ? null : firstLostWrite);
        rpo.put("primary_offset", primaryOffset);
        rpo.put("standby_offset", standbyOffset);
        m.put("rpo", rpo);
        m.put("rto_seconds", rtoSeconds < 0 ? null : rtoSeconds);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("offset", primaryOffset);
        d.put("primary", primaryDigest);
        d.put("standby_offset", standbyOffset);
        d.put("standby", standbyDigest);
        d.put("equal", digestEqual());
        if (digestNote != null) d.put("note", digestNote);
        m.put("digest", d);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("at", promotedAt == null ? null : promotedAt.toString());
        p.put("replid", newReplid);
        p.put("replid2", replid2);
        p.put("second_repl_offset", secondReplOffset);
        m.put("promotion", p);
        if (repointed != null) m.put("repointed", repointed);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("max_rpo_bytes", maxRpoBytes);
        b.put("max_rpo_writes", maxRpoWrites);
        b.put("max_rto_seconds", maxRtoSeconds);
        m.put("bounds", b);
        m.put("result", passed() ? "pass" : "fail");
        m.put("failures", failures);
        return m;
    }

    public String toJson() {
        return JsonText.write(toMap());
    }

    public String toTable() {
        StringBuilder t = new StringBuilder();
        t.append("Meridian DR drill  ").append(started).append("  cluster=").append(cluster == null ? "-" : cluster)
                .append("  cut=").append(cut).append('\n');
        row(t, "primary / standby", primary + " / " + standby);
        row(t, "canaries written in region A", canaries + (canariesSeen < canaries ? " (" + canariesSeen + " seen)" : ""));
        if (!visibilityMillis.isEmpty()) {
            row(t, "visible in region B", String.format(Locale.ROOT, "p50 %.1f ms  p99 %.1f ms  max %.1f ms",
                    percentile(50), percentile(99), percentile(100)));
        }
        if (loadWritesAcked > 0) row(t, "load writes acknowledged", Long.toString(loadWritesAcked));
        row(t, "cut", cut + (cutAt == null ? " (not done)" : " at " + CLOCK.format(cutAt))
                + (primaryOffset >= 0 ? ", primary at offset " + primaryOffset : ""));
        row(t, "standby applied", standbyOffset < 0 ? "-" : "offset " + standbyOffset);
        if (promotedAt != null) {
            row(t, "promoted region B", CLOCK.format(promotedAt) + " (new replid " + abbrev(newReplid) + ", replid2 "
                    + abbrev(replid2) + " @ " + secondReplOffset + ")");
        } else {
            row(t, "promoted region B", "no");
        }
        Boolean eq = digestEqual();
        String digest;
        if (eq == null) {
            digest = "not compared" + (digestNote == null ? "" : ": " + digestNote);
        } else {
            digest = "A " + abbrev(primaryDigest) + (eq ? " = " : " != ") + "B " + abbrev(standbyDigest) + (eq ? "  OK" : "  DIFFERS");
        }
        row(t, "digest at offset " + primaryOffset, digest);
        String rpo = rpoBytes() + " bytes, " + (writesLost < 0 ? "?" : Long.toString(writesLost)) + " writes lost";
        if (maxRpoBytes != null) rpo += "  (bound " + maxRpoBytes + " bytes)";
        if (maxRpoWrites != null) rpo += "  (bound " + maxRpoWrites + " writes)";
        row(t, "RPO", rpo);
        String rto = rtoSeconds < 0 ? "-" : String.format(Locale.ROOT, "%.3f s", rtoSeconds);
        if (maxRtoSeconds != null) rto += "  (bound " + num(maxRtoSeconds) + " s)";
        row(t, "RTO", rto);
        if (repointed != null) row(t, "old primary re-pointed", repointed);
        for (String f : failures) t.append("  FAILED: ").append(f).append('\n');
        t.append("result: ").append(passed() ? "PASS" : "FAIL").append('\n');
        return t.toString();
    }

    private static void row(StringBuilder t, String name, String value) {
        StringBuilder n = new StringBuilder("  ").append(name).append(' ');
        while (n.length() < 40) n.append('.');
        t.append(n).append(' ').append(value).append('\n');
    }

    private static String abbrev(String s) {
        return s == null ? "-" : s.length() > 12 ? s.substring(0, 12) + "…" : s;
    }

    private static String num(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
