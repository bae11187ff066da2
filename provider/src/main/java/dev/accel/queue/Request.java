package dev.accel.queue;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One device request: a pooled device-visible buffer plus the descriptor fields that point into
 * it (offsets relative to {@link #buffer()}), and its completion.
 *
 * <p>Ownership: the caller fills the buffer and descriptor, calls {@link DeviceQueue#execute}, reads
 * the results, and always ends with {@link DeviceQueue#release}. If the request timed out or its
 * queue died, release does not free the buffer: the queue keeps it until the device's completion
 * arrives or the queue is destroyed, because the device may still write into it.
 */
public final class Request {
  static final int NEW = 0; // not given to the device; the caller owns the buffer
  static final int SUBMITTED = 1; // the device owns the buffer
  static final int COMPLETED = 2; // reaped; the caller owns the buffer again
  static final int ABANDONED = 3; // the caller gave up; the queue frees it on completion/destroy
  static final int QUEUED = 4; // pending (not yet accepted by the ring); its caller may withdraw it

  final MemorySegment buffer;
  final AtomicInteger state = new AtomicInteger(NEW);
  volatile Thread waiter;
  long tag;
  long queuedAt; // nanoTime of enqueue
  boolean onDevice; // accepted by the ring (set under the submit lock before the counter moves)
  final java.util.concurrent.atomic.AtomicBoolean offDevice = new java.util.concurrent.atomic.AtomicBoolean();
  volatile long busyDeadline; // 0 until the ring first refused the request // nanoTime after which a still-queued request is withdrawn (BUSY)
  Session session; // pinned while in flight
  DeviceQueue.Group group; // the submitAll this request came with, or null
  volatile long parkDeadline; // the untimed-parked waiter's deadline, or 0 (DeviceQueue.expireWaiters)

  // descriptor, relative to buffer
  int op;
  long srcOff, srcLen, dstOff, dstLen, aadOff, aadLen, ivOff, tagOff;
  int ivLen, tagLen;
  long usedBytes; // prefix wiped on release

  // completion (written by the reaping thread before the state CAS publishes it)
  int status;
  int outLen;
  int detail;

  Request(MemorySegment buffer) {
    this.buffer = buffer;
  }

  /** The request's device-visible buffer (capacity at least what was asked). */
  public MemorySegment buffer() {
    return buffer;
  }

  public Request op(int opcode) {
    this.op = opcode;
    return this;
  }

  public Request src(long off, long len) {
    srcOff = off;
    srcLen = len;
    return used(off + len);
  }

  public Request dst(long off, long len) {
    dstOff = off;
    dstLen = len;
    return used(off + len);
  }

  public Request aad(long off, long len) {
    aadOff = off;
    aadLen = len;
    return used(off + len);
  }

  public Request iv(long off, int len) {
    ivOff = off;
    ivLen = len;
    return used(off + len);
  }

  public Request tag(long off, int len) {
    tagOff = off;
    tagLen = len;
    return used(off + len);
  }

  private Request used(long end) {
    if (end > buffer.byteSize()) {
      throw new IllegalArgumentException("descriptor points past the request buffer");
    }
    usedBytes = Math.max(usedBytes, end);
    return this;
  }

  /** True once the request was handed to its queue (queued, submitted or completed). */
  public boolean isQueued() {
    return state.get() != NEW;
  }

  /** Bytes the device wrote to dst (valid after a successful execute). */
  public int outLen() {
    return outLen;
  }

  /** The completion status ({@code ACCEL_*}). */
  public int status() {
    return status;
  }

  /** Raw device detail code of an EIO completion. */
  public int detail() {
    return detail;
  }
}
