package dev.accel.soft;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.router.IncrementalDigest;
import javax.crypto.AEADBadTagException;

/**
 * The software tier: the implementation that serves every request no device takes, and re-runs
 * every request a device failed. It never fails because a device failed, and it receives only
 * requests the SPI layer and the router already validated (key sizes, tag lengths, bounds, RSA
 * input below the modulus).
 *
 * <p>Implementations are thread-safe and stateless per call.
 */
public interface SoftwareTier {

  /** Label used in route counters, e.g. {@code bc}, {@code jdk}, {@code native}. */
  String name();

  /**
   * One-shot AES-GCM authenticated encryption (NIST SP 800-38D section 7.1): writes {@code inLen}
   * bytes of ciphertext and then the {@code tagLenBytes}-byte tag at {@code out[outOff..]}, returns
   * {@code inLen + tagLenBytes}. {@code out} may overlap {@code in} or {@code aad}.
   */
  int gcmSeal(
      AesKeyMaterial key,
      byte[] iv,
      int tagLenBytes,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff);

  /**
   * One-shot AES-GCM authenticated decryption (NIST SP 800-38D section 7.2): {@code in} holds the
   * ciphertext followed by the tag. Writes {@code inLen - tagLenBytes} bytes of plaintext only if
   * the tag verifies; otherwise throws and leaves {@code out} untouched.
   */
  int gcmOpen(
      AesKeyMaterial key,
      byte[] iv,
      int tagLenBytes,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws AEADBadTagException;

  /** One-shot hash of {@code in[off..off+len)} into {@code out[outOff..]}. */
  void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff);

  IncrementalDigest newDigest(DigestAlgorithm alg);

  /**
   * RSADP / RSASP1 (RFC 8017 sections 5.1.2 and 5.2.1) with blinding. {@code input} is exactly
   * {@code key.modulusBytes()} long and its value is below the modulus; returns {@code
   * key.modulusBytes()} bytes. A multi-prime key is computed with its private exponent, never as a
   * two-prime CRT key.
   */
  byte[] rsaPrivate(RsaKeyMaterial key, byte[] input);

  /** RSAEP / RSAVP1 (RFC 8017 sections 5.1.1 and 5.2.2); same length rules. */
  byte[] rsaPublic(RsaKeyMaterial key, byte[] input);
}
