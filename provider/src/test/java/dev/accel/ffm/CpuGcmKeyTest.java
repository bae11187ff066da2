package dev.accel.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The cpu device's keyed AES-GCM call ({@code accel_gcm_key_*}) against SunJCE, and what keeps it
 * from touching memory it must not: Java's checks before the downcall, a closed key refused by the
 * arena rather than read after free, a bad tag that leaves the output untouched.
 */
class CpuGcmKeyTest {
  private static final Random RND = new Random(20261208);

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RND.nextBytes(b);
    return b;
  }

  private static byte[] sun(int mode, byte[] key, byte[] iv, int tagLen, byte[] aad, byte[] in) throws Exception {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(tagLen * 8, iv));
    c.updateAAD(aad);
    return c.doFinal(in);
  }

  @Test
  void sealAndOpenMatchSunJceForEveryKeySizeIvAndTagLength() throws Exception {
    assertTrue(NativeLibrary.isAvailable(), () -> "shim unavailable: " + NativeLibrary.unavailabilityCause());
    for (int keyLen : new int[] {16, 24, 32}) {
      byte[] key = bytes(keyLen);
      try (CpuGcmKey k = CpuGcmKey.create(key)) {
        for (int ivLen : new int[] {12, 1, 16, 128}) {
          for (int tagLen : new int[] {16, 12}) {
            for (int len : new int[] {0, 1, 16, 333, 70_000}) {
              byte[] iv = bytes(ivLen), aad = bytes(len % 40), pt = bytes(len);
              byte[] want = sun(Cipher.ENCRYPT_MODE, key, iv, tagLen, aad, pt);
              byte[] out = new byte[7 + len + tagLen];
              assertEquals(len + tagLen, k.seal(iv, aad, 0, aad.length, pt, 0, len, out, 7, tagLen));
              assertArrayEquals(want, Arrays.copyOfRange(out, 7, out.length), keyLen + "/" + ivLen + "/" + tagLen + "/" + len);
              byte[] back = new byte[len + 3];
              assertEquals(len, k.open(iv, aad, 0, aad.length, want, 0, want.length, back, 3, tagLen));
              assertArrayEquals(pt, Arrays.copyOfRange(back, 3, back.length));
            }
          }
        }
      }
    }
  }

  @Test
  void inPlaceSealAndABadTagThatLeavesTheOutputUntouched() throws Exception {
    byte[] key = bytes(32), iv = bytes(12), aad = bytes(13), pt = bytes(100);
    try (CpuGcmKey k = CpuGcmKey.create(key)) {
      byte[] buf = Arrays.copyOf(pt, 116);
      k.seal(iv, aad, 0, aad.length, buf, 0, 100, buf, 0, 16);
      assertArrayEquals(sun(Cipher.ENCRYPT_MODE, key, iv, 16, aad, pt), buf);
      buf[115] ^= 1;
      byte[] out = new byte[100];
      Arrays.fill(out, (byte) 0x5A);
      assertThrows(AEADBadTagException.class, () -> k.open(iv, aad, 0, aad.length, buf, 0, 116, out, 0, 16));
      for (byte b : out) {
        assertEquals((byte) 0x5A, b, "output touched by a failed open");
      }
    }
  }

  @Test
  void javaRefusesWhatWouldTakeTheShimOutsideItsArrays() throws Exception {
    try (CpuGcmKey k = CpuGcmKey.create(bytes(16))) {
      byte[] iv = bytes(12), in = bytes(32), out = new byte[48];
      assertThrows(IndexOutOfBoundsException.class, () -> k.seal(iv, in, 30, 5, in, 0, 32, out, 0, 16));
      assertThrows(IndexOutOfBoundsException.class, () -> k.seal(iv, null, 0, 0, in, 1, 32, out, 0, 16));
      assertThrows(IndexOutOfBoundsException.class, () -> k.seal(iv, null, 0, 0, in, 0, 32, out, 1, 16));
      assertThrows(IndexOutOfBoundsException.class, () -> k.open(iv, null, 0, 0, in, 0, 32, new byte[15], 0, 16));
      assertThrows(IllegalArgumentException.class, () -> k.seal(new byte[0], null, 0, 0, in, 0, 32, out, 0, 16));
      assertThrows(IllegalArgumentException.class, () -> k.seal(new byte[129], null, 0, 0, in, 0, 32, out, 0, 16));
      assertThrows(IllegalArgumentException.class, () -> k.seal(iv, null, 0, 0, in, 0, 32, out, 0, 11));
      assertFalse(CpuGcmKey.takes(12, 17));
      assertTrue(CpuGcmKey.takes(128, 12));
    }
    assertThrows(IllegalArgumentException.class, () -> CpuGcmKey.create(new byte[20]));
  }

  @Test
  void aClosedKeyIsRefusedNotReadAfterItWasFreed() throws Exception {
    CpuGcmKey k = CpuGcmKey.create(bytes(16));
    k.close();
    k.close(); // idempotent
    byte[] iv = bytes(12), in = bytes(16), out = new byte[32];
    assertThrows(IllegalStateException.class, () -> k.seal(iv, null, 0, 0, in, 0, 16, out, 0, 16));
  }
}
