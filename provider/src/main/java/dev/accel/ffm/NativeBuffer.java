package dev.accel.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One device-visible buffer ({@code accel_buf_alloc}) as the layers above {@code ffm} see it:
 * a capacity and byte copies in and out, never a {@link MemorySegment}. Handed out and taken back
 * by {@link BufferPool}; the object is pooled together with its native memory, so a request costs
 * no wrapper allocation.
 */
public final class NativeBuffer {
  final MemorySegment segment; // sized to the capacity

  NativeBuffer(MemorySegment segment) {
    this.segment = segment;
  }

  /** Bytes this buffer holds. */
  public long capacity() {
    return segment.byteSize();
  }

  /** Copies {@code src[srcOff..srcOff+len)} to {@code [off..off+len)} of this buffer. */
  public void put(long off, byte[] src, int srcOff, int len) {
    MemorySegment.copy(src, srcOff, segment, ValueLayout.JAVA_BYTE, off, len);
  }

  /** Copies {@code [off..off+len)} of this buffer to {@code dst[dstOff..dstOff+len)}. */
  public void get(long off, byte[] dst, int dstOff, int len) {
    MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, off, dst, dstOff, len);
  }

  /** Sets {@code [off..off+len)} to {@code value}. */
  public void fill(long off, long len, byte value) {
    segment.asSlice(off, len).fill(value);
  }

  /** The native address of byte {@code off} (for descriptors). */
  long address(long off) {
    return segment.address() + off;
  }
}
