package dev.accel.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceCapabilities;
import dev.accel.testing.Tier;
import org.junit.jupiter.api.Test;

/**
 * {@link AesGcmConformance} on the uadk tier (the UADK test double; surefire execution
 * uadk-double). The route checks follow the device's capabilities; this class also pins those
 * capabilities to SEC2's documented limits, so that what the suite sends to software is exactly
 * what the hardware cannot take.
 */
class AesGcmUadkTest extends AesGcmConformance {
  @Override
  protected Tier tier() {
    return Tier.UADK;
  }

  @Test
  void capabilitiesAreSec2Limits() {
    AccelProvider p = Tier.UADK.newProvider();
    DeviceCapabilities c = p.router().devices().get(0).capabilities();
    String why = c.toString();
    for (int key : new int[] {16, 24, 32}) {
      assertTrue(c.supportsGcm(key, 12, 16, 0, 1, false), why);
      assertTrue(c.supportsGcm(key, 12, 16, 65535, 1, true), why);
    }
    assertTrue(c.supportsGcm(16, 12, 8, 0, 100, false), "seal with a short tag: " + why);
    assertFalse(c.supportsGcm(16, 12, 12, 0, 100, true), "open tag must be 16: " + why);
    assertFalse(c.supportsGcm(16, 8, 16, 0, 100, false), "IV exactly 12: " + why);
    assertFalse(c.supportsGcm(16, 16, 16, 0, 100, false), "IV exactly 12: " + why);
    assertFalse(c.supportsGcm(16, 12, 16, 65536, 100, false), "AAD <= 65535: " + why);
    assertFalse(c.supportsGcm(16, 12, 16, 16, 0, false), "no empty payload: " + why);
    assertFalse(c.supportsGcm(16, 12, 16, 16, 0, true), "no empty payload: " + why);
  }
}
