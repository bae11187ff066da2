package dev.accel.device;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException.Reason;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.ffm.NativeStatus;
import dev.accel.queue.DeviceQueue;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every emulator fault, injected from Java, with the exact outcome the router relies on. */
class FaultInjectionTest {
  private static final long MS = 1_000_000L;
  private static final byte[] MSG = "fault injection".getBytes();
  private NativeDevice dev;
  private EmulatorControl emu;

  @BeforeEach
  void open() throws DeviceException {
    dev = Devices.open("emu", DeviceOptions.defaults().withBusyRetryNanos(2 * MS));
    emu = dev.emulator().orElseThrow();
  }

  @AfterEach
  void close() {
    emu.inject(Fault.CLEAR, 0, 0);
    dev.close();
  }

  private byte[] digest(long timeoutNanos) throws DeviceException {
    byte[] out = new byte[32];
    Ops.digest(dev, DigestAlgorithm.SHA256, MSG, 0, MSG.length, out, 0, timeoutNanos);
    return out;
  }

  private void assertWorks() throws Exception {
    assertArrayEquals(MessageDigest.getInstance("SHA-256", "SUN").digest(MSG), digest(5_000 * MS));
  }

  private DeviceException fails(long timeoutNanos) {
    return assertThrows(DeviceException.class, () -> digest(timeoutNanos));
  }

  /** Starts a request that the emulator holds for {@code delayMs}, on a virtual thread. */
  private CompletableFuture<DeviceException> inFlight(long delayMs) {
    emu.inject(Fault.DELAY, 1, delayMs * 1000);
    CompletableFuture<DeviceException> f = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try {
        digest(5_000 * MS);
        f.complete(null);
      } catch (DeviceException e) {
        f.complete(e);
      }
    });
    return f;
  }

  private void awaitInflight() throws Exception {
    while (dev.queue().deviceInflight() == 0) {
      Thread.sleep(1);
    }
    Thread.sleep(20); // let an engine pick it up
  }

  @Test
  void requestErrorIsDeviceErrorWithTheRawDetail() throws Exception {
    emu.inject(Fault.REQ_ERROR, 1, 0x1234);
    DeviceException e = fails(5_000 * MS);
    assertEquals(Reason.DEVICE_ERROR, e.reason());
    assertEquals(NativeStatus.EIO, e.nativeStatus());
    assertTrue(e.getMessage().contains("0x1234"), e.getMessage());
    assertWorks();
    assertEquals(1, dev.health().errors());
  }

  @Test
  void queueErrorKillsTheQueueAndANewQueueWorks() throws Exception {
    assertWorks();
    DeviceQueue q0 = dev.queue();
    emu.inject(Fault.QUEUE_ERROR, 1, 0);
    assertEquals(DeviceHealth.State.QUEUE_ERROR, dev.health().state());
    // The reaper's accel_wait reports EQUEUE even with nothing in flight.
    long until = System.nanoTime() + 2_000 * MS;
    while (!q0.isDead() && System.nanoTime() < until) {
      Thread.sleep(1);
    }
    assertEquals(NativeStatus.EQUEUE, q0.deadStatus());
    assertWorks();
    assertNotSame(q0, dev.queue());
    assertEquals(2, dev.queuesCreated());
    assertEquals(DeviceHealth.State.OK, dev.health().state(), "the dead queue was destroyed");
  }

  @Test
  void queueErrorFailsInFlightWaiters() throws Exception {
    CompletableFuture<DeviceException> f = inFlight(2_000);
    awaitInflight();
    long t0 = System.nanoTime();
    emu.inject(Fault.QUEUE_ERROR, 1, 0);
    DeviceException e = f.get(1, TimeUnit.SECONDS);
    assertEquals(Reason.QUEUE_ERROR, e.reason());
    assertTrue(System.nanoTime() - t0 < 1_000 * MS, "failed promptly, not at the deadline");
    assertWorks();
  }

  @Test
  void lostCompletionTimesOutAtTheDeadline() throws Exception {
    emu.inject(Fault.LOST_COMPLETION, 1, 0);
    long t0 = System.nanoTime();
    DeviceException e = fails(150 * MS);
    long took = System.nanoTime() - t0;
    assertEquals(Reason.TIMEOUT, e.reason());
    assertTrue(took >= 150 * MS && took < 1_150 * MS, "took " + took / MS + " ms");
    assertWorks();
  }

  @Test
  void resetRefusesSubmitsCancelsInFlightThenRecovers() throws Exception {
    CompletableFuture<DeviceException> f = inFlight(100);
    awaitInflight();
    emu.inject(Fault.RESET, 1, 300);
    assertEquals(DeviceHealth.State.RESETTING, dev.health().state());
    DeviceException busy = fails(5_000 * MS);
    assertEquals(Reason.BUSY, busy.reason(), "submit during reset: EAGAIN beyond the busy budget");
    DeviceException cancelled = f.get(2, TimeUnit.SECONDS);
    assertEquals(Reason.GONE, cancelled.reason(), "in flight across the reset: ECANCELED");
    assertEquals(NativeStatus.ECANCELED, cancelled.nativeStatus());
    Thread.sleep(350);
    assertEquals(DeviceHealth.State.OK, dev.health().state());
    assertWorks();
  }

  @Test
  void removalIsGoneAndHealthSaysRemoved() throws Exception {
    assertWorks();
    emu.inject(Fault.REMOVE, 1, 0);
    DeviceException e = fails(5_000 * MS);
    assertEquals(Reason.GONE, e.reason());
    assertEquals(NativeStatus.ENODEV, e.nativeStatus());
    DeviceHealth h = dev.health();
    assertEquals(DeviceHealth.State.REMOVED, h.state());
    assertEquals("device removed", h.reason());
    assertTrue(!h.usable());
    assertEquals(Reason.GONE, fails(5_000 * MS).reason(), "a replacement queue cannot be opened either");
    emu.inject(Fault.CLEAR, 0, 0);
    assertWorks();
  }

  @Test
  void removalFailsInFlightWaiters() throws Exception {
    CompletableFuture<DeviceException> f = inFlight(2_000);
    awaitInflight();
    emu.inject(Fault.REMOVE, 1, 0);
    assertEquals(Reason.GONE, f.get(1, TimeUnit.SECONDS).reason());
  }

  @Test
  void isolationIsGoneAndHealthSaysIsolated() throws Exception {
    assertWorks();
    emu.inject(Fault.ISOLATE, 1, 0);
    assertEquals(Reason.GONE, fails(5_000 * MS).reason());
    assertEquals(DeviceHealth.State.ISOLATED, dev.health().state());
    assertTrue(dev.health().reason().contains("isolated"));
    emu.inject(Fault.CLEAR, 0, 0);
    assertWorks();
  }

  @Test
  void exhaustedQueueBudgetIsBusy() throws Exception {
    emu.inject(Fault.QUEUE_BUDGET, 1, 0); // no queue may be opened; this device has none yet
    DeviceException e = fails(5_000 * MS);
    assertEquals(Reason.BUSY, e.reason());
    assertEquals(NativeStatus.EBUSY, e.nativeStatus());
    emu.inject(Fault.CLEAR, 0, 0);
    assertWorks();
  }

  @Test
  void corruptRsaResultIsDetectableByVerification() throws Exception {
    RsaKeyMaterial k = DeviceSelfTest.rsaTestKey();
    byte[] in = DeviceOpsTest.toFixed(BigInteger.valueOf(0xC0FFEE), k.modulusBytes());
    emu.inject(Fault.CORRUPT, 1, 0);
    byte[] bad = Ops.rsaPrivateCrt(dev, k, in, 5_000 * MS);
    BigInteger check = new BigInteger(1, bad).modPow(k.publicExponent(), k.modulus());
    assertNotEquals(new BigInteger(1, in), check, "verify-after-sign catches the Bellcore fault");
    byte[] good = Ops.rsaPrivateCrt(dev, k, in, 5_000 * MS);
    assertEquals(new BigInteger(1, in), new BigInteger(1, good).modPow(k.publicExponent(), k.modulus()));
  }

  @Test
  void forkedHandleIsGone() throws Exception {
    assertWorks();
    emu.inject(Fault.FORK, 1, 0);
    DeviceException e = fails(5_000 * MS);
    assertEquals(Reason.GONE, e.reason());
    assertEquals(DeviceHealth.State.FORKED, dev.health().state());
    emu.inject(Fault.CLEAR, 0, 0);
    assertWorks();
  }

  @Test
  void delayBeyondAShortDeadlineIsTimeout() throws Exception {
    emu.inject(Fault.DELAY, 1, 300_000);
    long t0 = System.nanoTime();
    DeviceException e = fails(30 * MS);
    long took = System.nanoTime() - t0;
    assertEquals(Reason.TIMEOUT, e.reason());
    assertEquals(NativeStatus.ETIMEDOUT, e.nativeStatus());
    assertTrue(took < 250 * MS, "returned at the deadline, not when the device finished: " + took / MS + " ms");
    assertWorks();
  }

  @Test
  void faultCounterAndProfileSwitch() throws Exception {
    long before = dev.health().faultsInjected();
    emu.inject(Fault.REQ_ERROR, 1, 1);
    assertEquals(before + 1, dev.health().faultsInjected());
    emu.inject(Fault.CLEAR, 0, 0);
    emu.setProfile(EmulatorControl.Profile.SEC_920);
    assertWorks();
    emu.setProfile(EmulatorControl.Profile.FAST);
  }
}
