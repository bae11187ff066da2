package dev.accel.queue;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The queue layer: backpressure, completion matching, deadlines, quarantine, sessions. */
class DeviceQueueTest {
  private static final long SECOND = 1_000_000_000L;

  private static byte[] sha256(byte[] m) throws Exception {
    return MessageDigest.getInstance("SHA-256", "SUN").digest(m);
  }

  @ParameterizedTest
  @ValueSource(strings = {"emu", "cpu"})
  void manyConcurrentSubmittersOnATinyQueueAllComplete(String backend) throws Exception {
    DeviceOptions o = DeviceOptions.defaults().withQueueDepth(4).withBusyRetryNanos(30 * SECOND);
    try (NativeDevice d = Devices.open(backend, o);
        ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int seed = t;
        fs.add(ex.submit(() -> {
          Random rnd = new Random(seed);
          for (int i = 0; i < 40; i++) {
            byte[] m = new byte[rnd.nextInt(3000)];
            rnd.nextBytes(m);
            byte[] out = new byte[32];
            Ops.digest(d, DigestAlgorithm.SHA256, m, 0, m.length, out, 0, 30 * SECOND);
            assertArrayEquals(sha256(m), out);
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      DeviceQueue q = d.queue();
      assertEquals(16 * 40, q.completedCount());
      assertEquals(0, q.inflightCount());
      assertEquals(0, d.bufferPool().outstanding());
      if (backend.equals("emu")) {
        // 16 submitters against 3 usable slots: the shim must have pushed back.
        assertTrue(q.eagainCount() > 0, "no EAGAIN seen");
      }
    }
  }

  @Test
  void eagainBeyondTheBusyBudgetIsBusy() throws Exception {
    DeviceOptions o = DeviceOptions.defaults().withQueueDepth(2).withBusyRetryNanos(1_000_000);
    try (NativeDevice d = Devices.open("emu", o)) {
      d.emulator().orElseThrow().inject(Fault.DELAY, 1, 500_000); // first request holds the only slot
      Thread slow = Thread.ofVirtual().start(() -> {
        try {
          Ops.digest(d, DigestAlgorithm.SHA256, new byte[1], 0, 1, new byte[32], 0, 5 * SECOND);
        } catch (DeviceException e) {
          throw new AssertionError(e);
        }
      });
      while (d.queue().deviceInflight() == 0) {
        Thread.onSpinWait();
      }
      Thread.sleep(20); // an engine picks it up (and takes the DELAY)
      DeviceException e = assertThrows(DeviceException.class,
          () -> Ops.digest(d, DigestAlgorithm.SHA256, new byte[1], 0, 1, new byte[32], 0, 5 * SECOND));
      assertEquals(DeviceException.Reason.BUSY, e.reason());
      assertTrue(d.queue().eagainCount() > 0);
      slow.join();
    }
  }

  @Test
  void completionsAreMatchedByTagWhenTheyArriveOutOfOrder() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults().withEngines(2))) {
      byte[] a = "first, delayed".getBytes();
      byte[] b = "second, fast".getBytes();
      d.emulator().orElseThrow().inject(Fault.DELAY, 1, 200_000); // only the next request
      byte[] outA = new byte[32];
      AtomicLong doneA = new AtomicLong();
      Thread ta = Thread.ofVirtual().start(() -> {
        try {
          Ops.digest(d, DigestAlgorithm.SHA256, a, 0, a.length, outA, 0, 5 * SECOND);
          doneA.set(System.nanoTime());
        } catch (DeviceException e) {
          throw new AssertionError(e);
        }
      });
      while (d.queue().deviceInflight() == 0) {
        Thread.onSpinWait();
      }
      Thread.sleep(20); // an engine picks it up (and takes the DELAY)
      byte[] outB = new byte[32];
      Ops.digest(d, DigestAlgorithm.SHA256, b, 0, b.length, outB, 0, 5 * SECOND);
      long doneB = System.nanoTime();
      ta.join();
      assertArrayEquals(sha256(a), outA);
      assertArrayEquals(sha256(b), outB);
      assertTrue(doneB < doneA.get(), "the later request finished first");
      assertEquals(1, d.queue().outOfOrderCount());
    }
  }

  @Test
  void reaperThreadOnlyForAsynchronousBackends() throws Exception {
    try (NativeDevice emu = Devices.open("emu", DeviceOptions.defaults());
        NativeDevice cpu = Devices.open("cpu", DeviceOptions.defaults())) {
      assertTrue(emu.queue().hasReaperThread());
      assertFalse(cpu.queue().hasReaperThread());
    }
  }

  @Test
  void aLostCompletionQuarantinesTheBufferUntilTheQueueIsDestroyed() throws Exception {
    NativeDevice d = Devices.open("emu", DeviceOptions.defaults());
    try {
      d.emulator().orElseThrow().inject(Fault.LOST_COMPLETION, 1, 0);
      DeviceException e = assertThrows(DeviceException.class,
          () -> Ops.digest(d, DigestAlgorithm.SHA512, new byte[10], 0, 10, new byte[64], 0, 100_000_000));
      assertEquals(DeviceException.Reason.TIMEOUT, e.reason());
      DeviceQueue q = d.queue();
      assertEquals(1, q.quarantinedCount());
      assertEquals(1, d.bufferPool().outstanding(), "the buffer is not back in the pool");
      // The queue still serves new requests (with other buffers).
      Ops.digest(d, DigestAlgorithm.SHA512, new byte[10], 0, 10, new byte[64], 0, 5 * SECOND);
      assertEquals(1, d.bufferPool().outstanding());
      q.close();
      assertEquals(0, d.bufferPool().outstanding(), "destroy released the quarantined buffer");
    } finally {
      d.close();
    }
  }

  @Test
  void aLateCompletionReturnsTheAbandonedBuffer() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      d.emulator().orElseThrow().inject(Fault.DELAY, 1, 150_000);
      DeviceException e = assertThrows(DeviceException.class,
          () -> Ops.digest(d, DigestAlgorithm.SHA256, new byte[10], 0, 10, new byte[32], 0, 20_000_000));
      assertEquals(DeviceException.Reason.TIMEOUT, e.reason());
      DeviceQueue q = d.queue();
      assertEquals(1, q.quarantinedCount());
      long until = System.nanoTime() + 5 * SECOND;
      while (q.quarantinedCount() != 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertEquals(0, q.quarantinedCount());
      assertEquals(0, d.bufferPool().outstanding());
    }
  }

  @Test
  void sessionsAreCachedPerQueueAndDestroyedWithTheKey() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      DeviceQueue q = d.queue();
      AesKeyMaterial k = new AesKeyMaterial(new byte[16]);
      Session s1 = q.aesSession(k);
      assertSame(s1, q.aesSession(k));
      assertEquals(1, q.sessionCount());
      AesKeyMaterial k2 = new AesKeyMaterial(new byte[16]);
      assertNotSame(s1, q.aesSession(k2));
      assertEquals(2, q.sessionCount());
      k.destroy();
      assertTrue(s1.isDestroyed());
      assertEquals(1, q.sessionCount());
      q.close();
      assertEquals(0, q.sessionCount());
      assertTrue(q.isDead());
    }
  }

  @Test
  void aQueueErrorFailsInFlightWaitersAndTheQueueIsReplacedOnNextUse() throws Exception {
    try (NativeDevice d = Devices.open("emu", DeviceOptions.defaults())) {
      DeviceQueue q0 = d.queue();
      AesKeyMaterial k = new AesKeyMaterial(new byte[32]);
      Session s = q0.aesSession(k);
      d.emulator().orElseThrow().inject(Fault.DELAY, 1, 2_000_000);
      java.util.concurrent.CompletableFuture<DeviceException> f = new java.util.concurrent.CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try {
          Ops.digest(d, DigestAlgorithm.SHA256, new byte[1], 0, 1, new byte[32], 0, 10 * SECOND);
          f.complete(null);
        } catch (DeviceException e) {
          f.complete(e);
        }
      });
      while (q0.deviceInflight() == 0) {
        Thread.onSpinWait();
      }
      Thread.sleep(20); // an engine picks it up (and takes the DELAY)
      d.emulator().orElseThrow().inject(Fault.QUEUE_ERROR, 1, 0);
      DeviceException e = f.get(2, java.util.concurrent.TimeUnit.SECONDS);
      d.emulator().orElseThrow().inject(Fault.CLEAR, 0, 0);
      assertEquals(DeviceException.Reason.QUEUE_ERROR, e.reason());
      assertTrue(q0.isDead());
      assertEquals(1, q0.quarantinedCount(), "the device never completed it: its buffer stays put");
      assertEquals(1, d.bufferPool().outstanding());
      DeviceQueue q1 = d.queue();
      assertNotSame(q0, q1);
      assertEquals(0, d.bufferPool().outstanding(), "destroying the dead queue freed the quarantined buffer");
      assertTrue(s.isDestroyed(), "the dead queue's sessions went with it");
      assertNotSame(s, q1.aesSession(k), "the key gets a new session on the new queue");
      assertEquals(2, d.queuesCreated());
      byte[] out = new byte[32];
      Ops.digest(d, DigestAlgorithm.SHA256, new byte[1], 0, 1, out, 0, SECOND);
      assertArrayEquals(sha256(new byte[1]), out);
    }
  }
}
