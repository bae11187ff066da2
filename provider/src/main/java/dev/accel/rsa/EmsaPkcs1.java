package dev.accel.rsa;

import dev.accel.core.DigestAlgorithm;
import java.util.EnumMap;
import java.util.Map;

/**
 * EMSA-PKCS1-v1_5 (RFC 8017 section 9.2): {@code EM = 0x00 || 0x01 || PS(0xff...) || 0x00 || T},
 * where T is the DER DigestInfo of the hash. The DigestInfo prefixes are those listed in RFC 8017
 * section 9.2, note 1 (plus SHA-512/224 and SHA-512/256, same construction).
 *
 * <p>Verification re-encodes and compares the whole block in constant time (RFC 8017 section
 * 8.2.2 step 4), as SunRsaSign does; like SunRsaSign it also accepts a DigestInfo whose
 * AlgorithmIdentifier omits the NULL parameters (RFC 8017 section 9.2 note 2 allows both).
 */
public final class EmsaPkcs1 {
  /** DER of {@code DigestInfo} up to (excluding) the hash value, with NULL parameters. */
  private static final Map<DigestAlgorithm, byte[]> PREFIX = new EnumMap<>(DigestAlgorithm.class);
  /** The same without the NULL parameters. */
  private static final Map<DigestAlgorithm, byte[]> PREFIX_NO_NULL = new EnumMap<>(DigestAlgorithm.class);

  static {
    for (DigestAlgorithm d : DigestAlgorithm.values()) {
      PREFIX.put(d, prefix(d, true));
      PREFIX_NO_NULL.put(d, prefix(d, false));
    }
  }

  private EmsaPkcs1() {}

  private static byte[] prefix(DigestAlgorithm d, boolean withNull) {
    byte[] algId = withNull ? Der.sequence(Der.oid(d.oid()), Der.nullValue()) : Der.sequence(Der.oid(d.oid()));
    byte[] full = Der.sequence(algId, Der.tlv(Der.OCTET_STRING, new byte[d.digestLenBytes()]));
    return java.util.Arrays.copyOf(full, full.length - d.digestLenBytes());
  }

  /** The DigestInfo prefix for {@code d} (a copy). */
  public static byte[] digestInfoPrefix(DigestAlgorithm d) {
    return PREFIX.get(d).clone();
  }

  /** Length of T (the DigestInfo) for {@code d}. */
  public static int digestInfoLength(DigestAlgorithm d) {
    return PREFIX.get(d).length + d.digestLenBytes();
  }

  /**
   * EMSA-PKCS1-v1_5-ENCODE (RFC 8017 section 9.2 steps 2-5) of an already computed hash into
   * {@code emLen} bytes. Returns {@code null} when {@code emLen < tLen + 11} ("intended encoded
   * message length too short"); callers check that at init time.
   */
  public static byte[] encode(DigestAlgorithm d, byte[] hash, int emLen) {
    return encode(PREFIX.get(d), hash, emLen);
  }

  private static byte[] encode(byte[] prefix, byte[] hash, int emLen) {
    int tLen = prefix.length + hash.length;
    if (emLen < tLen + 11) {
      return null;
    }
    byte[] em = new byte[emLen];
    encodeInto(prefix, hash, em);
    return em;
  }

  /**
   * {@link #encode(DigestAlgorithm, byte[], int)} into {@code em} (all of it, {@code emLen =
   * em.length}), so that a signer can reuse one buffer. Returns false (and writes nothing) when
   * {@code em} is too short.
   */
  public static boolean encodeInto(DigestAlgorithm d, byte[] hash, byte[] em) {
    byte[] prefix = PREFIX.get(d);
    if (em.length < prefix.length + hash.length + 11) {
      return false;
    }
    encodeInto(prefix, hash, em);
    return true;
  }

  private static void encodeInto(byte[] prefix, byte[] hash, byte[] em) {
    int emLen = em.length;
    int tLen = prefix.length + hash.length;
    em[0] = 0x00;
    em[1] = 0x01;
    int psEnd = emLen - tLen - 1;
    java.util.Arrays.fill(em, 2, psEnd, (byte) 0xff);
    em[psEnd] = 0x00;
    System.arraycopy(prefix, 0, em, psEnd + 1, prefix.length);
    System.arraycopy(hash, 0, em, psEnd + 1 + prefix.length, hash.length);
  }

  /**
   * RSASSA-PKCS1-V1_5-VERIFY steps 3-4 (RFC 8017 section 8.2.2): {@code em} is the RSAVP1 output
   * (k bytes). Compares against both DigestInfo forms in constant time (every byte of {@code em}
   * is looked at for both, whatever the outcome), without building either encoding.
   */
  public static boolean verify(DigestAlgorithm d, byte[] hash, byte[] em) {
    return verify(d, hash, 0, hash.length, em);
  }

  /** {@link #verify(DigestAlgorithm, byte[], byte[])} with the hash at {@code hash[hashOff..+hashLen)}. */
  public static boolean verify(DigestAlgorithm d, byte[] hash, int hashOff, int hashLen, byte[] em) {
    int ok = matches(PREFIX.get(d), hash, hashOff, hashLen, em);
    int ok2 = matches(PREFIX_NO_NULL.get(d), hash, hashOff, hashLen, em);
    return (ok | ok2) != 0;
  }

  /** 1 when {@code em} equals EMSA-PKCS1-v1_5(prefix || hash), else 0; time depends on lengths only. */
  private static int matches(byte[] prefix, byte[] hash, int hashOff, int hashLen, byte[] em) {
    int emLen = em.length;
    int tLen = prefix.length + hashLen;
    if (emLen < tLen + 11) {
      return 0;
    }
    int psEnd = emLen - tLen - 1;
    int diff = em[0] | (em[1] ^ 0x01) | em[psEnd];
    for (int i = 2; i < psEnd; i++) {
      diff |= em[i] ^ (byte) 0xff;
    }
    int off = psEnd + 1;
    for (int i = 0; i < prefix.length; i++) {
      diff |= em[off + i] ^ prefix[i];
    }
    off += prefix.length;
    for (int i = 0; i < hashLen; i++) {
      diff |= em[off + i] ^ hash[hashOff + i];
    }
    return ((diff & 0xff) - 1) >>> 31; // 1 iff diff == 0
  }
}
