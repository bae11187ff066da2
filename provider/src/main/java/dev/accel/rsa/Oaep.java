package dev.accel.rsa;

import dev.accel.engine.IncrementalDigest;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * EME-OAEP (RFC 8017 section 7.1.1 step 2 and 7.1.2 step 3) with MGF1.
 *
 * <p>An instance holds lHash (the hash of the label) and the MGF1 digest for one key size.
 */
public final class Oaep {
  private final int k; // modulus length in bytes
  private final byte[] lHash; // Hash(L)
  private final IncrementalDigest mgfDigest;

  /**
   * @param labelDigest the OAEP hash (used for lHash only)
   * @param label L, possibly empty
   */
  public Oaep(int k, IncrementalDigest labelDigest, byte[] label, IncrementalDigest mgfDigest) {
    this.k = k;
    labelDigest.reset();
    labelDigest.update(label, 0, label.length);
    this.lHash = labelDigest.digest();
    this.mgfDigest = mgfDigest;
  }

  /** RFC 8017 section 7.1.1 step 1b: mLen must not exceed {@code k - 2hLen - 2}. */
  public static int maxDataBytes(int k, int hLen) {
    return k - 2 * hLen - 2;
  }

  public int maxDataBytes() {
    return maxDataBytes(k, lHash.length);
  }

  /** EME-OAEP encoding (RFC 8017 section 7.1.1 step 2); {@code len <= maxDataBytes()}. */
  public byte[] encode(byte[] m, int off, int len, SecureRandom random) {
    int hLen = lHash.length;
    if (len > maxDataBytes()) {
      throw new IllegalArgumentException("message too long");
    }
    // EM = 0x00 || maskedSeed || maskedDB, DB = lHash || PS || 0x01 || M
    byte[] em = new byte[k];
    byte[] seed = new byte[hLen];
    try {
      random.nextBytes(seed);
      System.arraycopy(seed, 0, em, 1, hLen);
      int dbStart = 1 + hLen;
      int dbLen = k - hLen - 1;
      System.arraycopy(lHash, 0, em, dbStart, hLen);
      em[k - len - 1] = 0x01;
      System.arraycopy(m, off, em, k - len, len);
      Mgf1.generateAndXor(mgfDigest, seed, 0, hLen, dbLen, em, dbStart); // maskedDB
      Mgf1.generateAndXor(mgfDigest, em, dbStart, dbLen, hLen, em, 1); // maskedSeed
      return em;
    } finally {
      java.util.Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * EME-OAEP decoding (RFC 8017 section 7.1.2 step 3). Returns {@code null} on any error; the
   * checks run without data-dependent branches so that the failing condition is not observable
   * (RFC 8017 section 7.1.2 note, Manger's attack). {@code em} (k bytes) is overwritten.
   */
  public byte[] decode(byte[] em) {
    int hLen = lHash.length;
    if (em.length != k || k < 2 * hLen + 2) {
      return null;
    }
    int dbStart = 1 + hLen;
    int dbLen = k - hLen - 1;
    Mgf1.generateAndXor(mgfDigest, em, dbStart, dbLen, hLen, em, 1); // seed
    Mgf1.generateAndXor(mgfDigest, em, 1, hLen, dbLen, em, dbStart); // DB
    int bad = em[0] & 0xff;
    byte[] lHashPrime = java.util.Arrays.copyOfRange(em, dbStart, dbStart + hLen);
    bad |= MessageDigest.isEqual(lHashPrime, lHash) ? 0 : 1;
    int onePos = 0;
    int found = 0;
    for (int i = dbStart + hLen; i < k; i++) {
      int b = em[i] & 0xff;
      int isOne = (((b ^ 1) - 1) >>> 31) & 1;
      int isZero = ((b - 1) >>> 31) & 1;
      int notFound = found ^ 1;
      onePos |= -(isOne & notFound) & i;
      // before the 0x01 every byte must be 0x00
      bad |= (notFound & (isOne | isZero)) ^ notFound;
      found |= isOne;
    }
    bad |= found ^ 1;
    int mStart = found == 1 ? onePos + 1 : k;
    byte[] m = java.util.Arrays.copyOfRange(em, mStart, k);
    if (bad != 0) {
      java.util.Arrays.fill(m, (byte) 0);
      return null;
    }
    return m;
  }
}
