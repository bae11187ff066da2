package dev.accel.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceHealth;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
import dev.accel.queue.DeviceQueue;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Soak: mixed load from 32 virtual threads while a chaos thread injects random faults; every
 * result is checked against the JDK. At the end the device is healthy again, native memory is
 * flat (device buffers outstanding == those quarantined by queues, allocations stop growing once
 * warm, queues open <= configured), and no device write hit a freed buffer (the device runs with
 * ACCEL_DEV_POISON_FREED). Runs {@code accel.test.soak.seconds} seconds: 20 by default (CI), minutes
 * with {@code mvn -Psoak}.
 */
class SoakTest {
  private static final Fault[] CHAOS = {
    Fault.REQ_ERROR, Fault.LOST_COMPLETION, Fault.DELAY, Fault.QUEUE_ERROR, Fault.RESET,
    Fault.REMOVE, Fault.ISOLATE, Fault.FORK
  };

  @Test
  void mixedLoadWithRandomFaultsStaysCorrectAndFlat() throws Exception {
    long seconds = Long.getLong("accel.test.soak.seconds", 20);
    DeviceOptions o = DeviceOptions.defaults().withEngines(2).withQueues(2).withPoisonFreed(true)
        .withBusyRetryNanos(1_000_000);
    try (NativeDevice device = Devices.open("emu", o)) {
      EmulatorControl emu = device.emulator().orElseThrow();
      AccelProvider accel = AccelProvider.builder()
          .devices(List.of(device))
          .software("bc")
          .config(Map.of(
              "accel.threshold.aes-gcm", "0",
              "accel.threshold.sha2", "0",
              "accel.calibrate", "false",
              "accel.breaker.probe.ms", "50",
              "accel.device.timeout.ms", "200"))
          .build();
      MixedLoad load = new MixedLoad(accel);
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong injected = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(2, seconds / 4));
      long[] allocationsWhenWarm = {-1};
      Thread chaos = Thread.ofPlatform().name("chaos").start(() -> {
        SplittableRandom rnd = new SplittableRandom(2026);
        try {
          while (System.nanoTime() - end < 0) {
            Thread.sleep(rnd.nextInt(100, 400));
            if (allocationsWhenWarm[0] < 0 && System.nanoTime() - warmEnd >= 0) {
              allocationsWhenWarm[0] = device.bufferPool().allocations();
            }
            Fault f = CHAOS[rnd.nextInt(CHAOS.length)];
            switch (f) {
              case REQ_ERROR, LOST_COMPLETION -> emu.inject(f, rnd.nextInt(1, 8), 0x55);
              case DELAY -> emu.inject(f, rnd.nextInt(1, 16), rnd.nextInt(1_000, 300_000));
              case RESET -> emu.inject(f, 1, rnd.nextInt(5, 60));
              case QUEUE_ERROR -> emu.inject(f, 1, 0);
              default -> { // REMOVE, ISOLATE, FORK: the device comes back after a while
                emu.inject(f, 0, 0);
                Thread.sleep(rnd.nextInt(20, 200));
                emu.inject(Fault.CLEAR, 0, 0);
              }
            }
            injected.incrementAndGet();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          running.set(false);
        }
      });
      int hung = load.run(32, 1, running::get, new CountDownLatch(0), TimeUnit.SECONDS.toMillis(seconds + 60));
      chaos.join();
      emu.inject(Fault.CLEAR, 0, 0);

      assertEquals(0, hung, "hung: " + load.problems());
      assertEquals(0, load.wrong(), "wrong results: " + load.problems());
      assertEquals(0, load.failed(), "failed requests: " + load.problems());
      RouteStats s = accel.stats();
      assertEquals(load.requests(), s.ops(null, null), "requests not accounted for:\n" + s.render());
      assertTrue(injected.get() >= seconds, "chaos injected only " + injected.get() + " faults");
      assertTrue(s.ops(null, RouteCounters.DEVICE) > 0 && s.ops(null, RouteCounters.SOFTWARE) > 0, s.render());

      // The device comes back: the breaker re-probes and closes; a clean run goes to the device.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!accel.deviceHealth().get(0).usable() && System.nanoTime() - deadline < 0) {
        accel.crypto().digestAll("SHA-256", List.of(new byte[64]));
        Thread.sleep(20);
      }
      assertTrue(accel.deviceHealth().get(0).usable(), "device did not recover: " + accel.deviceHealth());
      accel.resetStats();
      MixedLoad after = new MixedLoad(accel);
      assertEquals(0, after.run(8, 10, () -> false, new CountDownLatch(0), 30_000));
      assertEquals(0, after.wrong());
      assertTrue(accel.stats().ops(null, RouteCounters.DEVICE) > 0, accel.stats().render());

      // Flat native memory and queues.
      int quarantined = 0;
      for (DeviceQueue q : device.liveQueues()) {
        quarantined += q.quarantinedCount();
      }
      // Queues destroyed while the handle looked forked are leaked on purpose by the shim (a child
      // must not touch the parent's queue memory), with the buffers they held: count them apart.
      assertEquals(quarantined + device.buffersLeakedAfterFork(), device.bufferPool().outstanding(),
          "device buffers leaked");
      DeviceHealth h = device.health();
      assertTrue(h.queuesOpen() <= 2 + device.queuesLeakedAfterFork(),
          "queues open: " + h.queuesOpen() + ", leaked after fork: " + device.queuesLeakedAfterFork());
      long warm = allocationsWhenWarm[0];
      long now = device.bufferPool().allocations();
      // Replaced queues and quarantines may allocate a little; unbounded growth would be a leak.
      assertTrue(warm < 0 || now - warm <= 4 * 1024, "allocations grew from " + warm + " to " + now);
      device.bufferPool().trim();
      assertFalse(device.health().reason().contains("late write"), device.health().reason());
      System.out.printf("soak: %d s, %d requests, %d faults injected, %d wrong, %d hung, %d device ops, %d software, %d queues leaked after fork%n",
          seconds, load.requests(), injected.get(), load.wrong(), hung, s.ops(null, RouteCounters.DEVICE),
          s.ops(null, RouteCounters.SOFTWARE), device.queuesLeakedAfterFork());
    }
  }
}
