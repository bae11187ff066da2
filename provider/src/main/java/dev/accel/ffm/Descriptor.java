package dev.accel.ffm;

import dev.accel.device.DeviceException;

/**
 * What one {@code struct accel_desc} says about a request, with offsets relative to its pooled
 * {@link NativeBuffer}, and what its {@code struct accel_cqe} answered. {@link NativeQueue} turns
 * it into the C struct on submission and fills the completion in; the queue layer extends it with
 * its own bookkeeping ({@code dev.accel.queue.Request}).
 */
public abstract class Descriptor {
  final NativeBuffer buffer;

  // descriptor, relative to buffer
  int op;
  long srcOff, srcLen, dstOff, dstLen, aadOff, aadLen, ivOff, tagOff;
  int ivLen, tagLen;
  private long usedBytes; // prefix wiped on release

  // completion (written by the reaping thread before the queue's state CAS publishes it)
  private int status;
  private int outLen;
  private int detail;

  protected Descriptor(NativeBuffer buffer) {
    this.buffer = buffer;
  }

  /** The request's device-visible buffer (capacity at least what was asked). */
  public final NativeBuffer buffer() {
    return buffer;
  }

  /** The opcode ({@link Opcode}). */
  public final int op() {
    return op;
  }

  public final Descriptor op(int opcode) {
    this.op = opcode;
    return this;
  }

  public final Descriptor src(long off, long len) {
    srcOff = off;
    srcLen = len;
    return used(off + len);
  }

  public final Descriptor dst(long off, long len) {
    dstOff = off;
    dstLen = len;
    return used(off + len);
  }

  public final Descriptor aad(long off, long len) {
    aadOff = off;
    aadLen = len;
    return used(off + len);
  }

  public final Descriptor iv(long off, int len) {
    ivOff = off;
    ivLen = len;
    return used(off + len);
  }

  public final Descriptor tag(long off, int len) {
    tagOff = off;
    tagLen = len;
    return used(off + len);
  }

  private Descriptor used(long end) {
    if (end > buffer.capacity()) {
      throw new IllegalArgumentException("descriptor points past the request buffer");
    }
    usedBytes = Math.max(usedBytes, end);
    return this;
  }

  /** Bytes of the buffer the descriptor covers (wiped when the buffer goes back to the pool). */
  public final long usedBytes() {
    return usedBytes;
  }

  /** Copies the first {@code len} bytes of dst out of the buffer to {@code out[outOff..]}. */
  public final void readDst(byte[] out, int outOff, int len) {
    buffer.get(dstOff, out, outOff, len);
  }

  /** Copies the tag out of the buffer to {@code out[outOff..outOff+tagLen)}. */
  public final void readTag(byte[] out, int outOff) {
    buffer.get(tagOff, out, outOff, tagLen);
  }

  /** Records the completion; the queue publishes it to the waiter afterwards. */
  protected final void complete(int status, int outLen, int detail) {
    this.status = status;
    this.outLen = outLen;
    this.detail = detail;
  }

  /** Bytes the device wrote to dst (valid after a successful completion). */
  public final int outLen() {
    return outLen;
  }

  /** The completion status ({@code ACCEL_*}). */
  public final int status() {
    return status;
  }

  /** Raw device detail code of an EIO completion. */
  public final int detail() {
    return detail;
  }

  /**
   * The completion's outcome: true for OK, false for an AES-GCM tag mismatch; any other status
   * throws its {@link DeviceException} ({@code what} names the queue).
   */
  public final boolean passed(String what) throws DeviceException {
    return NativeStatus.passed(status, detail, what + ": " + Opcode.name(op));
  }

  /**
   * Checks that the device wrote exactly {@code expected} bytes; anything else is a device-side
   * bug ({@link DeviceBugs}), never released.
   */
  public final void requireOutLen(int expected, String device) throws DeviceException {
    if (outLen != expected) {
      throw DeviceBugs.report(device, Opcode.name(op) + " returned the wrong length",
          outLen + " bytes, expected " + expected);
    }
  }
}
