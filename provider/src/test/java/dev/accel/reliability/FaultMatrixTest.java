package dev.accel.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
import dev.accel.queue.DeviceQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every injected fault with 64 concurrent virtual threads of mixed algorithms (AES-GCM seal/open,
 * SHA-256/512, RSA-2048 sign) on a dedicated emulated device: every request completes with the
 * JDK's result, none hangs (bounded by an overall timeout), none is lost (each thread finishes
 * all its requests) and the route counters account for each (device operations + software
 * operations == requests, and the fault shows up as software re-runs). The fault is injected
 * mid-flight, after a quarter of the requests completed.
 */
class FaultMatrixTest {
  static final int THREADS = 64;
  static final int OPS_PER_THREAD = 10;
  static final long OVERALL_TIMEOUT_MS = 60_000;

  /** One row of the matrix: the fault, how it is armed, and the device's options. */
  enum Scenario {
    REQ_ERROR(Fault.REQ_ERROR, 40, 0x77, 0, false),
    QUEUE_ERROR(Fault.QUEUE_ERROR, 1, 0, 0, false),
    LOST_COMPLETION(Fault.LOST_COMPLETION, 20, 0, 0, false),
    RESET(Fault.RESET, 1, 150, 0, false),
    REMOVE_MID_FLIGHT(Fault.REMOVE, 0, 0, 0, true),
    ISOLATE(Fault.ISOLATE, 0, 0, 0, true),
    QUEUE_BUDGET(Fault.QUEUE_BUDGET, 0, 1, 0, false),
    QUEUE_EXHAUSTION_TINY_DEPTH(Fault.DELAY, 200, 3_000, 4, false),
    FORK(Fault.FORK, 0, 0, 0, true);

    final Fault fault;
    final long count;
    final long param;
    final int queueDepth;
    final boolean clearLater; // the device returns (CLEAR) after a while: the breaker must re-close

    Scenario(Fault fault, long count, long param, int queueDepth, boolean clearLater) {
      this.fault = fault;
      this.count = count;
      this.param = param;
      this.queueDepth = queueDepth;
      this.clearLater = clearLater;
    }
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void everyRequestCompletesCorrectlyUnderTheFault(Scenario sc) throws Exception {
    DeviceOptions o = DeviceOptions.defaults().withEngines(2).withQueues(2).withBusyRetryNanos(1_000_000);
    if (sc.queueDepth != 0) {
      o = o.withQueueDepth(sc.queueDepth);
    }
    try (NativeDevice device = Devices.open("emu", o)) {
      EmulatorControl emu = device.emulator().orElseThrow();
      AccelProvider accel = AccelProvider.builder()
          .devices(List.of(device))
          .software("bc")
          .config(Map.of(
              "accel.threshold.aes-gcm", "0",
              "accel.threshold.sha2", "0",
              "accel.threshold.rsa", "0",
              "accel.calibrate", "false",
              "accel.breaker.probe.ms", "50",
              "accel.device.timeout.ms", "250"))
          .build();
      MixedLoad load = new MixedLoad(accel);
      int total = THREADS * OPS_PER_THREAD;
      CountDownLatch quarter = new CountDownLatch(total / 4);
      boolean atStart = sc.fault == Fault.QUEUE_BUDGET; // bites when a queue is (re)created
      if (atStart) {
        emu.inject(sc.fault, sc.count, sc.param);
      }
      // A platform thread: as a virtual thread it queued for a carrier behind the 64 virtual load
      // threads, and once it injected QUEUE_ERROR only after the whole load had finished (640
      // device operations, no software re-run, 2026-11-26); the fault must land mid-flight.
      Thread injector = Thread.ofPlatform().name("injector").start(() -> {
        try {
          quarter.await();
          if (atStart) {
            return;
          }
          emu.inject(sc.fault, sc.count, sc.param);
          if (sc.clearLater) {
            Thread.sleep(150);
            emu.inject(Fault.CLEAR, 0, 0);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      int hung = load.run(THREADS, OPS_PER_THREAD, () -> false, quarter, OVERALL_TIMEOUT_MS);
      injector.join(5_000);
      long faults = device.health().faultsInjected();
      emu.inject(Fault.CLEAR, 0, 0);

      RouteStats s = accel.stats();
      long deviceOps = s.ops(null, RouteCounters.DEVICE);
      long softwareOps = s.ops(null, RouteCounters.SOFTWARE);
      long fallbacks = softwareOps; // every threshold is 0: software only ever serves a fault
      record(sc, load, hung, deviceOps, fallbacks, s);

      assertEquals(0, hung, "hung threads: " + load.problems());
      assertEquals(total, load.requests(), "lost requests");
      assertEquals(0, load.wrong(), "wrong results: " + load.problems());
      assertEquals(0, load.failed(), "requests that failed: " + load.problems());
      assertEquals(total, deviceOps + softwareOps, s.render());
      assertTrue(faults > 0, "the emulator saw no fault");
      if (sc.fault != Fault.DELAY) {
        assertTrue(fallbacks > 0, sc + " caused no software re-run:\n" + s.render());
      } else {
        assertTrue(device.queueFullRetries() > 0 || fallbacks > 0, "tiny queue never filled:\n" + s.render());
      }
      // Native memory accounts: what is outstanding is exactly what queues quarantine (requests
      // whose completion never came, held until their queue is destroyed).
      int quarantined = 0;
      for (DeviceQueue q : device.liveQueues()) {
        quarantined += q.quarantinedCount();
      }
      assertEquals(quarantined + device.buffersLeakedAfterFork(), device.bufferPool().outstanding(),
          "leaked device buffers");
      assertTrue(device.health().queuesOpen() <= 2 + device.queuesLeakedAfterFork(),
          "queues leaked: " + device.health());
    }
  }

  private static void record(Scenario sc, MixedLoad load, int hung, long deviceOps, long fallbacks, RouteStats s) {
    StringBuilder reasons = new StringBuilder();
    for (RouteStats.Row r : s.rows()) {
      if (r.route().equals(RouteCounters.SOFTWARE)) {
        reasons.append(r.algorithm()).append(':').append(r.reason()).append('=').append(r.ops()).append(' ');
      }
    }
    String line = String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s |%n",
        sc, load.requests(), load.wrong(), hung, deviceOps, fallbacks, reasons.toString().trim());
    System.out.print("fault-matrix " + line);
    try {
      Path p = Path.of("target", "fault-matrix.md");
      Files.createDirectories(p.getParent());
      Files.writeString(p, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // the table is a convenience for the report; the assertions are the test
    }
  }

  static {
    try {
      Files.deleteIfExists(Path.of("target", "fault-matrix.md"));
    } catch (IOException ignored) {
      // best effort
    }
  }

}
