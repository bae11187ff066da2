package dev.accel.queue;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.RsaKeyMaterial;
import java.lang.ref.Cleaner;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Key material bound to one {@link DeviceQueue} (an {@code accel_session_create} id), cached on
 * the key object through {@code AesKeyMaterial.derived(queue, ...)} / {@code
 * RsaKeyMaterial.derived(queue, ...)}.
 *
 * <p>The native session is destroyed (and its key copy wiped) when the key is destroyed ({@link
 * #close()}), when this object becomes unreachable (Cleaner), or when the queue is destroyed —
 * whichever comes first, and never while a request that uses it is in flight (the shim requires
 * that): a close requested while requests are in flight is carried out by the last completion.
 */
public final class Session implements AutoCloseable {
  final State state;
  private final Cleaner.Cleanable cleanable;

  /** Everything the cleaner needs; never references the Session or the key strongly. */
  static final class State implements Runnable {
    final DeviceQueue queue;
    final long id;
    final WeakReference<Object> key; // AesKeyMaterial or RsaKeyMaterial, to forget(queue)
    final AtomicInteger inflight = new AtomicInteger();
    final AtomicBoolean destroyed = new AtomicBoolean();
    volatile boolean closeRequested;

    State(DeviceQueue queue, long id, Object key) {
      this.queue = queue;
      this.id = id;
      this.key = new WeakReference<>(key);
    }

    @Override
    public void run() {
      closeRequested = true;
      if (inflight.get() == 0) {
        destroyNative();
      }
    }

    void release() {
      if (inflight.decrementAndGet() == 0 && closeRequested) {
        destroyNative();
      }
    }

    void destroyNative() {
      if (destroyed.compareAndSet(false, true)) {
        queue.destroySession(this);
      }
    }

    /** The queue was destroyed: native already wiped the key; drop the key's cache entry. */
    void queueDestroyed() {
      destroyed.set(true);
      Object k = key.get();
      if (k instanceof AesKeyMaterial a) {
        a.forget(queue);
      } else if (k instanceof RsaKeyMaterial r) {
        r.forget(queue);
      }
    }
  }

  Session(DeviceQueue queue, long id, Object key) {
    this.state = new State(queue, id, key);
    this.cleanable = dev.accel.ffm.NativeCleaner.register(this, state);
  }

  /** The shim's session id. */
  public long id() {
    return state.id;
  }

  /** True once the native session is gone. */
  public boolean isDestroyed() {
    return state.destroyed.get();
  }

  /** Pins the session for one request; false if it is closing (the caller must not use it). */
  boolean retain() {
    state.inflight.incrementAndGet();
    if (state.closeRequested || state.destroyed.get()) {
      state.release();
      return false;
    }
    return true;
  }

  /** Destroys the native session now, or after its in-flight requests complete. Idempotent. */
  @Override
  public void close() {
    cleanable.clean();
  }
}
