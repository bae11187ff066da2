package dev.accel.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.config.AccelConfig.Family;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Calibrated thresholds, overrides, the circuit breaker, the in-flight budget and deadlines. */
class AdaptiveRoutingTest {

  private static byte[] sha256(byte[] m) throws Exception {
    return MessageDigest.getInstance("SHA-256", "SUN").digest(m);
  }

  @Test
  void calibrationSetsThresholdsQuicklyAndConfigurationOverridesIt() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withProfile(
        dev.accel.device.EmulatorControl.Profile.SEC_920))) {
      // A budget no loaded machine exhausts: this test is about what calibration decides, not how
      // fast it runs (a 50 ms default budget ran out on a 2-core machine under a second build).
      AccelProvider p = AccelProvider.builder().devices(List.of(d))
          .config(Map.of("accel.calibrate.budget.ms", "60000")).build();
      assertTrue(p.router().awaitCalibration(1, TimeUnit.SECONDS));
      String desc = String.join("\n", p.router().describeThresholds());
      assertTrue(desc.contains("calibrated"), desc);
      long gcm = p.router().thresholdBytes(0, Family.AES_GCM);
      assertTrue(gcm > 0, "a 10 us round trip cannot beat software at every size: " + desc);
      AccelProvider fixed = AccelProvider.builder().devices(List.of(d))
          .config(Map.of("accel.threshold.aes-gcm", "777")).build();
      assertEquals(777, fixed.router().thresholdBytes(0, Family.AES_GCM));
      AccelProvider off = AccelProvider.builder().devices(List.of(d))
          .config(Map.of("accel.calibrate", "false")).build();
      assertEquals(Router.defaultThresholdBytes("emu", Family.AES_GCM), off.router().thresholdBytes(0, Family.AES_GCM));
      assertTrue(String.join("", off.router().describeThresholds()).contains("default"));
    }
  }

  @Test
  void breakerOpensOnConsecutiveErrorsReprobesAndCloses() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      AccelProvider p = AccelProvider.builder().devices(List.of(d)).config(Map.of(
          "accel.threshold.sha2", "0", "accel.calibrate", "false",
          "accel.breaker.errors", "3", "accel.breaker.probe.ms", "100")).build();
      d.emulator().orElseThrow().inject(Fault.REQ_ERROR, 1000, 1);
      byte[] m = "breaker".getBytes();
      for (int i = 0; i < 10; i++) {
        assertArrayEquals(sha256(m), MessageDigest.getInstance("SHA-256", p).digest(m));
      }
      RouteStats s = p.stats();
      assertEquals(3, s.opsWithReason(null, RouteReason.FALLBACK_DEVICE_ERROR.label()), s.render());
      assertEquals(7, s.opsWithReason(null, RouteReason.UNHEALTHY.label()), s.render());
      AccelProvider.DeviceHealthReport h = p.deviceHealth().get(0);
      assertFalse(h.usable());
      assertTrue(h.reason().contains("3 consecutive device failures"), h.reason());
      // The re-probe runs a known answer on the device: still failing, the breaker stays open.
      Thread.sleep(150);
      MessageDigest.getInstance("SHA-256", p).digest(m);
      assertFalse(p.deviceHealth().get(0).usable(), p.deviceHealth().toString());
      d.emulator().orElseThrow().inject(Fault.CLEAR, 0, 0);
      Thread.sleep(150);
      p.resetStats();
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(sha256(m), MessageDigest.getInstance("SHA-256", p).digest(m));
      }
      assertTrue(p.deviceHealth().get(0).usable(), p.deviceHealth().toString());
      assertEquals(5, p.stats().ops(null, RouteCounters.DEVICE), p.stats().render());
    }
  }

  @Test
  void inflightBudgetSpillsToSoftwareAtOnce() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withEngines(1))) {
      AccelProvider p = AccelProvider.builder().devices(List.of(d)).config(Map.of(
          "accel.threshold.sha2", "0", "accel.calibrate", "false", "accel.device.inflight.max", "2")).build();
      d.emulator().orElseThrow().inject(Fault.DELAY, 4, 100_000);
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int i = 0; i < 12; i++) {
        byte[] m = new byte[] {(byte) i};
        ts.add(Thread.ofVirtual().start(() -> {
          try {
            assertArrayEquals(sha256(m), MessageDigest.getInstance("SHA-256", p).digest(m));
          } catch (Throwable t) {
            errors.add(t);
          }
        }));
      }
      for (Thread t : ts) {
        t.join(10_000);
      }
      assertTrue(errors.isEmpty(), errors.toString());
      RouteStats s = p.stats();
      assertTrue(s.opsWithReason(null, RouteReason.BUSY.label()) > 0, s.render());
      assertEquals(12, s.ops(null, null));
    }
  }

  @Test
  void missedDeadlineReRunsInSoftwareAndIsCounted() throws Exception {
    // An injected device keeps its own options: the 30 ms deadline is the device's.
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withDefaultTimeoutNanos(30_000_000L))) {
      AccelProvider p = AccelProvider.builder().devices(List.of(d)).config(Map.of(
          "accel.threshold.sha2", "0", "accel.calibrate", "false")).build();
      d.emulator().orElseThrow().inject(Fault.DELAY, 1, 200_000);
      byte[] m = "late".getBytes();
      long t0 = System.nanoTime();
      assertArrayEquals(sha256(m), MessageDigest.getInstance("SHA-256", p).digest(m));
      assertTrue(System.nanoTime() - t0 < 150_000_000L, "the deadline did not bound the wait");
      assertEquals(1, p.stats().opsWithReason(null, RouteReason.FALLBACK_TIMEOUT.label()), p.stats().render());
    }
  }
}
