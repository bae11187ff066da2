package dev.accel.api;

import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * One AES-GCM message for {@link AccelCrypto} (NIST SP 800-38D): key, IV (nonce), tag length,
 * additional authenticated data and input (plaintext to seal, or ciphertext followed by the tag to
 * open). Arrays are not copied: do not modify them until the request completes.
 *
 * @param tagLenBytes 12..16 (96..128 bits, as {@code GCMParameterSpec} allows)
 * @param aad may be empty, never null
 */
public record GcmRequest(SecretKey key, byte[] iv, int tagLenBytes, byte[] aad, byte[] input) {
  public GcmRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(iv, "iv");
    Objects.requireNonNull(aad, "aad");
    Objects.requireNonNull(input, "input");
  }
}
