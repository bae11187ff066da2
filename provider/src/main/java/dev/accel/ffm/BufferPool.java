package dev.accel.ffm;

import dev.accel.device.DeviceException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pooled device-visible buffers ({@code accel_buf_alloc}) in power-of-two size classes from
 * {@value #MIN_CLASS_BYTES} B to {@value #MAX_CLASS_BYTES} B; larger requests get an exact-size
 * buffer that is freed on release.
 *
 * <p>Contract: a buffer is {@linkplain #release released} only once the device can no longer touch
 * it (its request was reaped, or its queue destroyed). The pool cannot check that; {@link
 * dev.accel.queue.DeviceQueue} is the only caller. Released buffers are wiped (the used prefix) so plaintext and
 * key-derived data do not linger in native memory. {@link #close()} frees every pooled buffer;
 * buffers released after close are freed at once.
 */
public final class BufferPool implements AutoCloseable {
  public static final int MIN_CLASS_BYTES = 256;
  public static final int MAX_CLASS_BYTES = 16 << 20;
  private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_CLASS_BYTES);
  private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_CLASS_BYTES) - MIN_SHIFT + 1;

  private final DeviceHandle device;
  private final long maxPooledBytes; // idle bytes kept for reuse; the rest is freed
  @SuppressWarnings({"unchecked", "rawtypes"})
  private final ConcurrentLinkedDeque<NativeBuffer>[] free = new ConcurrentLinkedDeque[CLASSES];
  private final AtomicLong pooledBytes = new AtomicLong();
  private final AtomicInteger outstanding = new AtomicInteger(); // acquired, not yet released
  private final AtomicLong allocations = new AtomicLong(); // accel_buf_alloc calls
  private volatile boolean closed;

  /** A pool over {@code device} keeping at most {@code maxPooledBytes} idle bytes. */
  public BufferPool(DeviceHandle device, long maxPooledBytes) {
    this.device = device;
    this.maxPooledBytes = maxPooledBytes;
    for (int i = 0; i < CLASSES; i++) {
      free[i] = new ConcurrentLinkedDeque<>();
    }
  }

  /** The capacity a request for {@code len} bytes gets. */
  static long capacityFor(long len) {
    if (len <= MIN_CLASS_BYTES) {
      return MIN_CLASS_BYTES;
    }
    if (len > MAX_CLASS_BYTES) {
      return (len + 4095) & ~4095L; // exact (page-rounded), not pooled
    }
    return Long.highestOneBit(len - 1) << 1;
  }

  private static int classIndex(long capacity) {
    if (capacity > MAX_CLASS_BYTES || Long.bitCount(capacity) != 1 || capacity < MIN_CLASS_BYTES) {
      return -1;
    }
    return Long.numberOfTrailingZeros(capacity) - MIN_SHIFT;
  }

  /**
   * A buffer of at least {@code len} bytes (its {@code byteSize()} is the class capacity).
   *
   * @throws DeviceException BUSY when the device has no memory left
   */
  public NativeBuffer acquire(long len) throws DeviceException {
    if (len < 0) {
      throw new IllegalArgumentException("negative buffer length " + len);
    }
    if (closed) {
      throw NativeStatus.toDeviceException(NativeStatus.ECANCELED, "buffer pool closed");
    }
    long cap = capacityFor(len);
    int idx = classIndex(cap);
    NativeBuffer seg = idx >= 0 ? free[idx].pollFirst() : null;
    if (seg != null) {
      pooledBytes.addAndGet(-cap);
    } else {
      MemorySegment m = device.bufAlloc(cap);
      if (m == null) {
        throw NativeStatus.toDeviceException(NativeStatus.ENOMEM, "accel_buf_alloc(" + cap + ") failed");
      }
      seg = new NativeBuffer(m);
      allocations.incrementAndGet();
    }
    outstanding.incrementAndGet();
    return seg;
  }

  /**
   * Returns a buffer whose request is finished; wipes its first {@code usedBytes} bytes. The
   * device must not touch it any more.
   */
  public void release(NativeBuffer seg, long usedBytes) {
    outstanding.decrementAndGet();
    seg.segment.asSlice(0, Math.min(usedBytes, seg.capacity())).fill((byte) 0);
    int idx = classIndex(seg.capacity());
    if (!closed && idx >= 0 && pooledBytes.addAndGet(seg.capacity()) <= maxPooledBytes) {
      free[idx].addFirst(seg); // LIFO: the most recently used buffer is warm in cache
      if (closed && free[idx].remove(seg)) {
        freeNow(seg); // lost a race with close()
      }
      return;
    }
    if (idx >= 0 && !closed) {
      pooledBytes.addAndGet(-seg.capacity());
    }
    freeNow(seg);
  }

  private void freeNow(NativeBuffer seg) {
    if (!device.isClosed()) {
      device.bufFree(seg.segment);
    }
  }

  /** Buffers acquired and not yet released (in flight, or quarantined by a queue). */
  public int outstanding() {
    return outstanding.get();
  }

  /** How many times the pool called {@code accel_buf_alloc}. */
  public long allocations() {
    return allocations.get();
  }

  /** Idle bytes held for reuse. */
  public long pooledBytes() {
    return pooledBytes.get();
  }

  /**
   * Frees every idle buffer now (the pool stays usable). With {@code ACCEL_DEV_POISON_FREED} the
   * freed buffers are poisoned, so a device write into one shows up in the device's health.
   */
  public void trim() {
    for (ConcurrentLinkedDeque<NativeBuffer> q : free) {
      NativeBuffer s;
      while ((s = q.pollFirst()) != null) {
        pooledBytes.addAndGet(-s.capacity());
        freeNow(s);
      }
    }
  }

  /** Frees every idle buffer; later releases free immediately. Call before closing the device. */
  @Override
  public void close() {
    closed = true;
    trim();
  }
}
