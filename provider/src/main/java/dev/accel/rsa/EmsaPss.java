package dev.accel.rsa;

import dev.accel.engine.IncrementalDigest;
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
    byte[] em = new byte[(emBits + 7) / 8];
    encodeInto(mHash, emBits, sLen, digest, mgfDigest, random, em, 0, new byte[sLen]);
    return em;
  }

  /**
   * {@link #encode} into {@code out[outOff..outOff+emLen)}, which must be zero, with {@code salt}
   * ({@code sLen} bytes) as scratch for the salt (zeroed before returning), so that a signer can
   * reuse its buffers.
   */
  public static void encodeInto(
      byte[] mHash,
      int emBits,
      int sLen,
      IncrementalDigest digest,
      IncrementalDigest mgfDigest,
      SecureRandom random,
      byte[] out,
      int outOff,
      byte[] salt) {
    int hLen = mHash.length;
    int emLen = (emBits + 7) / 8;
    if (emLen < hLen + sLen + 2) {
      throw new IllegalArgumentException("encoding error"); // step 3; checked at init
    }
    try {
      random.nextBytes(salt); // step 4
      // steps 5-6: H = Hash(0x00*8 || mHash || salt)
      digest.reset();
      digest.update(EIGHT_ZEROS, 0, 8);
      digest.update(mHash, 0, hLen);
      digest.update(salt, 0, sLen);
      int dbLen = emLen - hLen - 1;
      digest.digest(out, outOff + dbLen); // H placed after maskedDB
      // steps 7-8: DB = PS || 0x01 || salt
      out[outOff + dbLen - sLen - 1] = 0x01;
      System.arraycopy(salt, 0, out, outOff + dbLen - sLen, sLen);
      // steps 9-10: maskedDB = DB xor MGF(H, dbLen)
      Mgf1.generateAndXor(mgfDigest, out, outOff + dbLen, hLen, dbLen, out, outOff);
      // step 11: clear the leftmost 8*emLen - emBits bits
      out[outOff] &= (byte) (0xff >>> (8 * emLen - emBits));
      out[outOff + emLen - 1] = (byte) 0xbc; // step 12
    } finally {
      java.util.Arrays.fill(salt, (byte) 0);
    }
  }

  /**
   * EMSA-PSS-VERIFY (RFC 8017 section 9.1.2) of {@code mHash} against the RSAVP1 output {@code
   * m} (k bytes; the encoded message EM is its last {@code ceil(emBits/8)} bytes and, when emLen <
   * k, the leading byte must be zero, RFC 8017 section 8.1.2 step 2c). {@code m} is unmasked in
   * place (its contents are undefined afterwards): callers pass the RSAVP1 output they own.
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
    // steps 7-8: DB = maskedDB xor MGF(H, dbLen), in place (H follows DB and is not touched)
    Mgf1.generateAndXor(mgfDigest, m, off + dbLen, hLen, dbLen, m, off);
    m[off] &= (byte) (0xff >>> zeroBits); // step 9
    // step 10: PS must be zeros followed by 0x01
    int psLen = dbLen - sLen - 1;
    int bad = 0;
    for (int i = 0; i < psLen; i++) {
      bad |= m[off + i];
    }
    bad |= m[off + psLen] ^ 0x01;
    if (bad != 0) {
      return false;
    }
    // steps 12-14: H' = Hash(0x00*8 || mHash || salt), compare with H
    digest.reset();
    digest.update(EIGHT_ZEROS, 0, 8);
    digest.update(mHash, 0, hLen);
    digest.update(m, off + dbLen - sLen, sLen);
    // H' goes over the start of DB (already checked and no longer needed; the salt was hashed)
    // when DB is at least hLen long, so that no buffer is allocated; compared in constant time.
    int hOff = off + dbLen;
    if (dbLen >= hLen) {
      digest.digest(m, off);
      int diff = 0;
      for (int i = 0; i < hLen; i++) {
        diff |= m[off + i] ^ m[hOff + i];
      }
      return diff == 0;
    }
    byte[] hPrime = digest.digest();
    return MessageDigest.isEqual(java.util.Arrays.copyOfRange(m, hOff, hOff + hLen), hPrime);
  }
}
