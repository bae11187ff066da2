package dev.accel.rsa;

import java.security.SecureRandom;

/**
 * PKCS#1 v1.5 block formatting for the RSA cipher (RFC 8017 section 7.2 for block type 2, and the
 * type 1 block SunJCE uses for private-key "encryption" / public-key "decryption", RFC 8017
 * section 9.2 step 5 without the DigestInfo).
 *
 * <p>{@code EB = 0x00 || BT || PS || 0x00 || D}; type 1 pads with 0xff, type 2 with random
 * non-zero bytes; at least 8 padding bytes, so at most {@code k - 11} data bytes.
 */
public final class Pkcs1Padding {
  public static final int BLOCK_TYPE_1 = 1;
  public static final int BLOCK_TYPE_2 = 2;

  private Pkcs1Padding() {}

  public static int maxDataBytes(int k) {
    return k - 11;
  }

  /** Pads {@code data[off..off+len)} into a k-byte block; {@code len <= k - 11} checked by caller. */
  public static byte[] pad(int blockType, byte[] data, int off, int len, int k, SecureRandom random) {
    if (len > maxDataBytes(k)) {
      throw new IllegalArgumentException("data too long");
    }
    byte[] eb = new byte[k];
    eb[1] = (byte) blockType;
    int psEnd = k - len - 1; // index of the 0x00 separator
    if (blockType == BLOCK_TYPE_1) {
      for (int i = 2; i < psEnd; i++) {
        eb[i] = (byte) 0xff;
      }
    } else {
      // RFC 8017 7.2.1 step 2a: PS consists of pseudo-randomly generated non-zero octets.
      byte[] r = new byte[psEnd - 2 + 8];
      int i = 2;
      try {
        while (i < psEnd) {
          random.nextBytes(r);
          for (int j = 0; j < r.length && i < psEnd; j++) {
            if (r[j] != 0) {
              eb[i++] = r[j];
            }
          }
        }
      } finally {
        java.util.Arrays.fill(r, (byte) 0);
      }
    }
    System.arraycopy(data, off, eb, psEnd + 1, len);
    return eb;
  }

  /**
   * Removes the padding from a k-byte block; returns {@code null} on any padding error. Runs in
   * time independent of where (or whether) the padding is wrong (RFC 8017 section 7.2.2, note:
   * "it is important that an opponent cannot distinguish the different error conditions"). Only
   * the length of the returned message is observable, as with SunJCE.
   */
  public static byte[] unpad(int blockType, byte[] eb) {
    int k = eb.length;
    // bad != 0 on any error; computed without data-dependent branches.
    int bad = (eb[0] & 0xff) | ((eb[1] & 0xff) ^ blockType);
    int sepIndex = 0; // index of the first 0x00 after EB[1], 0 if none
    int found = 0; // 1 once the separator is found
    for (int i = 2; i < k; i++) {
      int b = eb[i] & 0xff;
      int isZero = ((b - 1) >>> 31) & 1; // 1 iff b == 0
      int first = isZero & (found ^ 1);
      sepIndex |= -first & i;
      found |= isZero;
      // Type 1: every byte of PS must be 0xff.
      int notFf = ((b ^ 0xff) + 0xff) >>> 8 & 1; // 1 iff b != 0xff
      bad |= (blockType == BLOCK_TYPE_1 ? 1 : 0) & (found ^ 1) & notFf & (isZero ^ 1);
    }
    bad |= found ^ 1;
    // At least 8 bytes of PS: separator index >= 10.
    bad |= ((sepIndex - 10) >>> 31) & 1;
    int msgStart = found == 1 ? sepIndex + 1 : k;
    byte[] m = java.util.Arrays.copyOfRange(eb, Math.min(msgStart, k), k);
    if (bad != 0) {
      java.util.Arrays.fill(m, (byte) 0);
      return null;
    }
    return m;
  }
}
