package dev.accel.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A dedicated emulated device that fails requests on command: every result stays correct (equal to
 * SunJCE/SUN) and the route counters show the software re-runs by reason.
 */
class FaultInjectionTest {
  private final SplittableRandom rnd = new SplittableRandom(7);
  private Device device;
  private EmulatorControl emu;
  private AccelProvider accel;

  @BeforeEach
  void openDedicatedDevice() throws DeviceException {
    device = Devices.open("emu", DeviceOptions.defaults());
    emu = device.emulator().orElseThrow();
    accel =
        AccelProvider.builder()
            .devices(List.of(device))
            .software("bc")
            .config(
                Map.of(
                    "accel.threshold.aes-gcm", "0",
                    "accel.threshold.sha2", "0",
                    "accel.device.timeout.ms", "300"))
            .build();
  }

  @AfterEach
  void close() {
    emu.inject(EmulatorControl.Fault.CLEAR, 0, 0);
    device.close();
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** Seals, opens and hashes {@code rounds} messages, each checked against the JDK. */
  private void workload(int rounds) throws Exception {
    SecretKeySpec key = new SecretKeySpec(bytes(16), "AES");
    for (int i = 0; i < rounds; i++) {
      byte[] iv = bytes(12);
      byte[] pt = bytes(100 + i);
      Cipher sun = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      sun.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      byte[] expected = sun.doFinal(pt);
      Cipher enc = Cipher.getInstance("AES/GCM/NoPadding", accel);
      enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      assertArrayEquals(expected, enc.doFinal(pt));
      Cipher dec = Cipher.getInstance("AES/GCM/NoPadding", accel);
      dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
      assertArrayEquals(pt, dec.doFinal(expected));
      assertArrayEquals(
          MessageDigest.getInstance("SHA-256", "SUN").digest(pt),
          MessageDigest.getInstance("SHA-256", accel).digest(pt));
    }
  }

  @Test
  void requestErrorsAreReRunInSoftware() throws Exception {
    emu.inject(EmulatorControl.Fault.REQ_ERROR, 7, 0);
    workload(10); // 30 device-eligible requests, the first 7 fail
    RouteStats s = accel.stats();
    assertEquals(7, s.opsWithReason(null, RouteReason.FALLBACK_DEVICE_ERROR.label()), s.render());
    assertEquals(7, s.ops(null, RouteCounters.SOFTWARE), s.render());
    assertEquals(23, s.ops(null, RouteCounters.DEVICE), s.render());
  }

  @Test
  void lostCompletionTimesOutAndReRuns() throws Exception {
    emu.inject(EmulatorControl.Fault.LOST_COMPLETION, 1, 0);
    workload(2);
    RouteStats s = accel.stats();
    assertEquals(1, s.opsWithReason(null, RouteReason.FALLBACK_TIMEOUT.label()), s.render());
    assertEquals(5, s.ops(null, RouteCounters.DEVICE), s.render());
  }

  @Test
  void removedDeviceIsAvoidedUntilItReturns() throws Exception {
    emu.inject(EmulatorControl.Fault.REMOVE, 0, 0);
    workload(4);
    RouteStats s = accel.stats();
    assertEquals(12, s.ops(null, RouteCounters.SOFTWARE), s.render());
    assertEquals(0, s.ops(null, RouteCounters.DEVICE), s.render());
    assertTrue(
        s.opsWithReason(null, RouteReason.FALLBACK_GONE.label())
                + s.opsWithReason(null, RouteReason.UNHEALTHY.label())
            == 12,
        s.render());
    emu.inject(EmulatorControl.Fault.CLEAR, 0, 0);
    Thread.sleep(DeviceGate.HEALTH_TTL_NANOS / 1_000_000 + 50);
    accel.resetStats();
    workload(2);
    s = accel.stats();
    assertEquals(6, s.ops(null, RouteCounters.DEVICE), s.render());
  }
}
