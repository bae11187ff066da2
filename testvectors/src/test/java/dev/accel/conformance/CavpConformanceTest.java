package dev.accel.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** NIST CAVP SHA-2, AES-GCM and RSA SigGen/SigVer vectors on every tier. */
class CavpConformanceTest {

    @TestFactory
    Stream<DynamicNode> cavp() throws Exception {
        Report report = Report.global();
        Path dir = Conformance.cavpDir(null);
        report.setting("cavp.dir", dir.toString());
        if (!Files.isDirectory(dir)) {
            String msg = Conformance.missingDir("CAVP", dir, "install python3-cryptography-vectors or set CAVP_DIR / -Dcavp.dir");
            report.problem(msg);
            System.err.println("\n*** " + msg + " ***\n");
            return Stream.of(dynamicTest("CAVP vector directory present", () -> {
                if (Conformance.ci()) {
                    fail(msg);
                }
                Assumptions.abort(msg);
            }));
        }
        List<CavpRunner.CavpFile> files = CavpRunner.discover(dir);
        List<String> tiers = Conformance.tiers(null);
        Conformance.describeProviders(report, tiers);
        DynamicNode inventory = dynamicTest("vector directory holds SHA-2, AES-GCM and RSA files", () -> {
            for (String kind : List.of("sha", "gcm", "rsa")) {
                assertTrue(files.stream().anyMatch(f -> f.kind().equals(kind)), "no CAVP " + kind + " files under " + dir);
            }
            assertTrue(files.stream().filter(f -> f.kind().equals("sha")).count() >= 18, "expected 18 SHA-2 files");
            assertTrue(files.stream().filter(f -> f.kind().equals("gcm")).count() >= 6, "expected 6 AES-GCM files");
        });
        Stream<DynamicNode> perTier = tiers.stream().map(tier -> dynamicContainer(tier,
                Stream.of(tier).flatMap(t -> Conformance.runCavp(files, t, report).stream()
                        .map(r -> dynamicTest(r.file() + " [" + t + "]", () -> WycheproofConformanceTest.check(r))))));
        return Stream.concat(Stream.of(inventory), perTier);
    }

    @AfterAll
    static void writeReport() throws Exception {
        Report.global().write(Conformance.outDir(null));
    }
}
