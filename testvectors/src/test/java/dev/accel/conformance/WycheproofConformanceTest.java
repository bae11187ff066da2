package dev.accel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Every Wycheproof vector of every file concerning Accel's services, on every tier. */
class WycheproofConformanceTest {

    @TestFactory
    Stream<DynamicNode> wycheproof() throws Exception {
        Report report = Report.global();
        Path dir = Conformance.wycheproofDir(null);
        report.setting("wycheproof.dir", dir.toString());
        if (!Files.isDirectory(dir)) {
            String msg = Conformance.missingDir("Wycheproof", dir, "set WYCHEPROOF_DIR or -Dwycheproof.dir");
            report.problem(msg);
            System.err.println("\n*** " + msg + " ***\n");
            return Stream.of(dynamicTest("Wycheproof vector directory present", () -> {
                if (Conformance.ci()) {
                    fail(msg);
                }
                Assumptions.abort(msg);
            }));
        }
        List<WycheproofRunner.VectorFile> files = Conformance.wycheproofFiles(dir);
        List<String> tiers = Conformance.tiers(null);
        Conformance.describeProviders(report, tiers);
        DynamicNode inventory = dynamicTest("vector directory holds every known schema", () -> {
            Set<String> missing = WycheproofRunner.missingSchemas(files);
            assertTrue(missing.isEmpty(), "no Wycheproof file in " + dir + " for schemas " + missing);
            assertTrue(files.stream().anyMatch(f -> f.name().equals("aes_gcm_test.json")), "aes_gcm_test.json missing");
        });
        Stream<DynamicNode> perTier = tiers.stream().map(tier -> dynamicContainer(tier, Stream.concat(
                Stream.of(tier).flatMap(t -> Conformance.runWycheproof(files, t, report).stream()
                        .map(r -> dynamicTest(r.file() + " [" + t + "]", () -> check(r)))),
                deviceServed(tier))));
        return Stream.concat(Stream.of(inventory), perTier);
    }

    /** On a device tier (after its vectors ran): every family really reached the device. */
    static Stream<DynamicNode> deviceServed(String tier) {
        if (!TierProviders.deviceTier(tier) || TierProviders.standIns()) {
            return Stream.empty();
        }
        return Stream.of(dynamicTest("device served every family [" + tier + "]", () -> {
            var p = Conformance.provider(tier);
            assertEquals(List.of(), TierProviders.labelsNotOnDevice(p),
                    () -> "no request of these on the " + tier + " device\n" + TierProviders.stats(p));
        }));
    }

    static void check(FileResult r) {
        System.out.println(r.summary());
        assertEquals(0, r.failed(), () -> Conformance.listing(r));
        assertTrue(r.run() + r.notApplicableCount() > 0, r.file() + ": no vectors");
        if (r.run() == 0) {
            System.out.println("  not applicable: " + r.notApplicableReasons());
        }
    }

    @AfterAll
    static void writeReport() throws Exception {
        Report.global().write(Conformance.outDir(null));
    }
}
