package dev.accel.conformance;

import java.security.Provider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import dev.accel.AccelProvider;

/**
 * The single place that maps a tier name to the {@link Provider} under test.
 *
 * <p>Tiers: {@code emu} (emulated device), {@code cpu} (CPU device backend), {@code bc} (Accel's Bouncy Castle
 * software tier), {@code jdk} (Accel's JDK software tier). Each is an Accel provider configured through
 * {@code dev.accel.AccelProvider.withConfig(Map)} with thresholds 0 so that every request takes the tier's route.
 *
 * <p>Stand-in mode ({@code -Dconformance.standins=true}) maps the tiers to Bouncy Castle (emu, bc) and the JDK
 * (cpu, jdk) instead; it exists only to validate the runners themselves and is reported loudly.
 */
public final class TierProviders {

    public static final List<String> ALL_TIERS = List.of("emu", "cpu", "bc", "jdk");

    private TierProviders() {
    }

    /** The Accel configuration for a tier. */
    public static Map<String, String> config(String tier) {
        Map<String, String> c = new LinkedHashMap<>();
        switch (tier) {
            case "emu" -> {
                c.put("accel.devices", "emu");
                c.put("accel.emu.profile", "fast");
                deviceFirst(c);
            }
            case "cpu" -> {
                c.put("accel.devices", "cpu");
                deviceFirst(c);
            }
            case "bc" -> {
                c.put("accel.devices", "none");
                c.put("accel.software", "bc");
            }
            case "jdk" -> {
                c.put("accel.devices", "none");
                c.put("accel.software", "jdk");
            }
            default -> throw new IllegalArgumentException("unknown tier '" + tier + "' (known: " + ALL_TIERS + ")");
        }
        return c;
    }

    /**
     * Thresholds 0 and route {@code device} for every family: every request the device's
     * capabilities cover runs on the device (including RSA public operations, which the default
     * {@code auto} route keeps on the CPU), so a device tier really tests the device.
     */
    private static void deviceFirst(Map<String, String> c) {
        for (String family : new String[] {"aes-gcm", "sha2", "rsa"}) {
            c.put("accel.threshold." + family, "0");
            c.put("accel.route." + family, "device");
        }
    }

    /** Whether the runs use stand-ins rather than Accel ({@code -Dconformance.standins=true}). */
    public static boolean standIns() {
        return Boolean.getBoolean("conformance.standins");
    }

    /** Why stand-ins are in use, or null when Accel is under test. */
    public static String standInReason() {
        return standIns() ? "-Dconformance.standins=true" : null;
    }

    /** A fresh provider for the tier. */
    public static Provider provider(String tier) {
        Map<String, String> config = config(tier);
        if (standIns()) {
            return switch (tier) {
                case "emu", "bc" -> new BouncyCastleProvider();
                default -> JdkReference.get();
            };
        }
        return AccelProvider.withConfig(config);
    }

    /** The provider's name plus, where Accel exposes them, its route counters (read reflectively). */
    public static String describe(Provider p) {
        return p.getName() + " " + p.getVersionStr() + " (" + p.getClass().getName() + ")";
    }

    /** Accel's route counters (which route served each request), or null for a stand-in. */
    public static String stats(Provider p) {
        return p instanceof AccelProvider a ? a.stats().render() : null;
    }
}
