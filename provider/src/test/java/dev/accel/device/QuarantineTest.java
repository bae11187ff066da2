package dev.accel.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.AesKeyMaterial;
import dev.accel.queue.DeviceQueue;
import dev.accel.testing.Ops;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Bounded quarantine (issue 19): requests whose completions the device lost stay pinned with their
 * buffers, so past a limit the queue is retired and a fresh one replaces it. The fault is armed
 * for every request before any is submitted, so each one times out whatever the machine's speed;
 * the test counts outcomes, not time.
 */
class QuarantineTest {
  private static final long TIMEOUT = 20_000_000L; // 20 ms per lost request

  @Test
  void lostCompletionsPastTheLimitRetireTheQueueAndAFreshOneServes() throws Exception {
    DeviceOptions opts = DeviceOptions.defaults().withQuarantine(4, 1L << 30);
    byte[] key = new byte[32];
    byte[] iv = new byte[12];
    byte[] pt = new byte[4096];
    Arrays.fill(pt, (byte) 7);
    try (NativeDevice emu = Devices.open("emu", opts);
        AesKeyMaterial km = new AesKeyMaterial(key)) {
      EmulatorControl ctl = emu.emulator().orElseThrow();
      DeviceQueue first = emu.queue();
      ctl.inject(EmulatorControl.Fault.LOST_COMPLETION, 1_000, 0);
      byte[] out = new byte[pt.length + 16];
      for (int i = 0; i < 4; i++) {
        DeviceException e = assertThrows(DeviceException.class,
            () -> Ops.gcmSeal(emu, km, iv, 16, null, 0, 0, pt, 0, pt.length, out, 0, TIMEOUT));
        assertEquals(DeviceException.Reason.TIMEOUT, e.reason(), e.toString());
        assertFalse(first.isDead(), "within the limit after " + (i + 1));
      }
      assertTrue(first.quarantinedBytes() >= 4L * pt.length, "four buffers held: " + first.quarantinedBytes());
      // The fifth abandoned request crosses the limit: the queue retires itself.
      assertThrows(DeviceException.class,
          () -> Ops.gcmSeal(emu, km, iv, 16, null, 0, 0, pt, 0, pt.length, out, 0, TIMEOUT));
      assertTrue(first.isDead(), "retired past 4 abandoned requests");
      assertTrue(first.retiredByQuarantine());

      ctl.inject(EmulatorControl.Fault.CLEAR, 0, 0);
      int n = Ops.gcmSeal(emu, km, iv, 16, null, 0, 0, pt, 0, pt.length, out, 0, 5_000_000_000L);
      DeviceQueue fresh = emu.queue();
      assertNotSame(first, fresh, "a fresh queue replaced the retired one");
      assertEquals(1, emu.queuesRetired());
      assertEquals(0, fresh.quarantinedBytes());
      assertTrue(first.isDead());
      Cipher sun = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      sun.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      assertArrayEquals(sun.doFinal(pt), Arrays.copyOf(out, n), "the fresh queue computes correctly");
    }
  }

  @Test
  void theByteLimitRetiresAsWell() throws Exception {
    DeviceOptions opts = DeviceOptions.defaults().withQuarantine(1_000, 10_000);
    byte[] pt = new byte[4096];
    try (NativeDevice emu = Devices.open("emu", opts);
        AesKeyMaterial km = new AesKeyMaterial(new byte[16])) {
      DeviceQueue first = emu.queue();
      emu.emulator().orElseThrow().inject(EmulatorControl.Fault.LOST_COMPLETION, 1_000, 0);
      byte[] out = new byte[pt.length + 16];
      int lost = 0;
      while (!first.isDead() && lost < 10) {
        assertThrows(DeviceException.class,
            () -> Ops.gcmSeal(emu, km, new byte[12], 16, null, 0, 0, pt, 0, pt.length, out, 0, TIMEOUT));
        lost++;
      }
      assertTrue(first.retiredByQuarantine(), "retired by bytes after " + lost + " lost completions");
      assertTrue(lost <= 3, "two 4 KiB buffers fit in 10,000 bytes, the third does not: " + lost);
      emu.emulator().orElseThrow().inject(EmulatorControl.Fault.CLEAR, 0, 0);
    }
  }
}
