package dev.accel.ffm;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.accel.core.AesKeyMaterial;
import dev.accel.queue.DeviceQueue;
import dev.accel.queue.Session;
import dev.accel.core.DigestAlgorithm;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.NativeDevice;
import java.lang.ref.WeakReference;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cpu engine's array + offset downcalls and the per-thread segment cache: results at every
 * offset equal SunJCE/SUN, the cache rotates and never mixes arrays up, large arrays are not
 * retained, and a bad offset is refused in Java before the downcall.
 */
class HeapSegmentsTest {
  private static final long T = 30_000_000_000L;
  private static NativeDevice cpu;

  @BeforeAll
  static void open() throws Exception {
    cpu = Devices.open("cpu", DeviceOptions.defaults());
  }

  @AfterAll
  static void close() {
    cpu.close();
  }

  @Test
  void cacheReturnsOneSegmentPerArrayAndRotates() {
    HeapSegments hs = HeapSegments.current();
    byte[][] arrays = new byte[6][];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = new byte[16 + i];
    }
    var first = hs.of(arrays[0]);
    assertSame(first, hs.of(arrays[0]), "a hit returns the cached segment");
    for (byte[] a : arrays) {
      assertEquals(a.length, hs.of(a).byteSize(), "each array gets its own segment");
    }
    assertNotSame(first, hs.of(arrays[0]), "evicted after four newer arrays");
    byte[] big = new byte[HeapSegments.CACHEABLE_MAX_BYTES + 1];
    assertNotSame(hs.of(big), hs.of(big), "large arrays are never retained");
  }

  /** The array (plaintext, perhaps) a caller dropped is collected: the cache holds it weakly. */
  @Test
  void aDroppedCallerArrayIsNotKeptAlive() {
    WeakReference<byte[]> probe = cacheAndDrop();
    for (int i = 0; i < 20 && probe.get() != null; i++) {
      System.gc(); // a full collection with G1; bounded by the count, not by a time
    }
    assertNull(probe.get(), "the segment cache kept a caller array alive");
  }

  private static WeakReference<byte[]> cacheAndDrop() {
    byte[] a = new byte[1024];
    HeapSegments.current().of(a);
    return new WeakReference<>(a);
  }

  @Test
  void sealAndDigestAtOffsetsMatchTheJdk() throws Exception {
    Random r = new Random(7);
    byte[] key = new byte[32];
    r.nextBytes(key);
    AesKeyMaterial km = new AesKeyMaterial(key);
    try {
      for (int len : new int[] {0, 1, 16, 17, 255, 4096, 70_000}) {
        for (int off : new int[] {0, 3, 17}) {
          byte[] iv = new byte[12];
          r.nextBytes(iv);
          byte[] aadArr = new byte[off + 20];
          r.nextBytes(aadArr);
          byte[] in = new byte[off + len + 5];
          r.nextBytes(in);
          byte[] out = new byte[off + len + 16 + 9];
          int n = Ops.gcmSeal(cpu, km, iv, 16, aadArr, off, 20, in, off, len, out, off, T);
          Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
          c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
          c.updateAAD(aadArr, off, 20);
          byte[] want = c.doFinal(in, off, len);
          assertEquals(want.length, n);
          assertArrayEquals(want, Arrays.copyOfRange(out, off, off + n), "seal len " + len + " off " + off);

          byte[] back = new byte[off + len + 1];
          int m = Ops.gcmOpen(cpu, km, iv, 16, aadArr, off, 20, out, off, n, back, off, T);
          assertEquals(len, m);
          assertArrayEquals(Arrays.copyOfRange(in, off, off + len), Arrays.copyOfRange(back, off, off + len));

          byte[] md = new byte[off + 32];
          Ops.digest(cpu, DigestAlgorithm.SHA256, in, off, len, md, off, T);
          MessageDigest sun = MessageDigest.getInstance("SHA-256", "SUN");
          sun.update(in, off, len);
          assertArrayEquals(sun.digest(), Arrays.copyOfRange(md, off, off + 32), "sha len " + len);
        }
      }
    } finally {
      km.destroy();
    }
  }

  @Test
  void badOffsetsAreRefusedBeforeTheDowncall() throws Exception {
    byte[] key = new byte[16];
    AesKeyMaterial km = new AesKeyMaterial(key);
    try {
      DeviceQueue q = cpu.queue();
      Session s = q.aesSession(km);
      long before = cpu.health().submitted();
      byte[] small = new byte[8];
      byte[] iv = new byte[12];
      assertThrows(IndexOutOfBoundsException.class,
          () -> q.executeGcm(s, dev.accel.ffm.Opcode.GCM_SEAL, iv, null, 0, 0, small, 4, 8, small, 0, small, 0, 16));
      assertThrows(IndexOutOfBoundsException.class,
          () -> q.executeDigest(dev.accel.ffm.Opcode.SHA256, small, -1, 4, new byte[32], 0, 32));
      assertThrows(IllegalArgumentException.class,
          () -> q.executeGcm(s, dev.accel.ffm.Opcode.GCM_SEAL, new byte[129], null, 0, 0, small, 0, 8, new byte[8], 0, new byte[16], 0, 16));
      assertEquals(before, cpu.health().submitted(), "nothing reached the shim");
    } finally {
      km.destroy();
    }
  }
}
