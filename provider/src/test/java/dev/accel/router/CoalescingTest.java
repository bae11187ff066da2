package dev.accel.router;

import dev.accel.api.HistogramSnapshot;
import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import dev.accel.metrics.Log2Histogram;
import dev.accel.queue.DeviceQueue;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Batching across callers in the queue layer: while a submission is in progress or the ring is
 * full, concurrent callers' requests accumulate and leave together in one accel_submit; an idle
 * queue submits a lone request at once.
 */
class CoalescingTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aLoneCallerSubmitsAtOnceInBatchesOfOne() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      byte[] out = new byte[32];
      for (int i = 0; i < 50; i++) {
        Ops.digest(d, DigestAlgorithm.SHA256, new byte[] {(byte) i}, 0, 1, out, 0, SECOND);
      }
      DeviceQueue q = d.queue();
      assertEquals(50, q.submitCount());
      assertEquals(50, q.batchSizes().counts()[1]); // bucket 1 = exactly one request
    }
  }

  @Test
  void concurrentCallersCoalesceIntoFewerDoorbells() throws Exception {
    // depth 8 (7 usable) and slow engines: the ring fills, 64 callers pile up behind it and
    // every flush after a completion carries what accumulated.
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withQueueDepth(8).withEngines(1)
        .withBusyRetryNanos(5 * SECOND))) {
      d.emulator().orElseThrow().inject(Fault.DELAY, 64, 2_000);
      int callers = 64;
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> ts = new ArrayList<>();
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < callers; t++) {
        byte[] m = new byte[] {(byte) t, 1, 2};
        ts.add(Thread.ofVirtual().start(() -> {
          try {
            go.await();
            byte[] out = new byte[32];
            Ops.digest(d, DigestAlgorithm.SHA256, m, 0, m.length, out, 0, 10 * SECOND);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(m), out);
          } catch (Throwable e) {
            errors.add(e);
          }
        }));
      }
      go.countDown();
      for (Thread t : ts) {
        t.join(20_000);
      }
      assertTrue(errors.isEmpty(), errors.toString());
      DeviceQueue q = d.queue();
      HistogramSnapshot b = q.batchSizes();
      assertEquals(callers, b.sum(), "every request submitted exactly once: " + b.render());
      assertTrue(q.submitCount() < callers, "no coalescing: " + q.submitCount() + " doorbells, " + b.render());
      assertTrue(b.quantileUpperBound(1.0) > 1, b.render());
    }
  }

  @Test
  void anExplicitBatchIsOneSubmission() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      List<byte[]> msgs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        msgs.add(new byte[] {(byte) i, (byte) (i >> 3)});
      }
      d.queue(); // created before counting
      long before = d.queue().submitCount();
      var out = Ops.digestBatch(d, DigestAlgorithm.SHA256, msgs, SECOND);
      for (int i = 0; i < msgs.size(); i++) {
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(msgs.get(i)), out.get(i).value());
      }
      assertEquals(1, d.queue().submitCount() - before, d.queue().batchSizes().render());
    }
  }
}
