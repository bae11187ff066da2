package dev.accel.api;

import java.security.PrivateKey;
import java.security.spec.AlgorithmParameterSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Accel's explicit batch and asynchronous API, for callers that hold many messages at once (a TLS
 * server signing handshakes for many connections, a record layer sealing many records, a log
 * shipper). Obtain it from {@code AccelProvider#crypto()}.
 *
 * <p>Results are exactly those of the JCA services of the same provider (same routing, same
 * fallback): on a device the messages of one call are submitted together, on software tiers the
 * same contract runs message by message. Failures that JCA would report as exceptions complete
 * the corresponding future exceptionally with the same exception type (for example {@link
 * javax.crypto.AEADBadTagException}); a device error never reaches the caller.
 */
public interface AccelCrypto {

  /** Seals one message; the result is ciphertext followed by the tag. */
  CompletableFuture<byte[]> sealAsync(GcmRequest request);

  /** Opens one message (input = ciphertext followed by the tag); the result is the plaintext. */
  CompletableFuture<byte[]> openAsync(GcmRequest request);

  /** Seals every message in one submission; element i of the result belongs to request i. */
  List<CompletableFuture<byte[]>> sealAll(List<GcmRequest> requests);

  /** Opens every message in one submission; element i of the result belongs to request i. */
  List<CompletableFuture<byte[]>> openAll(List<GcmRequest> requests);

  /**
   * Digests every message; element i is the digest of message i.
   *
   * @param algorithm {@code SHA-224}, {@code SHA-256}, {@code SHA-384} or {@code SHA-512}
   * @throws java.security.NoSuchAlgorithmException for any other name
   */
  List<byte[]> digestAll(String algorithm, List<byte[]> messages) throws java.security.NoSuchAlgorithmException;

  /**
   * Signs one message with a JCA signature algorithm of this provider ({@code SHA256withRSA},
   * {@code RSASSA-PSS} with a {@code PSSParameterSpec}, ...). {@code params} may be null.
   */
  CompletableFuture<byte[]> signAsync(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, byte[] message);

  /** Signs every message with the same key and algorithm in one submission. */
  List<CompletableFuture<byte[]>> signAll(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, List<byte[]> messages);

  /**
   * Signs precomputed digests (PKCS#1 v1.5 wraps each in its DigestInfo; PSS encodes it), for
   * callers that hash elsewhere. {@code algorithm} names the signature scheme as in {@link
   * #signAsync}; each digest's length must match its hash.
   */
  List<CompletableFuture<byte[]>> signDigests(
      PrivateKey key, String algorithm, AlgorithmParameterSpec params, List<byte[]> digests);
}
