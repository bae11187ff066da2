package dev.accel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.device.DeviceCapabilities;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
import dev.accel.router.Router;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each request of a test should have been routed to, checked against the provider's route
 * counters. On a device tier every request the device supports must show up on the device and
 * nowhere else, so a test that silently ran in software fails; on a software tier nothing may
 * reach a device and every request must be counted on the tier's software label.
 */
public final class RouteLedger {
  private final Tier tier;
  private final AccelProvider provider;
  private final DeviceCapabilities caps; // null on software tiers
  private final Map<String, long[]> expected = new TreeMap<>(); // label -> {device, software}

  public RouteLedger(Tier tier, AccelProvider provider) {
    this.tier = tier;
    this.provider = provider;
    this.caps = tier.isDevice() ? provider.router().devices().get(0).capabilities() : null;
    provider.resetStats();
  }

  private void expect(String label, boolean onDevice) {
    long[] e = expected.computeIfAbsent(label, k -> new long[2]);
    e[onDevice ? 0 : 1]++;
  }

  /** One AES-GCM doFinal that reached the router; {@code dataLen} excludes the tag. */
  public void gcm(boolean encrypt, int keyLenBytes, int ivLenBytes, int tagLenBytes, int aadLen, int dataLen) {
    boolean dev =
        caps != null && caps.supportsGcm(keyLenBytes, ivLenBytes, tagLenBytes, aadLen, dataLen, !encrypt);
    expect(encrypt ? Router.ALG_GCM_SEAL : Router.ALG_GCM_OPEN, dev);
  }

  /** One digest() of a {@code len}-byte message. */
  public void digest(DigestAlgorithm alg, long len) {
    if (tier == Tier.CPU || tier == Tier.JDK) {
      // The cpu device's plan streams every hash on the JDK's code (the JIT's SHA intrinsics), as
      // the jdk tier does: JCA gets the JDK's own SPI, counted once per MessageDigest instance
      // (jvm-direct), not per message.
      return;
    }
    boolean dev = caps != null && caps.supportsDigest(alg, len);
    expect(alg.jcaName(), dev);
  }

  /** How many expected requests are on the device (device tiers must have some: see {@link #verify}). */
  public long expectedDeviceOps() {
    long n = 0;
    for (long[] e : expected.values()) {
      n += e[0];
    }
    return n;
  }

  /** Compares the counters with the expectations, label by label, and resets both. */
  public void verify() {
    RouteStats s = provider.stats();
    if (tier.isDevice() && !expected.isEmpty()) {
      // A device whose capabilities shrank to nothing would otherwise pass every route check.
      assertTrue(expectedDeviceOps() > 0,
          tier + ": none of these requests fits the device's capabilities " + caps + "\n" + s.render());
    }
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      String label = e.getKey();
      assertEquals(e.getValue()[0], s.ops(label, RouteCounters.DEVICE),
          tier + ": device ops for " + label + "\n" + s.render());
      assertEquals(e.getValue()[1], s.ops(label, RouteCounters.SOFTWARE),
          tier + ": software ops for " + label + "\n" + s.render());
    }
    for (RouteStats.Row r : s.rows()) {
      if (r.reason().equals("jvm-direct")) {
        // instances handed the JDK's SPI (see digest()): on the cpu device, or on the jdk tier
        assertEquals(tier == Tier.CPU ? RouteCounters.DEVICE : RouteCounters.SOFTWARE, r.route(), s.render());
        continue;
      }
      if (r.route().equals(RouteCounters.SOFTWARE)) {
        assertEquals(tier.softwareLabel(), r.tier(), "software tier label\n" + s.render());
        if (tier.isDevice()) {
          // On a device tier software may serve only requests the device cannot take.
          assertEquals("unsupported-shape", r.reason(), "why software on a device tier\n" + s.render());
        }
      }
      if (!expected.containsKey(r.algorithm())) {
        throw new AssertionError(tier + ": unexpected requests for " + r.algorithm() + "\n" + s.render());
      }
    }
    expected.clear();
    provider.resetStats();
  }
}
