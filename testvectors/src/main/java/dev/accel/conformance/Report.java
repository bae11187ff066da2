package dev.accel.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** Collects {@link FileResult}s and writes {@code conformance.md} and {@code conformance.json}. */
public final class Report {

    private static final Report GLOBAL = new Report();

    private final List<FileResult> results = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> providers = new TreeMap<>();
    private final Map<String, String> stats = new TreeMap<>();

    /** The report shared by the JUnit test classes of one surefire run. */
    public static Report global() {
        return GLOBAL;
    }

    public synchronized void add(FileResult r) {
        results.removeIf(x -> x.suite().equals(r.suite()) && x.file().equals(r.file()) && x.tier().equals(r.tier()));
        results.add(r);
    }

    /** A run-level problem (missing vector directory, stand-in providers...): shown at the top of the report. */
    public synchronized void problem(String message) {
        if (!problems.contains(message)) {
            problems.add(message);
        }
    }

    public synchronized void setting(String key, String value) {
        settings.put(key, value);
    }

    public synchronized void provider(String tier, String description) {
        providers.put(tier, description);
    }

    public synchronized void stats(String tier, String s) {
        if (s != null) {
            stats.put(tier, s);
        }
    }

    public synchronized List<FileResult> results() {
        return List.copyOf(results);
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public synchronized long totalFailed() {
        return results.stream().mapToLong(FileResult::failed).sum();
    }

    /** Acceptable vectors where the tier chose differently from the JDK. */
    public synchronized List<FileResult.AcceptableChoice> differencesFromJdk(String tier) {
        return results.stream().filter(r -> r.tier().equals(tier))
                .flatMap(r -> r.acceptableChoices().stream()).filter(FileResult.AcceptableChoice::differsFromJdk).toList();
    }

    public synchronized void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("conformance.md"), markdown());
        Files.writeString(dir.resolve("conformance.json"), json());
    }

    private List<FileResult> sorted() {
        List<String> suites = List.of(WycheproofRunner.SUITE, CavpRunner.SUITE, DifferentialRunner.SUITE);
        List<String> tiers = TierProviders.KNOWN_TIERS;
        return results.stream().sorted(Comparator.<FileResult>comparingInt(r -> suites.indexOf(r.suite()))
                .thenComparing(FileResult::file).thenComparingInt(r -> tiers.indexOf(r.tier()))).toList();
    }

    synchronized String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Accel conformance report\n\n");
        md.append("Generated ").append(Instant.now()).append(".\n\n");
        if (!problems.isEmpty()) {
            md.append("## PROBLEMS\n\n");
            problems.forEach(p -> md.append("- **").append(p).append("**\n"));
            md.append('\n');
        }
        md.append("## Settings\n\n");
        settings.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v).append("`\n"));
        providers.forEach((k, v) -> md.append("- tier ").append(k).append(": ").append(v).append('\n'));
        md.append('\n');
        if (!stats.isEmpty()) {
            md.append("### Route counters after the run (which route served the requests)\n\n");
            stats.forEach((k, v) -> md.append("Tier ").append(k).append(":\n\n```\n").append(v.strip()).append("\n```\n\n"));
        }

        md.append("## Totals (suite × tier)\n\n| Suite | Tier | Files | Run | Passed | Failed | Acceptable accepted | Acceptable rejected | Not applicable |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, List<FileResult>> bySuiteTier = sorted().stream()
                .collect(Collectors.groupingBy(r -> r.suite() + "\u0000" + r.tier(), LinkedHashMap::new, Collectors.toList()));
        bySuiteTier.forEach((k, list) -> {
            String[] st = k.split("\u0000");
            md.append("| ").append(st[0]).append(" | ").append(st[1]).append(" | ").append(list.size());
            md.append(" | ").append(list.stream().mapToInt(FileResult::run).sum());
            md.append(" | ").append(list.stream().mapToInt(FileResult::passed).sum());
            md.append(" | ").append(list.stream().mapToInt(FileResult::failed).sum());
            md.append(" | ").append(list.stream().mapToInt(FileResult::acceptableAccepted).sum());
            md.append(" | ").append(list.stream().mapToInt(FileResult::acceptableRejected).sum());
            md.append(" | ").append(list.stream().mapToInt(FileResult::notApplicableCount).sum()).append(" |\n");
        });
        md.append('\n');

        for (String suite : List.of(WycheproofRunner.SUITE, CavpRunner.SUITE, DifferentialRunner.SUITE)) {
            List<FileResult> rs = sorted().stream().filter(r -> r.suite().equals(suite)).toList();
            if (rs.isEmpty()) {
                continue;
            }
            md.append("## ").append(suite).append(" (file × tier)\n\n");
            md.append("| File | Tier | Run | Passed | Failed | Acc. accepted | Acc. rejected | N/A | Flags (vectors run) |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (FileResult r : rs) {
                md.append("| ").append(r.file()).append(" | ").append(r.tier())
                        .append(" | ").append(r.run()).append(" | ").append(r.passed())
                        .append(" | ").append(r.failed() == 0 ? "0" : "**" + r.failed() + "**")
                        .append(" | ").append(r.acceptableAccepted()).append(" | ").append(r.acceptableRejected())
                        .append(" | ").append(r.notApplicableCount()).append(" | ")
                        .append(r.flags().entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(", ")))
                        .append(" |\n");
            }
            md.append('\n');
            Map<String, Integer> na = new TreeMap<>();
            for (FileResult r : rs) {
                r.notApplicableReasons().forEach((reason, n) -> na.merge(r.file() + " [" + r.tier() + "]: " + reason, n, Integer::sum));
            }
            if (!na.isEmpty()) {
                md.append("### Not applicable (").append(suite).append(")\n\n");
                na.forEach((k, n) -> md.append("- ").append(k).append(" — ").append(n).append(" vectors\n"));
                md.append('\n');
            }
            List<String> notes = rs.stream().flatMap(r -> r.notes().stream().map(n -> r.file() + " [" + r.tier() + "]: " + n)).toList();
            if (!notes.isEmpty()) {
                md.append("### Notes (").append(suite).append(")\n\n");
                notes.forEach(n -> md.append("- ").append(n).append('\n'));
                md.append('\n');
            }
        }

        md.append("## Failures\n\n");
        List<FileResult> failing = sorted().stream().filter(r -> r.failed() > 0).toList();
        if (failing.isEmpty()) {
            md.append("None.\n\n");
        }
        for (FileResult r : failing) {
            md.append("### ").append(r.suite()).append(' ').append(r.file()).append(" [").append(r.tier()).append("]: ")
                    .append(r.failed()).append(" failed\n\n");
            r.failures().forEach(f -> md.append("- ").append(escape(f.toString())).append('\n'));
            if (r.failed() > r.failures().size()) {
                md.append("- ... ").append(r.failed() - r.failures().size()).append(" more\n");
            }
            md.append('\n');
        }

        md.append("## Acceptable vectors: choices that differ from the JDK (SunJCE / SunRsaSign)\n\n");
        Map<String, List<String>> diffs = new TreeMap<>();
        Map<String, FileResult.AcceptableChoice> sample = new TreeMap<>();
        int acceptableTotal = 0;
        for (FileResult r : sorted()) {
            for (FileResult.AcceptableChoice c : r.acceptableChoices()) {
                acceptableTotal++;
                if (c.differsFromJdk()) {
                    String key = c.file() + " " + c.id();
                    diffs.computeIfAbsent(key, x -> new ArrayList<>()).add(r.tier());
                    sample.putIfAbsent(key + " " + r.tier(), c);
                }
            }
        }
        md.append(acceptableTotal).append(" acceptable vector runs compared with the JDK; ").append(diffs.size())
                .append(" vectors differ on at least one tier.\n\n");
        if (!diffs.isEmpty()) {
            md.append("| File | tcId | Flags | Tier | Tier's choice | JDK's choice |\n|---|---|---|---|---|---|\n");
            sample.forEach((k, c) -> md.append("| ").append(c.file()).append(" | ").append(c.id()).append(" | ")
                    .append(String.join(", ", c.flags())).append(" | ").append(k.substring(k.lastIndexOf(' ') + 1)).append(" | ")
                    .append(c.tierAccepted() ? "accept" : "reject (" + escape(c.tierDetail()) + ")").append(" | ")
                    .append(Boolean.TRUE.equals(c.jdkAccepted()) ? "accept" : "reject (" + escape(String.valueOf(c.jdkDetail())) + ")")
                    .append(" |\n"));
            md.append('\n');
        }
        return md.toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    synchronized String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generated", Instant.now().toString());
        root.put("problems", problems);
        root.put("settings", settings);
        root.put("providers", providers);
        root.put("routeStats", stats);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FileResult r : sorted()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("suite", r.suite());
            m.put("file", r.file());
            m.put("tier", r.tier());
            m.put("run", r.run());
            m.put("passed", r.passed());
            m.put("failed", r.failed());
            m.put("acceptableAccepted", r.acceptableAccepted());
            m.put("acceptableRejected", r.acceptableRejected());
            m.put("notApplicable", r.notApplicableCount());
            m.put("notApplicableReasons", r.notApplicableReasons());
            m.put("flags", r.flags());
            m.put("elapsedMillis", r.elapsedMillis());
            m.put("notes", r.notes());
            m.put("failures", r.failures());
            m.put("acceptable", r.acceptableChoices());
            rows.add(m);
        }
        root.put("results", rows);
        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
        return gson.toJson(root);
    }
}
