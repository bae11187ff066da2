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
    em[1] = 0x01;
    int psEnd = emLen - tLen - 1;
    for (int i = 2; i < psEnd; i++) {
      em[i] = (byte) 0xff;
    }
    System.arraycopy(prefix, 0, em, psEnd + 1, prefix.length);
    System.arraycopy(hash, 0, em, psEnd + 1 + prefix.length, hash.length);
    return em;
  }

  /**
   * RSASSA-PKCS1-V1_5-VERIFY steps 3-4 (RFC 8017 section 8.2.2): {@code em} is the RSAVP1 output
   * (k bytes). Compares against both DigestInfo forms in constant time.
   */
  public static boolean verify(DigestAlgorithm d, byte[] hash, byte[] em) {
    byte[] expected = encode(PREFIX.get(d), hash, em.length);
    byte[] alternative = encode(PREFIX_NO_NULL.get(d), hash, em.length);
    boolean ok = expected != null && java.security.MessageDigest.isEqual(expected, em);
    boolean ok2 = alternative != null && java.security.MessageDigest.isEqual(alternative, em);
    return ok | ok2;
  }
}
