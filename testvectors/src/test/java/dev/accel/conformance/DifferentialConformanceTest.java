package dev.accel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/** Seeded random cases compared with the JDK, every family on every tier (bounded by -Ddiff.cases). */
class DifferentialConformanceTest {

    @TestFactory
    Stream<DynamicNode> differential() {
        Report report = Report.global();
        DifferentialRunner.Settings s = DifferentialRunner.Settings.fromSystemProperties();
        System.out.println("differential seed " + s.seed() + " (reproduce with -Ddiff.seed=" + s.seed() + "), "
                + s.cases() + " cases per family per tier, " + s.rsaCases() + " per RSA family, RSA bits " + s.rsaBits());
        report.setting("diff.seed", Long.toString(s.seed()));
        report.setting("diff.cases", Integer.toString(s.cases()));
        report.setting("diff.rsa.cases", s.rsaCases() + " (key sizes " + s.rsaBits() + ")");
        List<String> tiers = Conformance.tiers(null);
        Conformance.describeProviders(report, tiers);
        return tiers.stream().map(tier -> dynamicContainer(tier, Arrays.stream(DifferentialRunner.Family.values())
                .map(f -> dynamicTest(f.label() + " [" + tier + "]", () -> {
                    FileResult r = Conformance.runDifferential(f, tier, s, report);
                    System.out.println(r.summary() + " in " + r.elapsedMillis() + " ms");
                    assertEquals(0, r.failed(), () -> Conformance.listing(r));
                    assertEquals(s.only() >= 0 ? 1 : s.casesFor(f), r.run(), "cases run");
                }))));
    }

    @AfterAll
    static void writeReport() throws Exception {
        Report.global().write(Conformance.outDir(null));
    }
}
