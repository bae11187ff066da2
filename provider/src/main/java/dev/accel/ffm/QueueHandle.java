package dev.accel.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sole owner of one {@code accel_queue *}. {@link #destroy(int)} cancels what is still in flight
 * and frees the queue and its sessions (key material wiped in native); after it returns the device
 * no longer touches any buffer of this queue's requests. A Cleaner destroys a forgotten queue.
 */
public final class QueueHandle implements AutoCloseable {
  private final DeviceHandle device;
  private final MemorySegment queue; // accel_queue *, zero-length
  private final int depth;
  private final State state;
  private final Cleaner.Cleanable cleanable;

  // Holds the DeviceHandle strongly so the device is never cleaned before its queues.
  private static final class State implements Runnable {
    final MemorySegment queue;
    final DeviceHandle device;
    final AtomicBoolean closed = new AtomicBoolean();
    volatile int drainMs;
    volatile int destroyStatus;

    State(MemorySegment queue, DeviceHandle device) {
      this.queue = queue;
      this.device = device;
    }

    @Override
    public void run() {
      if (closed.compareAndSet(false, true)) {
        destroyStatus = Shim.queueDestroy(queue, drainMs);
      }
    }
  }

  private QueueHandle(DeviceHandle device, MemorySegment queue, int depth) {
    this.device = device;
    this.queue = queue;
    this.depth = depth;
    this.state = new State(queue, device);
    this.cleanable = NativeCleaner.register(this, state);
  }

  static QueueHandle create(DeviceHandle device, int depth) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment out = arena.allocate(Layouts.C_POINTER);
      int rc = Shim.queueCreate(device.address(), depth, out);
      NativeStatus.check(rc, "accel_queue_create(depth " + depth + ")");
      MemorySegment q = out.get(Layouts.C_POINTER, 0);
      if (q.equals(MemorySegment.NULL)) {
        throw new NativeException(NativeStatus.ENOMEM, "accel_queue_create returned NULL");
      }
      return new QueueHandle(device, q, depth);
    }
  }

  public DeviceHandle device() {
    return device;
  }

  /** Ring entries (usable depth is one less). */
  public int depth() {
    return depth;
  }

  public boolean isClosed() {
    return state.closed.get();
  }

  /** The raw {@code accel_queue *} for {@link NativeQueue}'s synchronous calls. */
  MemorySegment segment() {
    return q();
  }

  private MemorySegment q() {
    if (state.closed.get()) {
      throw new IllegalStateException("queue handle closed");
    }
    return queue;
  }

  /** accel_submit; {@code accepted} is a uint32_t out-parameter. */
  public int submit(MemorySegment descs, int n, MemorySegment accepted) {
    return Shim.submit(q(), descs, n, accepted);
  }

  /** accel_reap; never blocks. */
  public int reap(MemorySegment cqes, int max, MemorySegment got) {
    return Shim.reap(q(), cqes, max, got);
  }

  /** accel_wait: blocks up to {@code timeoutMs}; reaper platform thread only. */
  public int await(int timeoutMs) {
    return Shim.await(q(), timeoutMs);
  }

  /** accel_wait_n: blocks until {@code minNr} completions (or one at the timeout); reaper only. */
  public int awaitN(int minNr, int timeoutMs) {
    return Shim.awaitN(q(), minNr, timeoutMs);
  }

  /** accel_wait_limit: {@code nr} completions wake the current (or next) wait; never blocks. */
  public int limitWait(int nr) {
    return Shim.waitLimit(q(), nr);
  }

  public int inflight() {
    return Shim.queueInflight(q());
  }

  public int eventfd() {
    return Shim.queueEventfd(q());
  }

  /** accel_session_create; {@code outSession} is a uint64_t out-parameter. */
  public int sessionCreate(int family, MemorySegment key, int keyLen, MemorySegment outSession) {
    return Shim.sessionCreate(q(), family, key, keyLen, outSession);
  }

  public int sessionDestroy(long session) {
    return Shim.sessionDestroy(q(), session);
  }

  /**
   * Destroys the queue, waiting up to {@code drainMs} for in-flight requests; idempotent. Returns
   * the shim's status of the (first) destroy.
   */
  public int destroy(int drainMs) {
    state.drainMs = drainMs;
    cleanable.clean();
    return state.destroyStatus;
  }

  @Override
  public void close() {
    destroy(0);
  }
}
