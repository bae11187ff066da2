package dev.accel.conformance;

import java.security.Provider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import dev.accel.AccelProvider;
import dev.accel.device.Device;

/**
 * The single place that maps a tier name to the {@link Provider} under test.
 *
 * <p>Tiers: {@code emu} (emulated device), {@code cpu} (CPU device backend), {@code uadk} (the shim's UADK backend),
 * {@code bc} (Accel's Bouncy Castle software tier), {@code jdk} (Accel's JDK software tier). Each is an Accel
 * provider configured through {@code dev.accel.AccelProvider.withConfig(Map)} with thresholds 0 so that every
 * request takes the tier's route. A device tier whose device does not open is an error, never a silent run in
 * software.
 *
 * <p>{@code uadk} is not among the default tiers: without Kunpeng hardware it needs the UADK TEST DOUBLE and a
 * fake UACCE tree named in the environment before the shim loads (ACCEL_UADK_LIBWD, ACCEL_UADK_LIBWD_CRYPTO,
 * ACCEL_UACCE_SYSFS_ROOT, ACCEL_UACCE_DEV_ROOT); testvectors/pom.xml's surefire execution {@code uadk-double}
 * does that and runs it with {@code -Dconformance.tiers=uadk}.
 *
 * <p>Stand-in mode ({@code -Dconformance.standins=true}) maps the tiers to Bouncy Castle (emu, bc) and the JDK
 * (cpu, jdk) instead; it exists only to validate the runners themselves and is reported loudly.
 */
public final class TierProviders {

    /** The default tiers (no -Dconformance.tiers / --tiers). */
    public static final List<String> ALL_TIERS = List.of("emu", "cpu", "bc", "jdk");

    /** Every tier name, in report order. */
    public static final List<String> KNOWN_TIERS = List.of("emu", "cpu", "uadk", "bc", "jdk");

    /** Tiers that must run on their device. */
    public static boolean deviceTier(String tier) {
        return switch (tier) {
            case "emu", "cpu", "uadk" -> true;
            default -> false;
        };
    }

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
            case "uadk" -> {
                // SEC2/HPRE limits (IV 12, open tag 16, AAD <= 65535, no empty payload, RSA 1024-4096 in
                // steps of 1024) come from the device's capabilities: the rest runs in software.
                c.put("accel.devices", "uadk");
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
            default -> throw new IllegalArgumentException("unknown tier '" + tier + "' (known: " + KNOWN_TIERS + ")");
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
        AccelProvider p = AccelProvider.withConfig(config);
        List<Device> devices = p.router().devices();
        if (deviceTier(tier) && (devices.isEmpty() || !devices.get(0).backend().equals(tier))) {
            throw new IllegalStateException("tier " + tier + " needs its device, but none was opened: "
                    + p.deviceStatus() + (tier.equals("uadk") ? " (the uadk tier needs the UADK test double and a fake"
                    + " UACCE tree in the environment: testvectors/pom.xml's surefire execution uadk-double)" : ""));
        }
        return p;
    }

    /** The provider's name plus, where Accel exposes them, its route counters (read reflectively). */
    public static String describe(Provider p) {
        return p.getName() + " " + p.getVersionStr() + " (" + p.getClass().getName() + ")";
    }

    /** Request labels of Accel's route counters that every device tier's run must show on the device. */
    public static final List<String> DEVICE_LABELS = List.of("AES-GCM-encrypt", "AES-GCM-decrypt", "SHA-224",
            "SHA-256", "SHA-384", "SHA-512", "RSA-private", "RSA-public");

    /**
     * The labels of {@link #DEVICE_LABELS} that no request reached the device for (empty when the device served
     * every family), or null for a stand-in.
     */
    public static List<String> labelsNotOnDevice(Provider p) {
        if (!(p instanceof AccelProvider a)) {
            return null;
        }
        var s = a.stats();
        return DEVICE_LABELS.stream().filter(l -> s.ops(l, "device") == 0).toList();
    }

    /** Accel's route counters (which route served each request), or null for a stand-in. */
    public static String stats(Provider p) {
        return p instanceof AccelProvider a ? a.stats().render() : null;
    }
}
