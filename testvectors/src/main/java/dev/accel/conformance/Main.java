package dev.accel.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line conformance run (what {@code ./accel conformance} calls):
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar testvectors/target/accel-testvectors-*.jar \
 *     [--wycheproof DIR] [--cavp DIR] [--tiers emu,cpu,bc,jdk (also uadk)] [--out DIR]
 *     [--diff-cases N] [--diff-rsa-cases N] [--diff-rsa-bits 2048,3072,4096] [--seed S]
 *     [--no-wycheproof] [--no-cavp] [--no-diff]
 * </pre>
 *
 * Exits 0 when every vector behaved correctly, 1 on any failure or missing vector directory, 2 on bad usage.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        String wycheproof = null;
        String cavp = null;
        String tiersArg = null;
        String out = null;
        boolean doW = true;
        boolean doC = true;
        boolean doD = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                switch (a) {
                    case "--wycheproof" -> wycheproof = args[++i];
                    case "--cavp" -> cavp = args[++i];
                    case "--tiers" -> tiersArg = args[++i];
                    case "--out" -> out = args[++i];
                    case "--diff-cases" -> System.setProperty("diff.cases", args[++i]);
                    case "--diff-rsa-cases" -> System.setProperty("diff.rsa.cases", args[++i]);
                    case "--diff-rsa-bits" -> System.setProperty("diff.rsa.bits", args[++i]);
                    case "--seed" -> System.setProperty("diff.seed", args[++i]);
                    case "--no-wycheproof" -> doW = false;
                    case "--no-cavp" -> doC = false;
                    case "--no-diff" -> doD = false;
                    case "-h", "--help" -> {
                        usage();
                        return 0;
                    }
                    default -> {
                        System.err.println("unknown argument: " + a);
                        usage();
                        return 2;
                    }
                }
            } catch (ArrayIndexOutOfBoundsException e) {
                System.err.println(a + " needs a value");
                return 2;
            }
        }
        List<String> tiers = Conformance.tiers(tiersArg);
        Path outDir = Conformance.outDir(out);
        Report report = new Report();
        Conformance.describeProviders(report, tiers);
        report.setting("tiers", String.join(",", tiers));
        List<String> problems = new ArrayList<>();

        if (doW) {
            Path dir = Conformance.wycheproofDir(wycheproof);
            report.setting("wycheproof.dir", dir.toString());
            if (!Files.isDirectory(dir)) {
                problems.add(Conformance.missingDir("Wycheproof", dir, "pass --wycheproof DIR or set WYCHEPROOF_DIR"));
            } else {
                List<WycheproofRunner.VectorFile> files = Conformance.wycheproofFiles(dir);
                if (files.isEmpty()) {
                    problems.add("no Wycheproof files of a known schema in " + dir);
                }
                for (String t : tiers) {
                    print(Conformance.runWycheproof(files, t, report));
                }
            }
        }
        if (doC) {
            Path dir = Conformance.cavpDir(cavp);
            report.setting("cavp.dir", dir.toString());
            if (!Files.isDirectory(dir)) {
                problems.add(Conformance.missingDir("CAVP", dir, "pass --cavp DIR or set CAVP_DIR (Debian: python3-cryptography-vectors)"));
            } else {
                List<CavpRunner.CavpFile> files = CavpRunner.discover(dir);
                if (files.isEmpty()) {
                    problems.add("no CAVP files found under " + dir);
                }
                for (String t : tiers) {
                    print(Conformance.runCavp(files, t, report));
                }
            }
        }
        if (doD) {
            DifferentialRunner.Settings s = DifferentialRunner.Settings.fromSystemProperties();
            report.setting("diff.seed", Long.toString(s.seed()));
            System.out.println("differential seed " + s.seed() + " (rerun with --seed " + s.seed() + ")");
            for (String t : tiers) {
                for (DifferentialRunner.Family f : DifferentialRunner.Family.values()) {
                    print(List.of(Conformance.runDifferential(f, t, s, report)));
                }
            }
        }
        problems.forEach(p -> {
            report.problem(p);
            System.err.println("*** " + p + " ***");
        });
        report.write(outDir);
        long failed = report.totalFailed();
        System.out.println("report: " + outDir.resolve("conformance.md") + " and conformance.json; " + failed + " failures"
                + (problems.isEmpty() ? "" : ", " + problems.size() + " problems"));
        return failed == 0 && problems.isEmpty() ? 0 : 1;
    }

    private static void print(List<FileResult> rs) {
        for (FileResult r : rs) {
            System.out.println((r.failed() > 0 ? "FAIL " : "ok   ") + r.summary());
            if (r.failed() > 0) {
                r.failures().stream().limit(20).forEach(f -> System.out.println("       " + f));
            }
        }
    }

    private static void usage() {
        System.err.println("usage: Main [--wycheproof DIR] [--cavp DIR] [--tiers emu,cpu,bc,jdk (also uadk)] [--out DIR]"
                + " [--diff-cases N] [--diff-rsa-cases N] [--diff-rsa-bits 2048,3072,4096] [--seed S]"
                + " [--no-wycheproof] [--no-cavp] [--no-diff]");
    }
}
