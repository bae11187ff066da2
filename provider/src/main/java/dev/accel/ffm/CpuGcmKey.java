package dev.accel.ffm;

import dev.accel.device.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * One AES key prepared for the cpu device's AES-GCM kernels ({@code accel_gcm_key_*}, ABI 4): the
 * cpu device's per-record path. A seal or open is one critical downcall straight from and into the
 * caller's arrays, with no queue, session table, lock or shared counter in Java or C, so threads
 * with their own keys never touch a common cache line. (The queue path, {@link NativeQueue}, takes
 * a session lock and counts every request on the device: right for a device, 30-40 ns of a 16-byte
 * seal's ~100 here.) Besides {@link Shim}, the only class that makes downcalls.
 *
 * <p>The context (the key and ipsec-mb's precomputed round and hash keys, about 1.1 KiB) lives in
 * a shared arena this object owns. A downcall keeps the arena alive, so closing it while another
 * thread is inside a call fails with {@link IllegalStateException} instead of freeing memory in
 * use: misuse cannot crash the JVM. {@link #close()} wipes and frees it; a cleaner does the same
 * when the object becomes unreachable unclosed.
 */
@SuppressWarnings("restricted")
public final class CpuGcmKey implements AutoCloseable {
  private static final MethodHandle RUN =
      Shim.bind("accel_gcm_key_run", Shim.GCM_FLAT, Shim.CRITICAL_HEAP); // one bounded computation

  /** Host kernel limits (accel_shim.h, core.h SHIM_HOST_GCM_*): outside them, use the queue. */
  public static final int IV_MAX_BYTES = HeapSegments.IV_SCRATCH_BYTES;

  private static final int TAG_MIN_BYTES = 12;
  private static final int TAG_MAX_BYTES = 16;
  private static final long BYTES = Shim.gcmKeyBytes();

  private final MemorySegment ctx;
  private final Cleaner.Cleanable cleanable;

  private CpuGcmKey(Arena arena, MemorySegment ctx) {
    this.ctx = ctx;
    this.cleanable = NativeCleaner.register(this, () -> {
      ctx.fill((byte) 0); // the raw key and the round keys derived from it
      arena.close();
    });
  }

  /**
   * Prepares {@code key} (16, 24 or 32 bytes; the caller keeps its array).
   *
   * @throws DeviceException the host kernels cannot run here (no libcrypto: ENOTSUP)
   */
  public static CpuGcmKey create(byte[] key) throws DeviceException {
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new IllegalArgumentException("AES key of " + key.length + " bytes");
    }
    Arena arena = Arena.ofShared();
    try {
      MemorySegment ctx = arena.allocate(BYTES, 64);
      // not through HeapSegments: its per-thread cache would keep a reference to the key array
      int st = Shim.gcmKeyInit(ctx, BYTES, MemorySegment.ofArray(key), key.length);
      NativeStatus.require(st, "cpu: AES-GCM key");
      return new CpuGcmKey(arena, ctx);
    } catch (DeviceException | RuntimeException e) {
      arena.close(); // init wiped what it wrote before failing
      throw e;
    }
  }

  /** True when {@link #seal} and {@link #open} take these lengths (else: the device's queue). */
  public static boolean takes(int ivLen, int tagLen) {
    return ivLen >= 1 && ivLen <= IV_MAX_BYTES && tagLen >= TAG_MIN_BYTES && tagLen <= TAG_MAX_BYTES;
  }

  /**
   * Seals {@code in[inOff..inOff+len)} into {@code out[outOff..]}: ciphertext then the tag. {@code
   * in} and {@code out} may be the same range, not a shifted overlap.
   *
   * @return bytes written ({@code len + tagLen})
   */
  public int seal(
      byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] in, int inOff, int len, byte[] out,
      int outOff, int tagLen) throws DeviceException {
    Objects.checkFromIndexSize(outOff, len + tagLen, out.length);
    int st = run(Opcode.GCM_SEAL, iv, aad, aadOff, aadLen, in, inOff, len, out, outOff, out, outOff + len, tagLen);
    NativeStatus.require(st, "cpu: AES-GCM seal");
    return len + tagLen;
  }

  /**
   * Opens {@code in[inOff..inOff+len)} (ciphertext followed by a {@code tagLen}-byte tag) into
   * {@code out[outOff..]}. The plaintext is written to {@code out} only once the tag verified
   * (JCA-CONTRACT.md: a bad tag leaves the output untouched): it is decrypted into a per-thread
   * staging array first and copied, and the staging array is wiped after each use.
   *
   * @return plaintext bytes written
   * @throws AEADBadTagException the tag did not verify (out untouched)
   */
  public int open(
      byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] in, int inOff, int len, byte[] out,
      int outOff, int tagLen) throws DeviceException, AEADBadTagException {
    int ctLen = len - tagLen;
    Objects.checkFromIndexSize(outOff, ctLen, out.length);
    byte[] tmp = HeapSegments.current().staging(ctLen);
    try {
      int st = run(Opcode.GCM_OPEN, iv, aad, aadOff, aadLen, in, inOff, ctLen, tmp, 0, in, inOff + ctLen, tagLen);
      if (!NativeStatus.passed(st, 0, "cpu: AES-GCM open")) {
        throw new AEADBadTagException("Tag mismatch");
      }
      System.arraycopy(tmp, 0, out, outOff, ctLen);
      return ctLen;
    } finally {
      Arrays.fill(tmp, 0, ctLen, (byte) 0); // plaintext must not linger in a per-thread array
    }
  }

  private int run(
      int op, byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] src, int srcOff, int len,
      byte[] dst, int dstOff, byte[] tag, int tagOff, int tagLen) {
    if (!takes(iv.length, tagLen)) {
      throw new IllegalArgumentException("GCM IV of " + iv.length + " bytes, tag of " + tagLen);
    }
    HeapSegments.checkGcmArrays(aad, aadOff, aadLen, src, srcOff, len, dst, dstOff, tag, tagOff, tagLen);
    HeapSegments hs = HeapSegments.current();
    MemorySegment ivSeg = hs.iv(iv);
    MemorySegment aadSeg = aadLen == 0 ? MemorySegment.NULL : hs.of(aad);
    MemorySegment srcSeg = len == 0 ? MemorySegment.NULL : hs.of(src);
    MemorySegment dstSeg = len == 0 ? MemorySegment.NULL : hs.of(dst);
    MemorySegment tagSeg = hs.of(tag);
    try {
      return (int)
          RUN.invokeExact(
              ctx, BYTES, op, ivSeg, 0L, iv.length, aadSeg, (long) aadOff, (long) aadLen,
              srcSeg, (long) srcOff, (long) len, dstSeg, (long) dstOff, tagSeg, (long) tagOff, tagLen);
    } catch (Throwable t) {
      throw Shim.rethrow(t);
    }
  }

  /**
   * Wipes and frees the context. Closing a key while another thread is inside a call with it is a
   * caller bug: the arena refuses to close (IllegalStateException; the memory, already wiped, is
   * then never freed) and that call computes with a wiped key (EINVAL or a wrong result), but
   * nothing is freed under it.
   */
  @Override
  public void close() {
    cleanable.clean();
  }
}
