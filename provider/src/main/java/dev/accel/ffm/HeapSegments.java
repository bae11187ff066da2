package dev.accel.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.Objects;

/**
 * Per-thread cache of whole-array heap segments for the cpu engine's critical downcalls ({@code
 * accel_execute_gcm}/{@code _digest}, {@code accel_gcm_key_run} take each buffer as array +
 * offset).
 *
 * <p>Why: a heap {@link MemorySegment} is a ~40-byte object, and a slice is another; the JIT does
 * not scalar-replace them across the downcall chain, so building four slices per request cost
 * ~150-450 bytes of garbage per AES-GCM seal or SHA-256 (the hot-path budget is the output plus
 * 64 bytes). Callers reuse their arrays (a cipher's AAD buffer, a digest's message buffer, a TLS
 * record buffer), so a tiny identity cache per thread hits almost always.
 *
 * <p>No caller array is kept alive: each way holds its segment (and through it the array) only
 * weakly, so an array the caller dropped, plaintext perhaps, is collected as if the cache did not
 * exist; a collected way is a miss. Only arrays up to {@link #CACHEABLE_MAX_BYTES} are
 * remembered (four per thread); larger arrays get a fresh segment (negligible next to the work on
 * them). IVs are copied into a per-thread scratch array instead: every encryption has a fresh IV
 * array.
 */
final class HeapSegments {
  static final int CACHEABLE_MAX_BYTES = 64 * 1024;
  private static final int WAYS = 4;
  /** GCM IV limit of the cpu engine (libcrypto 3's GCM_IV_MAX_SIZE). */
  static final int IV_SCRATCH_BYTES = 128;

  private static final ThreadLocal<HeapSegments> LOCAL = ThreadLocal.withInitial(HeapSegments::new);

  // way i: the array (identity) and its segment, both weakly held
  @SuppressWarnings("unchecked")
  private final WeakReference<byte[]>[] arrays = new WeakReference[WAYS];
  @SuppressWarnings("unchecked")
  private final WeakReference<MemorySegment>[] segments = new WeakReference[WAYS];
  private int victim;
  final byte[] ivScratch = new byte[IV_SCRATCH_BYTES];
  final MemorySegment ivSegment = MemorySegment.ofArray(ivScratch);

  private HeapSegments() {}

  static HeapSegments current() {
    return LOCAL.get();
  }

  /** The whole-array segment of {@code a} ({@link MemorySegment#NULL} for null). */
  MemorySegment of(byte[] a) {
    if (a == null) {
      return MemorySegment.NULL;
    }
    for (int i = 0; i < WAYS; i++) {
      WeakReference<byte[]> w = arrays[i];
      if (w != null && w.get() == a) {
        MemorySegment s = segments[i].get();
        if (s != null) {
          return s;
        }
        segments[i] = new WeakReference<>(s = MemorySegment.ofArray(a)); // collected: the array lives on
        return s;
      }
    }
    MemorySegment s = MemorySegment.ofArray(a);
    if (a.length <= CACHEABLE_MAX_BYTES) {
      int v = victim;
      arrays[v] = new WeakReference<>(a);
      segments[v] = new WeakReference<>(s);
      victim = (v + 1) & (WAYS - 1);
    }
    return s;
  }

  private byte[] staging = new byte[0];

  /**
   * A staging array of at least {@code n} bytes for an open's plaintext until its tag verified,
   * kept per thread up to {@link NativeQueue#EXECUTE_MAX_BYTES} (1 MiB): a fresh array per large
   * open was a G1 humongous allocation each time (3.2 ms per 1 MiB open against 60 us per seal).
   * Callers wipe what they staged after each use.
   */
  byte[] staging(int n) {
    if (n > NativeQueue.EXECUTE_MAX_BYTES) {
      return new byte[n];
    }
    if (staging.length < n) {
      staging = new byte[Math.max(n, 1024)];
    }
    return staging;
  }

  /**
   * The bounds of an array + offset AES-GCM downcall ({@code accel_execute_gcm}, {@code
   * accel_gcm_key_run}): the shim gets whole arrays and offsets, so these checks are all that keeps
   * C inside them. IV length limits are the caller's (they differ per call).
   */
  static void checkGcmArrays(
      byte[] aad, int aadOff, int aadLen, byte[] src, int srcOff, int len, byte[] dst, int dstOff,
      byte[] tag, int tagOff, int tagLen) {
    if (aadLen > 0) {
      Objects.checkFromIndexSize(aadOff, aadLen, aad.length);
    }
    if (len > 0) {
      Objects.checkFromIndexSize(srcOff, len, src.length);
      Objects.checkFromIndexSize(dstOff, len, dst.length);
    }
    Objects.checkFromIndexSize(tagOff, tagLen, tag.length);
  }

  /** Copies {@code iv} into this thread's IV scratch array and returns its segment. */
  MemorySegment iv(byte[] iv) {
    System.arraycopy(iv, 0, ivScratch, 0, iv.length);
    return ivSegment;
  }
}
