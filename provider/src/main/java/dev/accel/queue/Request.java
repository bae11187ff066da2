package dev.accel.queue;

import dev.accel.ffm.Descriptor;
import dev.accel.ffm.NativeBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One device request: a pooled device-visible buffer and the descriptor that points into it
 * ({@link Descriptor}), plus the queue's bookkeeping: its state, waiter, tag and pinned session.
 *
 * <p>Ownership: the caller fills the buffer and descriptor, calls {@link DeviceQueue#execute}, reads
 * the results, and always ends with {@link DeviceQueue#release}. If the request timed out or its
 * queue died, release does not free the buffer: the queue keeps it until the device's completion
 * arrives or the queue is destroyed, because the device may still write into it.
 */
public final class Request extends Descriptor {
  static final int NEW = 0; // not given to the device; the caller owns the buffer
  static final int SUBMITTED = 1; // the device owns the buffer
  static final int COMPLETED = 2; // reaped; the caller owns the buffer again
  static final int ABANDONED = 3; // the caller gave up; the queue frees it on completion/destroy
  static final int QUEUED = 4; // pending (not yet accepted by the ring); its caller may withdraw it

  final AtomicInteger state = new AtomicInteger(NEW);
  volatile Thread waiter;
  long tag;
  long queuedAt; // nanoTime of enqueue
  boolean onDevice; // accepted by the ring (set under the submit lock before the counter moves)
  final AtomicBoolean offDevice = new AtomicBoolean();
  volatile long busyDeadline; // 0 until the ring first refused it; then when a queued request is withdrawn (BUSY)
  Session session; // pinned while in flight
  Waiting.Group group; // the submitAll this request came with, or null
  volatile long parkDeadline; // the untimed-parked waiter's deadline, or 0 (Reaper.expireWaiters)
  volatile boolean quarantined; // counted in its queue's quarantine (DeviceQueue#quarantine)

  Request(NativeBuffer buffer) {
    super(buffer);
  }

  /** Records the completion (before the state CAS publishes it). */
  void completed(int status, int outLen, int detail) {
    complete(status, outLen, detail);
  }

  /** True once the request was handed to its queue (queued, submitted or completed). */
  public boolean isQueued() {
    return state.get() != NEW;
  }
}
