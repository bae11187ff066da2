package dev.accel.rsa;

import dev.accel.router.IncrementalDigest;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * EMSA-PSS (RFC 8017 section 9.1) with MGF1 and trailer field 0xbc (trailerField 1).
 *
 * <p>{@code digest} hashes M' (and is the hash the caller used for mHash); {@code mgfDigest} is
 * the MGF1 hash. Both are left reset.
 */
public final class EmsaPss {
  private static final byte[] EIGHT_ZEROS = new byte[8];

  private EmsaPss() {}

  /** RFC 8017 section 9.1.1 step 3: emLen must be at least hLen + sLen + 2. */
  public static boolean keyLongEnough(int modulusBits, int hLen, int sLen) {
    int emLen = (modulusBits - 1 + 7) / 8;
    return (long) emLen >= (long) hLen + sLen + 2;
  }

  /**
   * EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) of {@code mHash}; {@code emBits = modBits - 1}.
   * Returns EM, {@code ceil(emBits/8)} bytes.
   */
  public static byte[] encode(
      byte[] mHash, int emBits, int sLen, IncrementalDigest digest, IncrementalDigest mgfDigest, SecureRandom random) {
    int hLen = mHash.length;
    int emLen = (emBits + 7) / 8;
    if (emLen < hLen + sLen + 2) {
      throw new IllegalArgumentException("encoding error"); // step 3; checked at init
    }
    byte[] salt = new byte[sLen];
    byte[] em = new byte[emLen];
    try {
      random.nextBytes(salt); // step 4
      // steps 5-6: H = Hash(0x00*8 || mHash || salt)
      digest.reset();
      digest.update(EIGHT_ZEROS, 0, 8);
      digest.update(mHash, 0, hLen);
      digest.update(salt, 0, sLen);
      int dbLen = emLen - hLen - 1;
      digest.digest(em, dbLen); // H placed after maskedDB
      // steps 7-8: DB = PS || 0x01 || salt
      em[dbLen - sLen - 1] = 0x01;
      System.arraycopy(salt, 0, em, dbLen - sLen, sLen);
      // steps 9-10: maskedDB = DB xor MGF(H, dbLen)
      Mgf1.generateAndXor(mgfDigest, em, dbLen, hLen, dbLen, em, 0);
      // step 11: clear the leftmost 8*emLen - emBits bits
      em[0] &= (byte) (0xff >>> (8 * emLen - emBits));
      em[emLen - 1] = (byte) 0xbc; // step 12
      return em;
    } finally {
      java.util.Arrays.fill(salt, (byte) 0);
    }
  }

  /**
   * EMSA-PSS-VERIFY (RFC 8017 section 9.1.2) of {@code mHash} against the RSAVP1 output {@code
   * m} (k bytes; the encoded message EM is its last {@code ceil(emBits/8)} bytes and, when emLen <
   * k, the leading byte must be zero, RFC 8017 section 8.1.2 step 2c).
   */
  public static boolean verify(
      byte[] mHash, byte[] m, int emBits, int sLen, IncrementalDigest digest, IncrementalDigest mgfDigest) {
    int hLen = mHash.length;
    int emLen = (emBits + 7) / 8;
    int off = m.length - emLen;
    if (off < 0 || off > 1 || (off == 1 && m[0] != 0)) {
      return false;
    }
    if (emLen < hLen + sLen + 2) { // step 3
      return false;
    }
    if (m[off + emLen - 1] != (byte) 0xbc) { // step 4
      return false;
    }
    int dbLen = emLen - hLen - 1;
    int zeroBits = 8 * emLen - emBits;
    if ((m[off] & (0xff << (8 - zeroBits)) & 0xff) != 0) { // step 6
      return false;
    }
    byte[] db = java.util.Arrays.copyOfRange(m, off, off + dbLen);
    Mgf1.generateAndXor(mgfDigest, m, off + dbLen, hLen, dbLen, db, 0); // steps 7-8
    db[0] &= (byte) (0xff >>> zeroBits); // step 9
    // step 10: PS must be zeros followed by 0x01
    int psLen = dbLen - sLen - 1;
    int bad = 0;
    for (int i = 0; i < psLen; i++) {
      bad |= db[i];
    }
    bad |= db[psLen] ^ 0x01;
    if (bad != 0) {
      return false;
    }
    // steps 12-14: H' = Hash(0x00*8 || mHash || salt), compare with H
    digest.reset();
    digest.update(EIGHT_ZEROS, 0, 8);
    digest.update(mHash, 0, hLen);
    digest.update(db, dbLen - sLen, sLen);
    byte[] hPrime = digest.digest();
    byte[] h = java.util.Arrays.copyOfRange(m, off + dbLen, off + dbLen + hLen);
    return MessageDigest.isEqual(h, hPrime);
  }
}
