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

  /** Accel with no device: its JDK software tier (SunJCE, SUN, SunRsaSign behind Accel's SPI). */
  static final Map<String, String> ACCEL_JDK = Map.of("accel.devices", "none", "accel.software", "jdk");

  /** The short name of Accel as a user gets it: no settings at all, inserted at position 1. */
  static final String DEFAULT = "accel-default";

  /**
   * {@code accel-default} is also inserted at position 1 of {@link Security} (replacing any
   * provider of the same name installed before), so that lookups inside the JDK (for example
   * SunRsaSign's own digest) see it first, as an application that installs Accel would have it.
   * JMH runs each cell in its own JVM, so the JDK's cells never see it installed.
   *
   * @param name accel-default, accel-cpu, accel-emu, accel-bc, accel-jdk, jdk, bc, accp or conscrypt
   * @param family cipher, digest, signature or rsa-cipher (picks the JDK provider for {@code jdk})
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
    Provider p = CACHE.computeIfAbsent(name, Providers::create);
    if (name.equals(DEFAULT)) {
      installFirst(p);
    }
    return p;
  }

  /** Drops the cached provider of this short name: the next {@link #get} builds a new one. */
  static void forget(String name) {
    CACHE.remove(name);
  }

  /** Puts {@code p} at position 1 of the installed providers, removing an earlier one by name. */
  static void installFirst(Provider p) {
    Provider[] installed = Security.getProviders();
    if (installed.length > 0 && installed[0] == p) {
      return;
    }
    Security.removeProvider(p.getName());
    if (Security.insertProviderAt(p, 1) != 1 || Security.getProviders()[0] != p) {
      throw new IllegalStateException("could not install " + p.getName() + " at position 1");
    }
  }

  /**
   * Accel's default configuration: {@code withConfig(Map.of())} adds nothing of its own, but the
   * configuration also reads {@code accel.*} system properties and the {@code accel.conf} file they
   * name, so a JVM carrying any of them would not measure the default: refuse it.
   */
  static AccelProvider createDefault() {
    var set =
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("accel.")).sorted().toList();
    if (!set.isEmpty()) {
      throw new IllegalStateException(DEFAULT + " must run without accel.* system properties; set: " + set);
    }
    return AccelProvider.withConfig(Map.of());
  }

  private static Provider create(String name) {
    return switch (name) {
      case "accel-cpu" -> AccelProvider.withConfig(ACCEL_CPU);
      case "accel-emu" -> AccelProvider.withConfig(ACCEL_EMU);
      case "accel-bc" -> AccelProvider.withConfig(ACCEL_BC);
      case "accel-jdk" -> AccelProvider.withConfig(ACCEL_JDK);
      case DEFAULT -> createDefault();
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
