package dev.accel.bench;

import dev.accel.AccelProvider;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The providers compared side by side, by the short names used as the JMH {@code provider}
 * parameter. {@code jdk} is the JDK's own provider for the algorithm family (SunJCE, SUN,
 * SunRsaSign); the Accel tiers are configured with {@link AccelProvider#withConfig(Map)}.
 */
final class Providers {
  private Providers() {}

  private static final Map<String, Provider> CACHE = new ConcurrentHashMap<>();

  /** Accel on the cpu device with every threshold at 0: every request goes to the device. */
  static final Map<String, String> ACCEL_CPU =
      Map.of(
          "accel.devices", "cpu",
          "accel.threshold.aes-gcm", "0",
          "accel.threshold.sha2", "0",
          "accel.threshold.rsa", "0");

  /** Accel on the emulated device, profile fast (no added latency). */
  static final Map<String, String> ACCEL_EMU =
      Map.of(
          "accel.devices", "emu",
          "accel.emu.profile", "fast",
          "accel.threshold.aes-gcm", "0",
          "accel.threshold.sha2", "0",
          "accel.threshold.rsa", "0");

  /** Accel with no device: its Bouncy Castle software tier. */
  static final Map<String, String> ACCEL_BC = Map.of("accel.devices", "none", "accel.software", "bc");

  /**
   * @param name accel-cpu, accel-emu, accel-bc, jdk, bc, accp or conscrypt
   * @param family cipher, digest or signature (picks the JDK provider for {@code jdk})
   */
  static Provider get(String name, String family) {
    if (name.equals("jdk")) {
      String jdk =
          switch (family) {
            case "cipher" -> "SunJCE";
            case "digest" -> "SUN";
            case "signature" -> "SunRsaSign";
            case "rsa-cipher" -> "SunJCE";
            default -> throw new IllegalArgumentException(family);
          };
      return Security.getProvider(jdk);
    }
    return CACHE.computeIfAbsent(name, Providers::create);
  }

  private static Provider create(String name) {
    return switch (name) {
      case "accel-cpu" -> AccelProvider.withConfig(ACCEL_CPU);
      case "accel-emu" -> AccelProvider.withConfig(ACCEL_EMU);
      case "accel-bc" -> AccelProvider.withConfig(ACCEL_BC);
      case "bc" -> new BouncyCastleProvider();
      case "accp" -> accp();
      case "conscrypt" -> org.conscrypt.Conscrypt.newProvider();
      default -> throw new IllegalArgumentException("unknown provider " + name);
    };
  }

  private static Provider accp() {
    var p = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
    if (p.getLoadingError() != null) {
      throw new IllegalStateException("ACCP did not load", p.getLoadingError());
    }
    return p;
  }
}
