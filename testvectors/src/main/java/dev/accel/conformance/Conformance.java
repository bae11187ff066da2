package dev.accel.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Configuration lookup and the shared entry points used by the JUnit tests and {@link Main}. */
public final class Conformance {

    private static final Map<String, Provider> PROVIDERS = new ConcurrentHashMap<>();

    private Conformance() {
    }

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Wycheproof vectors: explicit value, else env WYCHEPROOF_DIR, else -Dwycheproof.dir, else the repo default. */
    public static Path wycheproofDir(String explicit) {
        return firstOf(explicit, System.getenv("WYCHEPROOF_DIR"), System.getProperty("wycheproof.dir"),
                repoRoot().resolve("../shared/wycheproof/testvectors_v1").normalize().toString());
    }

    /** CAVP vectors: explicit value, else env CAVP_DIR, else -Dcavp.dir, else Debian's python3-cryptography-vectors. */
    public static Path cavpDir(String explicit) {
        return firstOf(explicit, System.getenv("CAVP_DIR"), System.getProperty("cavp.dir"),
                "/usr/lib/python3/dist-packages/cryptography_vectors");
    }

    private static Path firstOf(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return Path.of(c.strip()).toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("no candidate");
    }

    /** The repository root: the nearest ancestor of the working directory holding testvectors/ and provider/. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("testvectors")) && Files.isDirectory(q.resolve("provider"))) {
                return q;
            }
        }
        return p;
    }

    /** Tiers: explicit list, else -Dconformance.tiers, else env CONFORMANCE_TIERS, else all four. */
    public static List<String> tiers(String explicit) {
        String s = explicit;
        if (s == null || s.isBlank()) {
            s = System.getProperty("conformance.tiers");
        }
        if (s == null || s.isBlank()) {
            s = System.getenv("CONFORMANCE_TIERS");
        }
        if (s == null || s.isBlank()) {
            return TierProviders.ALL_TIERS;
        }
        List<String> tiers = Arrays.stream(s.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
        tiers.forEach(TierProviders::config); // validates the names
        return tiers;
    }

    /** One provider instance per tier for the whole run (so that its route counters cover the run). */
    public static Provider provider(String tier) {
        return PROVIDERS.computeIfAbsent(tier, TierProviders::provider);
    }

    public static Path outDir(String explicit) {
        return firstOf(explicit, System.getProperty("conformance.out"), "testvectors/target");
    }

    /** Records providers and stand-in status in the report; returns the stand-in reason or null. */
    public static String describeProviders(Report report, List<String> tiers) {
        String standIn = TierProviders.standInReason();
        if (standIn != null) {
            String msg = "STAND-IN PROVIDERS: tiers run on Bouncy Castle / the JDK, not Accel (" + standIn + ")";
            report.problem(msg);
            System.err.println("\n*** " + msg + " ***\n");
        }
        for (String t : tiers) {
            report.provider(t, TierProviders.describe(provider(t)) + " config " + TierProviders.config(t));
        }
        return standIn;
    }

    public static List<WycheproofRunner.VectorFile> wycheproofFiles(Path dir) throws IOException {
        return WycheproofRunner.discover(dir);
    }

    /** Runs every given Wycheproof file on a tier (files in parallel). */
    public static List<FileResult> runWycheproof(List<WycheproofRunner.VectorFile> files, String tier, Report report) {
        Provider p = provider(tier);
        List<FileResult> out = files.parallelStream().map(f -> WycheproofRunner.run(f, tier, p)).toList();
        out.forEach(report::add);
        report.stats(tier, TierProviders.stats(p));
        return out;
    }

    public static List<FileResult> runCavp(List<CavpRunner.CavpFile> files, String tier, Report report) {
        Provider p = provider(tier);
        List<FileResult> out = files.parallelStream().map(f -> CavpRunner.run(f, tier, p)).toList();
        out.forEach(report::add);
        report.stats(tier, TierProviders.stats(p));
        return out;
    }

    public static FileResult runDifferential(DifferentialRunner.Family family, String tier, DifferentialRunner.Settings s,
                                             Report report) {
        Provider p = provider(tier);
        FileResult r = DifferentialRunner.run(family, tier, p, s);
        report.add(r);
        report.stats(tier, TierProviders.stats(p));
        return r;
    }

    /** The missing-directory message, loud. */
    public static String missingDir(String what, Path dir, String how) {
        return what + " vector directory " + dir + " does not exist" + (ci() ? " (CI=true: this is a failure)" : "")
                + " — " + how;
    }

    /** A failure listing for assertion messages. */
    public static String listing(FileResult r) {
        StringBuilder sb = new StringBuilder(r.summary());
        for (FileResult.Failure f : r.failures()) {
            sb.append("\n  ").append(f);
        }
        if (r.failed() > r.failures().size()) {
            sb.append("\n  ... ").append(r.failed() - r.failures().size()).append(" more");
        }
        return sb.toString();
    }
}
