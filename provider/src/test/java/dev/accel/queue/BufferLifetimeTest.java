package dev.accel.queue;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl.Fault;
import dev.accel.device.NativeDevice;
import org.junit.jupiter.api.Test;

/**
 * Device-visible buffers are never freed or reused while a request is in flight. The device is
 * opened with {@code ACCEL_DEV_POISON_FREED}: a freed buffer is filled with a poison pattern and
 * quarantined, and a later device write into it is reported in the health reason
 * (native-shim/src/buf.c). The first test shows the detector catches a premature free; the second
 * drives the real timeout/abandon path and proves no late write happens.
 */
class BufferLifetimeTest {
  private static final long MS = 1_000_000L;
  private static final int LEN = 256 * 1024;

  private static NativeDevice poisonDevice() throws DeviceException {
    return Devices.open("emu", DeviceOptions.defaults().withEngines(2).withPoisonFreed(true));
  }

  private static Request digestRequest(DeviceQueue q) throws DeviceException {
    Request r = q.newRequest(LEN + 64);
    r.buffer().fill(0, LEN, (byte) 7);
    r.op(DigestAlgorithm.SHA256.deviceOpcode()).src(0, LEN).dst(LEN, 64);
    return r;
  }

  @Test
  void theDetectorCatchesABufferFreedWhileTheDeviceStillWritesIt() throws Exception {
    try (NativeDevice d = poisonDevice()) {
      d.emulator().orElseThrow().inject(Fault.DELAY, 1, 150_000); // 150 ms before the engine writes
      DeviceQueue q = d.queue();
      Request r = digestRequest(q);
      q.enqueue(r, null);
      q.flush();
      // Deliberately wrong (what the queue layer must never do): free the buffer in flight.
      d.bufferPool().release(r.buffer(), r.usedBytes());
      d.bufferPool().trim();
      Thread.sleep(400);
      String reason = d.health().reason();
      assertTrue(reason.contains("late write"), "detector missed a late write: '" + reason + "'");
    }
  }

  @Test
  void abandonedRequestsKeepTheirBuffersUntilTheDeviceIsDone() throws Exception {
    try (NativeDevice d = poisonDevice()) {
      var emu = d.emulator().orElseThrow();
      DeviceQueue q = d.queue();
      // 1) delayed completions that outlive their deadline (abandoned, completion arrives later)
      emu.inject(Fault.DELAY, 6, 150_000);
      for (int i = 0; i < 6; i++) {
        Request r = digestRequest(q);
        try {
          DeviceException e = assertThrows(DeviceException.class, () -> q.execute(r, null, System.nanoTime() + 20 * MS));
          assertEquals(DeviceException.Reason.TIMEOUT, e.reason());
        } finally {
          q.release(r); // the correct path: the queue keeps the buffer until the completion
        }
      }
      // 2) lost completions (never arrive): quarantined until the queue is destroyed
      emu.inject(Fault.LOST_COMPLETION, 4, 0);
      for (int i = 0; i < 4; i++) {
        Request r = digestRequest(q);
        try {
          assertThrows(DeviceException.class, () -> q.execute(r, null, System.nanoTime() + 30 * MS));
        } finally {
          q.release(r);
        }
      }
      assertTrue(q.quarantinedCount() > 0, "nothing was quarantined");
      // Free every idle buffer now and again after the delayed writes landed: none may be hit.
      d.bufferPool().trim();
      Thread.sleep(300);
      d.bufferPool().trim();
      // 3) destroy the queue (frees what it quarantined), then check every poisoned buffer.
      q.close();
      d.bufferPool().trim();
      Thread.sleep(50);
      String reason = d.health().reason();
      assertFalse(reason.contains("late write"), "late write into a freed buffer: " + reason);
      assertEquals(0, d.bufferPool().outstanding(), "buffers still outstanding after destroy");
      // The device still works afterwards (a fresh queue replaces the closed one).
      byte[] out = new byte[32];
      Ops.digest(d, DigestAlgorithm.SHA256, new byte[] {'a', 'b', 'c'}, 0, 3, out, 0, 1000 * MS);
      assertEquals((byte) 0xba, out[0]);
    }
  }
}
