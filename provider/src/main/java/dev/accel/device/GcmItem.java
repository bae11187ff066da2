package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import java.util.Objects;

/**
 * One AES-GCM message of a device batch (NIST SP 800-38D): {@code input} is the plaintext to seal,
 * or ciphertext followed by the {@code tagLenBytes}-byte tag to open.
 */
public record GcmItem(AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, byte[] input) {
  public GcmItem {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(iv, "iv");
    Objects.requireNonNull(aad, "aad");
    Objects.requireNonNull(input, "input");
  }
}
