package dev.accel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.metrics.RouteCounters;
import dev.accel.router.RouteReason;
import dev.accel.router.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccelConfigTest {

  @TempDir Path dir;

  private static void assertRejected(Map<String, String> settings, String key, String allowedFragment) {
    InvalidParameterException e =
        assertThrows(InvalidParameterException.class, () -> AccelProvider.withConfig(settings));
    assertTrue(e.getMessage().contains(key), e.getMessage());
    assertTrue(e.getMessage().contains(allowedFragment), e.getMessage());
  }

  @Test
  void invalidValuesNameTheKeyAndTheAllowedValues() {
    assertRejected(Map.of("accel.devices", "gpu"), "accel.devices", "emu, cpu, uadk");
    assertRejected(Map.of("accel.devices", "none,emu"), "accel.devices", "auto and none stand alone");
    assertRejected(Map.of("accel.emu.profile", "slow"), "accel.emu.profile", "sec-920");
    assertRejected(Map.of("accel.software", "openssl"), "accel.software", "[bc, jdk, native]");
    assertRejected(Map.of("accel.families", "aes-gcm,md5"), "accel.families", "sha2");
    assertRejected(Map.of("accel.rsa.enabled", "yes"), "accel.rsa.enabled", "[true, false]");
    assertRejected(Map.of("accel.threshold.sha2", "-1"), "accel.threshold.sha2", "integer from 0");
    assertRejected(Map.of("accel.threshold.aes-gcm", "4k"), "accel.threshold.aes-gcm", "integer from 0");
    assertRejected(Map.of("accel.route.rsa", "gpu"), "accel.route.rsa", "[auto, device, software]");
    assertRejected(Map.of("accel.device.timeout.ms", "0"), "accel.device.timeout.ms", "integer from 1");
    assertRejected(Map.of("accel.device.queue.depth", "1000"), "accel.device.queue.depth", "power of two");
    assertRejected(Map.of("accel.emu.engines", "0"), "accel.emu.engines", "integer from 1");
    assertRejected(Map.of("accel.tresholds.sha2", "0"), "accel.tresholds.sha2", "known keys");
  }

  @Test
  void defaultsAreDocumentedValues() {
    AccelConfig c = AccelConfig.load(null, Map.of());
    assertEquals(java.util.List.of("auto"), c.devices());
    assertEquals("fast", c.emuProfile());
    assertEquals("bc", c.software());
    for (AccelConfig.Family f : AccelConfig.Family.values()) {
      assertTrue(c.enabled(f));
      assertEquals(AccelConfig.RouteMode.AUTO, c.route(f));
      assertEquals(-1, c.thresholdBytes(f));
    }
    assertEquals(5000, c.deviceTimeoutMs());
  }

  @Test
  void configureReadsAFileAndReturnsANewProvider() throws Exception {
    Path file = dir.resolve("accel.conf");
    Files.writeString(file, "accel.devices=none\naccel.families=aes-gcm\naccel.software=jdk\n");
    AccelProvider base = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    Provider configured = base.configure(file.toString());
    assertNotSame(base, configured);
    assertTrue(configured.isConfigured());
    assertEquals("Accel", configured.getName());
    assertNotNull(configured.getService("Cipher", "AES/GCM/NoPadding"));
    assertNull(configured.getService("MessageDigest", "SHA-256"), "sha2 family must not be registered");
    assertNotNull(base.getService("MessageDigest", "SHA-256"), "the original provider is unchanged");
    assertEquals("jdk", ((AccelProvider) configured).router().softwareLabel());
  }

  @Test
  void aBadFileIsNeverHalfApplied() throws Exception {
    Path file = dir.resolve("bad.conf");
    // A valid line before an invalid one: configure must fail as a whole.
    Files.writeString(file, "accel.families=sha2\naccel.software=jdk\naccel.route.sha2=sometimes\n");
    AccelProvider base = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    InvalidParameterException e =
        assertThrows(InvalidParameterException.class, () -> base.configure(file.toString()));
    assertTrue(e.getMessage().contains("accel.route.sha2"), e.getMessage());
    assertNotNull(base.getService("Cipher", "AES/GCM/NoPadding"));
    assertEquals("bc", base.router().softwareLabel());
    assertThrows(InvalidParameterException.class, () -> base.configure(dir.resolve("missing.conf").toString()));
    assertThrows(NullPointerException.class, () -> base.configure(null));
  }

  @Test
  void inlineConfigurationAfterDoubleDash() {
    AccelProvider base = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    Provider p = base.configure("--accel.devices=none\\naccel.rsa.enabled=false\\naccel.sha2.enabled=false");
    assertNull(p.getService("MessageDigest", "SHA-512"));
    assertNotNull(p.getService("AlgorithmParameters", "GCM"));
  }

  @Test
  void routeSoftwareAndThresholdsDecideTheRoute() throws Exception {
    AccelProvider p =
        AccelProvider.withConfig(
            Map.of("accel.devices", "emu", "accel.threshold.aes-gcm", "1000", "accel.route.sha2", "software"));
    assertEquals(1, p.router().devices().size(), String.valueOf(p.deviceStatus()));
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    for (int size : new int[] {999, 1000}) {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, new byte[] {(byte) size, (byte) (size >> 8), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
      c.doFinal(new byte[size]);
    }
    MessageDigest.getInstance("SHA-256", p).digest(new byte[100_000]);
    var s = p.stats();
    assertEquals(1, s.ops(Router.ALG_GCM_SEAL, RouteCounters.DEVICE), s.render());
    assertEquals(1, s.opsWithReason(Router.ALG_GCM_SEAL, RouteReason.BELOW_THRESHOLD.label()), s.render());
    assertEquals(1, s.opsWithReason("SHA-256", RouteReason.ROUTE_SOFTWARE.label()), s.render());
    assertTrue(p.renderStats().contains("below-threshold"), p.renderStats());
  }

  @Test
  void systemPropertiesLayerOverTheFileAndUnderExplicitSettings() throws Exception {
    Path file = dir.resolve("layer.conf");
    Files.writeString(file, "accel.devices=none\naccel.software=jdk\naccel.emu.profile=sec-920\n");
    System.setProperty("accel.emu.profile", "hpre-920");
    try {
      AccelConfig c = AccelConfig.load(file, Map.of("accel.software", "bc"));
      assertEquals("hpre-920", c.emuProfile()); // system property over file
      assertEquals("bc", c.software()); // explicit over everything
      assertEquals(java.util.List.of("none"), c.devices()); // file over default
    } finally {
      System.clearProperty("accel.emu.profile");
    }
  }

  @Test
  void nativeSoftwareFallsBackToBcAndSaysSo() {
    // With the shim present the cpu engine serves; either way the label tells which tier runs.
    AccelProvider p = AccelProvider.withConfig(Map.of("accel.devices", "none", "accel.software", "native"));
    String label = p.router().softwareLabel();
    assertTrue(label.equals("native") || label.equals("bc(native-unavailable)"), label);
  }
}
