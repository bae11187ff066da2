package dev.accel.engine;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import java.util.Objects;
import javax.crypto.BadPaddingException;

/**
 * One cryptographic request as every engine sees it: built and validated once, in the SPI class
 * that received the JCA call, then handed unchanged to whichever engine the router picks (and to
 * the next one if that fails). Immutable in its fields; the arrays it names are the caller's and
 * stay the caller's (an engine writes only {@code out}).
 *
 * <p>The constructors check what native code relies on (non-null arrays, ranges inside their
 * arrays, room for the result) and throw {@link NullPointerException} or {@link
 * IllegalArgumentException}; JCA-level rules (tag lengths, IV reuse, padding) are the SPI's job
 * and come first.
 */
public sealed interface Op permits Op.GcmSeal, Op.GcmOpen, Op.Digest, Op.RsaPrivate, Op.RsaPublic {

  /** What an op does, for routing tables and counters (indexable by {@link #ordinal()}). */
  enum Kind {
    GCM_SEAL("AES-GCM-encrypt"),
    GCM_OPEN("AES-GCM-decrypt"),
    SHA224("SHA-224"),
    SHA256("SHA-256"),
    SHA384("SHA-384"),
    SHA512("SHA-512"),
    /** Hashes no device computes (padding code and JCA digests): software engines and the cpu device's JVM kernel. */
    SHA1("SHA-1"),
    SHA512_224("SHA-512/224"),
    SHA512_256("SHA-512/256"),
    RSA_PRIVATE("RSA-private"),
    RSA_PUBLIC("RSA-public");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The counter label (JCA-style name). */
    public String label() {
      return label;
    }

    public static Kind of(DigestAlgorithm alg) {
      return switch (alg) {
        case SHA224 -> SHA224;
        case SHA256 -> SHA256;
        case SHA384 -> SHA384;
        case SHA512 -> SHA512;
        case SHA1 -> SHA1;
        case SHA512_224 -> SHA512_224;
        case SHA512_256 -> SHA512_256;
      };
    }

    public boolean isDigest() {
      return this == SHA224 || this == SHA256 || this == SHA384 || this == SHA512
          || this == SHA1 || this == SHA512_224 || this == SHA512_256;
    }

    public boolean isGcm() {
      return this == GCM_SEAL || this == GCM_OPEN;
    }

    public boolean isRsa() {
      return this == RSA_PRIVATE || this == RSA_PUBLIC;
    }
  }

  Kind kind();

  /** Bytes the op processes (payload + AAD for GCM, message for digests, modulus for RSA). */
  long sizeBytes();

  /** Bytes a successful run writes to its output. */
  int resultBytes();

  /**
   * AES-GCM authenticated encryption (NIST SP 800-38D section 7.1): {@code inLen} bytes of
   * ciphertext then the {@code tagLenBytes}-byte tag at {@code out[outOff..]}. {@code out} may
   * overlap {@code in}: engines copy the result out only when it is complete.
   */
  record GcmSeal(
      AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff) implements Op {
    public GcmSeal {
      checkGcm(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen);
      checkOut(out, outOff, inLen + tagLenBytes);
    }

    @Override
    public Kind kind() {
      return Kind.GCM_SEAL;
    }

    @Override
    public long sizeBytes() {
      return (long) inLen + aadLen;
    }

    @Override
    public int resultBytes() {
      return inLen + tagLenBytes;
    }
  }

  /**
   * AES-GCM authenticated decryption (NIST SP 800-38D section 7.2): {@code in[inOff..inOff+inLen)}
   * is ciphertext followed by the tag. An engine writes {@code inLen - tagLenBytes} bytes of
   * plaintext only when the tag verifies; otherwise it throws {@link
   * javax.crypto.AEADBadTagException} and {@code out} is untouched.
   */
  record GcmOpen(
      AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff) implements Op {
    public GcmOpen {
      checkGcm(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen);
      if (inLen < tagLenBytes) {
        throw new IllegalArgumentException(
            "GCM input of " + inLen + " bytes is shorter than the " + tagLenBytes + "-byte tag");
      }
      checkOut(out, outOff, inLen - tagLenBytes);
    }

    @Override
    public Kind kind() {
      return Kind.GCM_OPEN;
    }

    /** Ciphertext bytes, without the tag. */
    public int dataLen() {
      return inLen - tagLenBytes;
    }

    @Override
    public long sizeBytes() {
      return (long) dataLen() + aadLen;
    }

    @Override
    public int resultBytes() {
      return dataLen();
    }
  }

  /** One-shot hash (FIPS 180-4) of {@code in[off..off+len)} into {@code out[outOff..]}. */
  record Digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) implements Op {
    public Digest {
      Objects.requireNonNull(alg, "alg");
      checkRange("in", in, off, len);
      checkOut(out, outOff, alg.digestLenBytes());
    }

    @Override
    public Kind kind() {
      return Kind.of(alg);
    }

    @Override
    public long sizeBytes() {
      return len;
    }

    @Override
    public int resultBytes() {
      return alg.digestLenBytes();
    }
  }

  /**
   * RSADP / RSASP1 (RFC 8017 sections 5.1.2 and 5.2.1), raw: {@code input} is exactly {@code
   * key.modulusBytes()} long and below the modulus; the result ({@code key.modulusBytes()} bytes)
   * goes to {@code out}. Build with {@link #of}, which checks the input against the modulus.
   */
  record RsaPrivate(RsaKeyMaterial key, byte[] input, byte[] out) implements Op {
    public RsaPrivate {
      checkRsa(key, input, out);
      if (!key.isPrivate()) {
        throw new IllegalArgumentException("an RSA private-key operation needs a private key");
      }
    }

    /**
     * @throws BadPaddingException "Message is larger than modulus" (SunJCE's text) when the
     *     input is not below n (RFC 8017 section 5.1.2 step 1)
     */
    public static RsaPrivate of(RsaKeyMaterial key, byte[] input) throws BadPaddingException {
      checkBelowModulus(key, input);
      return new RsaPrivate(key, input, new byte[key.modulusBytes()]);
    }

    @Override
    public Kind kind() {
      return Kind.RSA_PRIVATE;
    }

    @Override
    public long sizeBytes() {
      return key.modulusBytes();
    }

    @Override
    public int resultBytes() {
      return key.modulusBytes();
    }
  }

  /** RSAEP / RSAVP1 (RFC 8017 sections 5.1.1 and 5.2.2), raw; same length rules. */
  record RsaPublic(RsaKeyMaterial key, byte[] input, byte[] out) implements Op {
    public RsaPublic {
      checkRsa(key, input, out);
      if (key.publicExponent() == null) {
        throw new IllegalArgumentException("an RSA public-key operation needs the public exponent");
      }
    }

    /** @throws BadPaddingException when the input is not below n (RFC 8017 5.1.1 step 1) */
    public static RsaPublic of(RsaKeyMaterial key, byte[] input) throws BadPaddingException {
      checkBelowModulus(key, input);
      return new RsaPublic(key, input, new byte[key.modulusBytes()]);
    }

    @Override
    public Kind kind() {
      return Kind.RSA_PUBLIC;
    }

    @Override
    public long sizeBytes() {
      return key.modulusBytes();
    }

    @Override
    public int resultBytes() {
      return key.modulusBytes();
    }
  }

  // ---- shared checks ------------------------------------------------------------------------

  /** {@code a[off..off+len)} must exist: NPE for a null array, IAE otherwise (overflow-safe). */
  static void checkRange(String what, byte[] a, int off, int len) {
    Objects.requireNonNull(a, what);
    if (off < 0 || len < 0 || off > a.length - len) {
      throw new IllegalArgumentException(
          what + " range [" + off + ", " + off + " + " + len + ") outside its array of " + a.length + " bytes");
    }
  }

  private static void checkOut(byte[] out, int outOff, int n) {
    Objects.requireNonNull(out, "out");
    if (outOff < 0 || outOff > out.length - n) {
      throw new IllegalArgumentException(
          "out has no room for " + n + " bytes at offset " + outOff + " (length " + out.length + ")");
    }
  }

  private static void checkGcm(
      AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(iv, "iv");
    if (iv.length == 0) {
      throw new IllegalArgumentException("GCM IV must not be empty"); // SP 800-38D 5.2.1.1
    }
    if (tagLenBytes < 4 || tagLenBytes > 16) {
      throw new IllegalArgumentException("GCM tag length " + tagLenBytes + " outside [4, 16] bytes");
    }
    if (aad == null) {
      if (aadOff != 0 || aadLen != 0) {
        throw new NullPointerException("aad is null but aadLen (" + aadLen + ") or aadOff is non-zero");
      }
    } else {
      checkRange("aad", aad, aadOff, aadLen);
    }
    checkRange("in", in, inOff, inLen);
  }

  private static void checkRsa(RsaKeyMaterial key, byte[] input, byte[] out) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(out, "out");
    int k = key.modulusBytes();
    if (input.length != k || out.length != k) {
      throw new IllegalArgumentException(
          "RSA input and output must be exactly " + k + " bytes, got " + input.length + " and " + out.length);
    }
  }

  private static void checkBelowModulus(RsaKeyMaterial key, byte[] input) throws BadPaddingException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(input, "input");
    if (input.length != key.modulusBytes()) {
      throw new IllegalArgumentException(
          "RSA input must be exactly " + key.modulusBytes() + " bytes, got " + input.length);
    }
    if (!key.isBelowModulus(input)) {
      throw new BadPaddingException("Message is larger than modulus");
    }
  }
}
