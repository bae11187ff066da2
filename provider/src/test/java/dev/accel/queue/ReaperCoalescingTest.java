package dev.accel.queue;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import dev.accel.device.BatchOutcome;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The reaper sleeps through completions no caller can use yet (accel_wait_n): a batch awaited as
 * a whole wakes it about once, not once per wave of completions; and a request awaited alone is
 * never held behind such a wait (accel_wait_limit). Virtual-thread waiters park without a timeout
 * and the reaper keeps their deadlines: a lost completion still times out.
 */
class ReaperCoalescingTest {
  private static final long SECOND = 1_000_000_000L;

  private static List<byte[]> messages(int n) {
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      msgs.add(new byte[] {(byte) i, 7, (byte) (i * 3)});
    }
    return msgs;
  }

  private static void assertDigests(List<byte[]> msgs, List<BatchOutcome> out) throws Exception {
    for (int i = 0; i < msgs.size(); i++) {
      assertTrue(out.get(i).ok(), "message " + i + ": " + out.get(i));
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(msgs.get(i)), out.get(i).value());
    }
  }

  @Test
  void aBatchWakesTheReaperAboutOnceNotPerWaveOfCompletions() throws Exception {
    // 4 engines, 16 requests each holding its engine 5 ms: completions come in 4 waves 5 ms apart.
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withEngines(4))) {
      DeviceQueue q = d.queue();
      List<byte[]> msgs = messages(16);
      long before = q.reaperWakeups();
      d.emulator().orElseThrow().inject(Fault.DELAY, 16, 5_000);
      long t0 = System.nanoTime();
      List<BatchOutcome> out = Ops.digestBatch(d, DigestAlgorithm.SHA256, msgs, 10 * SECOND);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertDigests(msgs, out);
      long wakes = q.reaperWakeups() - before;
      assertTrue(tookMs >= 15, "the 4 waves took only " + tookMs + " ms");
      // One wake at the 16th completion; the reaper's 20 ms wait period can split that wait once.
      assertTrue(wakes <= 3, wakes + " reaper wake-ups for one batch (" + tookMs + " ms)");
    }
  }

  @Test
  void aRequestAwaitedAloneIsNotHeldBehindTheBatchTheReaperWaitsFor() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withEngines(8))) {
      DeviceQueue q = d.queue();
      List<byte[]> msgs = messages(4);
      // The batch's 4 requests hold 4 engines for 400 ms; the reaper waits for all 4 of them.
      d.emulator().orElseThrow().inject(Fault.DELAY, 4, 400_000);
      AtomicReference<List<BatchOutcome>> batch = new AtomicReference<>();
      long submitsBefore = q.submitCount();
      Thread t = Thread.ofVirtual().start(
          () -> batch.set(Ops.digestBatch(d, DigestAlgorithm.SHA256, msgs, 10 * SECOND)));
      long until = System.nanoTime() + 5 * SECOND;
      while (q.submitCount() == submitsBefore && System.nanoTime() - until < 0) {
        Thread.sleep(1);
      }
      assertTrue(q.submitCount() > submitsBefore, "the batch was never submitted");
      // A lone digest on a free engine: its completion must reach it now, not with the batch's.
      byte[] one = {42};
      byte[] got = new byte[32];
      long t0 = System.nanoTime();
      Ops.digest(d, DigestAlgorithm.SHA256, one, 0, 1, got, 0, 10 * SECOND);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(one), got);
      boolean batchDone = batch.get() != null;
      t.join(10_000);
      assertDigests(msgs, batch.get());
      assertTrue(!batchDone && tookMs < 200,
          "the lone request took " + tookMs + " ms (batch already done: " + batchDone + ")");
    }
  }

  @Test
  void aVirtualThreadWaitingForALostCompletionTimesOutAtItsDeadline() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      d.queue();
      d.emulator().orElseThrow().inject(Fault.LOST_COMPLETION, 1, 0);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      long[] tookMs = new long[1];
      Thread t = Thread.ofVirtual().start(() -> {
        long t0 = System.nanoTime();
        try {
          Ops.digest(d, DigestAlgorithm.SHA256, new byte[] {1}, 0, 1, new byte[32], 0, SECOND / 5);
        } catch (Throwable e) {
          failure.set(e);
        }
        tookMs[0] = (System.nanoTime() - t0) / 1_000_000;
      });
      assertTrue(t.join(java.time.Duration.ofSeconds(10)), "the waiter never woke");
      assertTrue(failure.get() instanceof DeviceException, String.valueOf(failure.get()));
      assertEquals(DeviceException.Reason.TIMEOUT, ((DeviceException) failure.get()).reason());
      // 200 ms deadline; the reaper notices it within its own wait period (tens of ms)
      assertTrue(tookMs[0] >= 190 && tookMs[0] < 2_000, "timed out after " + tookMs[0] + " ms");
    }
  }

  @Test
  void aVirtualThreadWaitingForABatchWithALostCompletionGetsTheRestAndOneTimeout() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      d.queue();
      List<byte[]> msgs = messages(8);
      d.emulator().orElseThrow().inject(Fault.LOST_COMPLETION, 1, 0);
      AtomicReference<List<BatchOutcome>> out = new AtomicReference<>();
      Thread t = Thread.ofVirtual().start(
          () -> out.set(Ops.digestBatch(d, DigestAlgorithm.SHA256, msgs, SECOND / 5)));
      assertTrue(t.join(java.time.Duration.ofSeconds(10)), "the batch's caller never woke");
      int failed = 0;
      for (int i = 0; i < msgs.size(); i++) {
        BatchOutcome o = out.get().get(i);
        if (o.ok()) {
          assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(msgs.get(i)), o.value());
        } else {
          failed++;
          assertFalse(o.ok());
        }
      }
      assertEquals(1, failed, "exactly the lost request fails");
    }
  }

  @Test
  void aVirtualThreadQueuedBehindABusyDeviceStillGetsItsBusyBudgetWhenTheRingRefusesIt() throws Exception {
    // One engine (saturation 2) and three places on the ring (depth 4), all held 500 ms each: a
    // fourth request waits in the pending queue, its virtual-thread caller parked without a
    // timeout. The reaper's flush (after its 20 ms wait) meets a full ring; that starts the
    // request's 1 ms busy budget and must wake the caller, which then withdraws it (BUSY) long
    // before a place frees up.
    DeviceOptions o = DeviceOptions.defaults().withEngines(1).withQueueDepth(4).withBusyRetryNanos(1_000_000);
    try (NativeDevice d = Devices.open("emu", o)) {
      DeviceQueue q = d.queue();
      d.emulator().orElseThrow().inject(Fault.DELAY, 3, 500_000);
      List<Thread> holders = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        holders.add(Thread.ofVirtual().start(() -> {
          try {
            Ops.digest(d, DigestAlgorithm.SHA256, new byte[1], 0, 1, new byte[32], 0, 10 * SECOND);
          } catch (DeviceException e) {
            throw new AssertionError(e);
          }
        }));
      }
      long until = System.nanoTime() + 5 * SECOND;
      while (q.deviceInflight() < 3 && System.nanoTime() - until < 0) {
        Thread.sleep(1);
      }
      assertEquals(3, q.deviceInflight(), "the three holders never reached the device");
      long eagainBefore = q.eagainCount();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      long[] tookMs = new long[1];
      Thread t = Thread.ofVirtual().start(() -> {
        long t0 = System.nanoTime();
        try {
          Ops.digest(d, DigestAlgorithm.SHA256, new byte[] {3}, 0, 1, new byte[32], 0, 10 * SECOND);
        } catch (Throwable e) {
          failure.set(e);
        }
        tookMs[0] = (System.nanoTime() - t0) / 1_000_000;
      });
      assertTrue(t.join(java.time.Duration.ofSeconds(10)), "the queued caller never woke");
      assertTrue(failure.get() instanceof DeviceException, "expected BUSY, got " + failure.get());
      assertEquals(DeviceException.Reason.BUSY, ((DeviceException) failure.get()).reason());
      assertTrue(q.eagainCount() > eagainBefore, "the ring never refused it");
      // the reaper's flush comes within its 20 ms wait; a place would free only after 500 ms
      assertTrue(tookMs[0] < 300, "BUSY after " + tookMs[0] + " ms");
      for (Thread h : holders) {
        assertTrue(h.join(java.time.Duration.ofSeconds(10)), "a holder never finished");
      }
    }
  }
}
