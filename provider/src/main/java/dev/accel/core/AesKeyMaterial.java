package dev.accel.core;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An AES key as the lower layers see it: a private copy of the raw key bytes, plus per-owner
 * caches (device sessions, expanded software keys) keyed by the owner object.
 *
 * <p>SPI classes create one per distinct {@link java.security.Key} object and reuse it while the
 * caller keeps passing the same key object (TLS re-initialises with the same key for every
 * record), so {@code getEncoded()} is read once. {@link #destroy()} wipes the bytes and releases
 * every cached derivative.
 */
public final class AesKeyMaterial implements AutoCloseable {
  private final byte[] key; // private copy; wiped by destroy()
  private final ConcurrentHashMap<Object, AutoCloseable> derived = new ConcurrentHashMap<>();
  private volatile boolean destroyed;

  /** Copies {@code key}; the caller keeps ownership of its array. Length must be 16, 24 or 32. */
  public AesKeyMaterial(byte[] key) {
    if (key == null || (key.length != 16 && key.length != 24 && key.length != 32)) {
      throw new IllegalArgumentException("AES key must be 16, 24 or 32 bytes");
    }
    this.key = key.clone();
  }

  /** The raw key. Callers must not modify or retain it. */
  public byte[] rawKey() {
    if (destroyed) {
      throw new IllegalStateException("key material destroyed");
    }
    return key;
  }

  public int lengthBytes() {
    return key.length;
  }

  /**
   * Returns the derivative cached for {@code owner} (a device queue, a software tier), creating it
   * with {@code factory} on first use.
   */
  @SuppressWarnings("unchecked")
  public <T extends AutoCloseable> T derived(Object owner, java.util.function.Function<AesKeyMaterial, T> factory) {
    return (T) derived.computeIfAbsent(owner, o -> factory.apply(this));
  }

  /**
   * The derivative already cached for {@code owner}, or null: the per-request fast path (no
   * lambda, no allocation); {@link #derived} creates it on a miss.
   */
  @SuppressWarnings("unchecked")
  public <T extends AutoCloseable> T cached(Object owner) {
    return (T) derived.get(owner);
  }

  /** Drops (and closes) the derivative cached for {@code owner}, e.g. when a device queue died. */
  public void forget(Object owner) {
    AutoCloseable c = derived.remove(owner);
    closeQuietly(c);
  }

  public boolean isDestroyed() {
    return destroyed;
  }

  /** Wipes the key and closes every derivative (device sessions wipe their own copies). */
  public void destroy() {
    destroyed = true;
    for (Object owner : derived.keySet()) {
      forget(owner);
    }
    Arrays.fill(key, (byte) 0);
  }

  @Override
  public void close() {
    destroy();
  }

  static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Releasing a cached derivative must never fail the caller.
      }
    }
  }
}
