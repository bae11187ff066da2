package dev.accel.rsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.config.AccelConfig;
import dev.accel.device.Device;
import dev.accel.device.EmulatorControl;
import dev.accel.router.DeviceSelection;
import dev.accel.router.RouteReason;
import dev.accel.router.Router;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The RSA suite on the emulated accelerator (fast profile, no size threshold). */
class EmuDeviceRsaTest extends AbstractRsaTierTest {
  static final Map<String, String> CONFIG =
      Map.of("accel.devices", "emu", "accel.emu.profile", "fast", "accel.threshold.rsa", "0");
  private static final AccelProvider PROVIDER = AccelProvider.withConfig(CONFIG);

  @Override
  protected AccelProvider provider() {
    return PROVIDER;
  }

  @Override
  protected boolean deviceTier() {
    return true;
  }

  @Override
  protected String softwareLabel() {
    return PROVIDER.router().softwareLabel();
  }

  /**
   * The Bellcore countermeasure: the emulator corrupts CRT results; every signature must still be
   * correct (the router verifies it with the public key and recomputes in software) and the fault
   * counter must show the recomputations. Both host paths: the check in the shim's cpu engine
   * ({@code accel.rsa.host=native}, the default) and in Java ({@code java}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"native", "java"})
  void corruptedCrtResultsAreCaughtAndRecomputed(String rsaHost) throws Exception {
    Map<String, String> cfg = new java.util.HashMap<>(CONFIG);
    cfg.put("accel.rsa.host", rsaHost);
    AccelConfig config = AccelConfig.load(null, cfg);
    List<Device> devices = DeviceSelection.open(config, null).devices();
    assertFalse(devices.isEmpty(), "the emu device must open on this tier");
    Device emu = devices.get(0);
    try {
      EmulatorControl control = emu.emulator().orElseThrow();
      AccelProvider p = AccelProvider.builder().config(cfg).devices(devices).build();
      assertEquals(rsaHost.equals("native"),
          p.deviceStatus().stream().anyMatch(l -> l.startsWith("rsa host: cpu engine") && l.contains("checks")),
          p.deviceStatus().toString());
      KeyPair kp = RsaTestKeys.rsa2048();
      int faults = 3;
      control.inject(EmulatorControl.Fault.CORRUPT, faults, 0);
      for (int i = 0; i < faults + 2; i++) {
        byte[] msg = RsaTestKeys.randomBytes(20 + i);
        assertArrayEquals(sign("SHA256withRSA", SUN_RSA, kp.getPrivate(), msg),
            sign("SHA256withRSA", p, kp.getPrivate(), msg), "signature " + i);
      }
      control.inject(EmulatorControl.Fault.CLEAR, 0, 0);
      long recomputed = p.stats().opsWithReason(Router.ALG_RSA_PRIVATE, RouteReason.FAULT_VERIFY.label());
      assertEquals(faults, recomputed, p.renderStats());
      assertTrue(p.stats().ops(Router.ALG_RSA_PRIVATE, "device") >= 1, p.renderStats());
    } finally {
      emu.close();
    }
  }

  @AfterAll
  static void showCounters() {
    System.out.println("[emu] " + PROVIDER.renderStats());
  }
}
