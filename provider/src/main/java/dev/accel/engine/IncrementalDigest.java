package dev.accel.engine;

import dev.accel.core.DigestAlgorithm;

/**
 * A streaming hash computed by a software tier, in the shape padding code needs (PSS, OAEP, MGF1,
 * DigestInfo) and {@code Sha2Digest} streams into once a message is too long for a device.
 *
 * <p>Not thread-safe: one owner at a time, like {@link java.security.MessageDigest}.
 */
public interface IncrementalDigest {

  DigestAlgorithm algorithm();

  void update(byte input);

  void update(byte[] input, int offset, int len);

  /**
   * Writes the hash of everything fed since the last reset to {@code out[outOffset..]} (exactly
   * {@code algorithm().digestLenBytes()} bytes) and resets.
   */
  void digest(byte[] out, int outOffset);

  /** Returns the hash of everything fed since the last reset, and resets. */
  default byte[] digest() {
    byte[] out = new byte[algorithm().digestLenBytes()];
    digest(out, 0);
    return out;
  }

  void reset();

  /** An independent copy carrying the same intermediate state (for {@code clone()}). */
  IncrementalDigest copy();
}
