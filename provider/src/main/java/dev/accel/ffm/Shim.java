package dev.accel.ffm;

import static dev.accel.ffm.Layouts.C_INT;
import static dev.accel.ffm.Layouts.C_LONG_LONG;
import static dev.accel.ffm.Layouts.C_POINTER;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Typed wrappers for every entry point of accel_shim.h but one: with {@link CpuGcmKey} (which
 * owns {@code accel_gcm_key_run}, the cpu device's per-record call, so that its path has no extra
 * frame), the only code in Accel that makes downcalls.
 *
 * <p>Each function is bound once, lazily, in its own holder class (so a missing symbol fails with
 * its name, and only the call that needs it). Wrappers return the raw {@code ACCEL_*} status;
 * callers map it with {@link NativeStatus}. Pointers are {@link MemorySegment}s the caller owns.
 *
 * <p>{@link Linker.Option#critical critical} calls skip the thread-state transition; they are used
 * only for calls that return in well under a microsecond and never block or compute (ABI queries,
 * {@code accel_reap}, {@code accel_queue_inflight}). {@code accel_submit} is not critical: the
 * cpu backend computes the whole request inside it. {@code accel_wait} is an ordinary blocking
 * call made only from a queue's platform reaper thread, never from a virtual thread.
 */
@SuppressWarnings("restricted")
public final class Shim {
  private Shim() {}

  private static final Linker LINKER = Linker.nativeLinker();

  static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
    MemorySegment sym =
        NativeLibrary.lookup()
            .find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("accel shim: missing symbol " + name));
    return LINKER.downcallHandle(sym, fd, options);
  }

  private static final Linker.Option CRITICAL = Linker.Option.critical(false);

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException(t);
  }

  // ---- ABI ----

  private static final class AbiVersion {
    static final MethodHandle MH = bind("accel_abi_version", FunctionDescriptor.of(C_INT), CRITICAL);
  }

  /** {@code uint32_t accel_abi_version(void)}. */
  public static int abiVersion() {
    try {
      return (int) AbiVersion.MH.invokeExact();
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class AbiSizeof {
    static final MethodHandle MH =
        bind("accel_abi_sizeof", FunctionDescriptor.of(C_INT, C_INT), CRITICAL);
  }

  /** {@code uint32_t accel_abi_sizeof(uint32_t struct_id)}; 0 for an unknown id. */
  public static int abiSizeof(int structId) {
    try {
      return (int) AbiSizeof.MH.invokeExact(structId);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class BackendProbe {
    static final MethodHandle MH =
        bind("accel_backend_probe", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT));
  }

  /** {@code int accel_backend_probe(uint32_t backend, char *reason, uint32_t reason_len)}. */
  public static int backendProbe(int backend, MemorySegment reason, int reasonLen) {
    try {
      return (int) BackendProbe.MH.invokeExact(backend, reason, reasonLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- UACCE discovery ----

  private static final class UacceList {
    static final MethodHandle MH =
        bind("accel_uacce_list", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  }

  /**
   * {@code int accel_uacce_list(char *buf, uint32_t len)}: one tab-separated line per UACCE device;
   * returns the device count, or ENOMEM when {@code buf} is too small.
   */
  public static int uacceList(MemorySegment buf, int len) {
    try {
      return (int) UacceList.MH.invokeExact(buf, len);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class Kernels {
    static final MethodHandle MH =
        bind("accel_kernels", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  }

  /**
   * {@code int accel_kernels(char *buf, uint32_t len)}: which kernel computes each operation on
   * the cpu engine and why, one line per operation.
   */
  public static int kernels(MemorySegment buf, int len) {
    try {
      return (int) Kernels.MH.invokeExact(buf, len);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- devices ----

  private static final class DevOpen {
    static final MethodHandle MH =
        bind("accel_dev_open", FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER));
  }

  /** {@code int accel_dev_open(uint32_t backend, const struct accel_dev_config *cfg, accel_dev **out)}. */
  public static int devOpen(int backend, MemorySegment cfg, MemorySegment outDev) {
    try {
      return (int) DevOpen.MH.invokeExact(backend, cfg, outDev);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class DevCaps {
    static final MethodHandle MH =
        bind("accel_dev_caps", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
  }

  /** {@code int accel_dev_caps(accel_dev *dev, struct accel_caps *caps)}. */
  public static int devCaps(MemorySegment dev, MemorySegment caps) {
    try {
      return (int) DevCaps.MH.invokeExact(dev, caps);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class DevHealth {
    static final MethodHandle MH =
        bind("accel_dev_health", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER));
  }

  /** {@code int accel_dev_health(accel_dev *dev, struct accel_health *health)}. */
  public static int devHealth(MemorySegment dev, MemorySegment health) {
    try {
      return (int) DevHealth.MH.invokeExact(dev, health);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class DevClose {
    static final MethodHandle MH = bind("accel_dev_close", FunctionDescriptor.of(C_INT, C_POINTER));
  }

  /** {@code int accel_dev_close(accel_dev *dev)}; EBUSY while queues remain. */
  public static int devClose(MemorySegment dev) {
    try {
      return (int) DevClose.MH.invokeExact(dev);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- queues ----

  private static final class QueueCreate {
    static final MethodHandle MH =
        bind("accel_queue_create", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER));
  }

  /** {@code int accel_queue_create(accel_dev *dev, uint32_t depth, accel_queue **out)}. */
  public static int queueCreate(MemorySegment dev, int depth, MemorySegment outQueue) {
    try {
      return (int) QueueCreate.MH.invokeExact(dev, depth, outQueue);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class QueueDestroy {
    static final MethodHandle MH =
        bind("accel_queue_destroy", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  }

  /** {@code int accel_queue_destroy(accel_queue *q, uint32_t drain_ms)}. */
  public static int queueDestroy(MemorySegment queue, int drainMs) {
    try {
      return (int) QueueDestroy.MH.invokeExact(queue, drainMs);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class QueueInflight {
    static final MethodHandle MH =
        bind("accel_queue_inflight", FunctionDescriptor.of(C_INT, C_POINTER), CRITICAL);
  }

  /** {@code uint32_t accel_queue_inflight(accel_queue *q)}. */
  public static int queueInflight(MemorySegment queue) {
    try {
      return (int) QueueInflight.MH.invokeExact(queue);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class QueueEventfd {
    static final MethodHandle MH =
        bind("accel_queue_eventfd", FunctionDescriptor.of(C_INT, C_POINTER), CRITICAL);
  }

  /** {@code int accel_queue_eventfd(accel_queue *q)}; -1 if the backend has none. */
  public static int queueEventfd(MemorySegment queue) {
    try {
      return (int) QueueEventfd.MH.invokeExact(queue);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- sessions ----

  private static final class SessionCreate {
    static final MethodHandle MH =
        bind(
            "accel_session_create",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_POINTER));
  }

  /**
   * {@code int accel_session_create(accel_queue *q, uint32_t family, const void *key, uint32_t
   * key_len, uint64_t *session)}.
   */
  public static int sessionCreate(
      MemorySegment queue, int family, MemorySegment key, int keyLen, MemorySegment outSession) {
    try {
      return (int) SessionCreate.MH.invokeExact(queue, family, key, keyLen, outSession);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class SessionDestroy {
    static final MethodHandle MH =
        bind("accel_session_destroy", FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG));
  }

  /** {@code int accel_session_destroy(accel_queue *q, uint64_t session)}. */
  public static int sessionDestroy(MemorySegment queue, long session) {
    try {
      return (int) SessionDestroy.MH.invokeExact(queue, session);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- data path ----

  private static final class Submit {
    static final MethodHandle MH =
        bind("accel_submit", FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER));
  }

  /**
   * {@code int accel_submit(accel_queue *q, const struct accel_desc *descs, uint32_t n, uint32_t
   * *accepted)}. Never blocks, but may compute (cpu backend).
   */
  public static int submit(MemorySegment queue, MemorySegment descs, int n, MemorySegment accepted) {
    try {
      return (int) Submit.MH.invokeExact(queue, descs, n, accepted);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- synchronous fast path (cpu backend; required since ABI 3) ----

  /**
   * Critical with heap access: the fast path passes Java arrays straight to C (no copy). Used
   * only for calls that compute one bounded request (callers cap it at {@link #EXECUTE_MAX_BYTES}),
   * during which the GC waits.
   */
  static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

  /** Largest payload the fast path takes (~100 us of AES-GCM, ~0.6 ms of SHA-256 here). */
  public static final int EXECUTE_MAX_BYTES = 1 << 20;

  /**
   * {@code accel_execute_gcm} and {@code accel_gcm_key_run}: (queue, session) or (ctx, ctx_len),
   * the opcode, then every buffer as array + offset.
   */
  static final FunctionDescriptor GCM_FLAT =
      FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_INT,
          C_POINTER, C_LONG_LONG, C_INT, // iv, iv_off, iv_len
          C_POINTER, C_LONG_LONG, C_LONG_LONG, // aad, aad_off, aad_len
          C_POINTER, C_LONG_LONG, C_LONG_LONG, // src, src_off, len
          C_POINTER, C_LONG_LONG, // dst, dst_off
          C_POINTER, C_LONG_LONG, C_INT); // tag, tag_off, tag_len

  private static final class ExecuteGcm {
    static final MethodHandle MH = bind("accel_execute_gcm", GCM_FLAT, CRITICAL_HEAP);
  }

  private static final class GcmKeyBytes {
    static final MethodHandle MH = bind("accel_gcm_key_bytes", FunctionDescriptor.of(C_INT), CRITICAL);
  }

  /** {@code uint32_t accel_gcm_key_bytes(void)}: the size of a keyed AES-GCM context. */
  static long gcmKeyBytes() {
    try {
      return Integer.toUnsignedLong((int) GcmKeyBytes.MH.invokeExact());
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class GcmKeyInit {
    static final MethodHandle MH =
        bind("accel_gcm_key_init",
            FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_POINTER, C_INT), CRITICAL_HEAP);
  }

  /** {@code int accel_gcm_key_init(void *ctx, uint64_t ctx_len, const uint8_t *key, uint32_t key_len)}. */
  static int gcmKeyInit(MemorySegment ctx, long ctxLen, MemorySegment key, int keyLen) {
    try {
      return (int) GcmKeyInit.MH.invokeExact(ctx, ctxLen, key, keyLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class ExecuteDigest {
    static final MethodHandle MH =
        bind(
            "accel_execute_digest",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_LONG_LONG, C_LONG_LONG,
                C_POINTER, C_LONG_LONG, C_INT),
            CRITICAL_HEAP);
  }

  /**
   * {@code int accel_execute_gcm(accel_queue *q, uint64_t session, uint32_t op, iv, iv_off, iv_len,
   * aad, aad_off, aad_len, src, src_off, len, dst, dst_off, tag, tag_off, tag_len)}: computes on
   * this thread (cpu backend only). Each buffer is a whole (heap) segment plus a byte offset, so
   * that a caller can keep one segment per array instead of allocating a slice per call.
   */
  public static int executeGcm(
      MemorySegment queue, long session, int op, MemorySegment iv, long ivOff, int ivLen,
      MemorySegment aad, long aadOff, long aadLen, MemorySegment src, long srcOff, long len,
      MemorySegment dst, long dstOff, MemorySegment tag, long tagOff, int tagLen) {
    try {
      return (int)
          ExecuteGcm.MH.invokeExact(
              queue, session, op, iv, ivOff, ivLen, aad, aadOff, aadLen, src, srcOff, len, dst, dstOff,
              tag, tagOff, tagLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * {@code int accel_execute_digest(accel_queue *q, uint32_t op, src, src_off, len, dst, dst_off,
   * dst_len)}: computes on this thread (cpu backend only); buffers as for {@link #executeGcm}.
   */
  public static int executeDigest(
      MemorySegment queue, int op, MemorySegment src, long srcOff, long len, MemorySegment dst,
      long dstOff, int dstLen) {
    try {
      return (int) ExecuteDigest.MH.invokeExact(queue, op, src, srcOff, len, dst, dstOff, dstLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class ExecuteRsa {
    static final MethodHandle MH =
        bind(
            "accel_execute_rsa",
            FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_INT,
                C_POINTER, C_LONG_LONG, C_LONG_LONG, // src, src_off, src_len
                C_POINTER, C_LONG_LONG, C_LONG_LONG), // dst, dst_off, dst_len
            CRITICAL_HEAP);
  }

  /**
   * {@code int accel_execute_rsa(accel_queue *q, uint64_t session, uint32_t op, src, src_off,
   * src_len, dst, dst_off, dst_len)}: raw RSA on the session's key, on this thread (cpu backend
   * only); buffers as for {@link #executeGcm}.
   */
  public static int executeRsa(
      MemorySegment queue, long session, int op, MemorySegment src, long srcOff, long srcLen,
      MemorySegment dst, long dstOff, long dstLen) {
    try {
      return (int) ExecuteRsa.MH.invokeExact(queue, session, op, src, srcOff, srcLen, dst, dstOff, dstLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class RsaHost {
    static final MethodHandle MH =
        bind(
            "accel_rsa_host",
            FunctionDescriptor.of(C_INT, C_POINTER, C_LONG_LONG, C_INT,
                C_POINTER, C_LONG_LONG, C_LONG_LONG, // src, src_off, src_len
                C_POINTER, C_LONG_LONG, C_LONG_LONG), // dst, dst_off, dst_len
            CRITICAL_HEAP);
  }

  /**
   * {@code int accel_rsa_host(accel_queue *q, uint64_t session, uint32_t op, src, src_off, src_len,
   * dst, dst_off, dst_len)}: the host's blinding, fault check and unblinding around another
   * device's private-key operation, on this thread (cpu backend only); buffers as for {@link
   * #executeGcm}.
   */
  public static int rsaHost(
      MemorySegment queue, long session, int op, MemorySegment src, long srcOff, long srcLen,
      MemorySegment dst, long dstOff, long dstLen) {
    try {
      return (int) RsaHost.MH.invokeExact(queue, session, op, src, srcOff, srcLen, dst, dstOff, dstLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class ExecuteDigestBatch {
    static final MethodHandle MH =
        bind(
            "accel_execute_digest_batch",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT,
                C_POINTER, C_LONG_LONG, // data, data_off
                C_POINTER, C_LONG_LONG, C_INT, // lens, lens_off, n
                C_POINTER, C_LONG_LONG, C_LONG_LONG), // out, out_off, out_len
            CRITICAL_HEAP);
  }

  /** Largest message count of one {@code accel_execute_digest_batch} (ACCEL_DIGEST_BATCH_MAX). */
  public static final int DIGEST_BATCH_MAX = 4096;

  /**
   * {@code int accel_execute_digest_batch(accel_queue *q, uint32_t op, data, data_off, lens,
   * lens_off, n, out, out_off, out_len)}: n messages packed back to back in {@code data}, their
   * lengths in {@code lens} (uint32, e.g. an int[] segment), digests back to back into {@code out};
   * computes on this thread (cpu backend only).
   */
  public static int executeDigestBatch(
      MemorySegment queue, int op, MemorySegment data, long dataOff, MemorySegment lens, long lensOff,
      int n, MemorySegment out, long outOff, long outLen) {
    try {
      return (int) ExecuteDigestBatch.MH.invokeExact(queue, op, data, dataOff, lens, lensOff, n, out, outOff, outLen);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class Reap {
    static final MethodHandle MH =
        bind(
            "accel_reap",
            FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER),
            CRITICAL);
  }

  /** {@code int accel_reap(accel_queue *q, struct accel_cqe *cqes, uint32_t max, uint32_t *got)}. */
  public static int reap(MemorySegment queue, MemorySegment cqes, int max, MemorySegment got) {
    try {
      return (int) Reap.MH.invokeExact(queue, cqes, max, got);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class Wait {
    static final MethodHandle MH = bind("accel_wait", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  }

  /**
   * {@code int accel_wait(accel_queue *q, uint32_t timeout_ms)}: BLOCKS. Only a queue's platform
   * reaper thread calls it.
   */
  public static int await(MemorySegment queue, int timeoutMs) {
    try {
      return (int) Wait.MH.invokeExact(queue, timeoutMs);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class WaitN {
    static final MethodHandle MH =
        bind("accel_wait_n", FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT));
  }

  /**
   * {@code int accel_wait_n(accel_queue *q, uint32_t min_nr, uint32_t timeout_ms)}: BLOCKS until
   * {@code minNr} completions are pending (or one at the timeout). Reaper thread only.
   */
  public static int awaitN(MemorySegment queue, int minNr, int timeoutMs) {
    try {
      return (int) WaitN.MH.invokeExact(queue, minNr, timeoutMs);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class WaitLimit {
    static final MethodHandle MH =
        bind("accel_wait_limit", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  }

  /** {@code int accel_wait_limit(accel_queue *q, uint32_t nr)}: never blocks. */
  public static int waitLimit(MemorySegment queue, int nr) {
    try {
      return (int) WaitLimit.MH.invokeExact(queue, nr);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- buffers ----

  private static final class BufAlloc {
    static final MethodHandle MH =
        bind("accel_buf_alloc", FunctionDescriptor.of(C_POINTER, C_POINTER, C_LONG_LONG));
  }

  /** {@code void *accel_buf_alloc(accel_dev *dev, uint64_t len)}: a zero-length segment or NULL. */
  public static MemorySegment bufAlloc(MemorySegment dev, long len) {
    try {
      return (MemorySegment) BufAlloc.MH.invokeExact(dev, len);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class BufFree {
    static final MethodHandle MH =
        bind("accel_buf_free", FunctionDescriptor.ofVoid(C_POINTER, C_POINTER, C_LONG_LONG));
  }

  /** {@code void accel_buf_free(accel_dev *dev, void *buf, uint64_t len)}. */
  public static void bufFree(MemorySegment dev, MemorySegment buf, long len) {
    try {
      BufFree.MH.invokeExact(dev, buf, len);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- emulator ----

  private static final class EmuSetProfile {
    static final MethodHandle MH =
        bind("accel_emu_set_profile", FunctionDescriptor.of(C_INT, C_POINTER, C_INT));
  }

  /** {@code int accel_emu_set_profile(accel_dev *dev, uint32_t profile)}. */
  public static int emuSetProfile(MemorySegment dev, int profile) {
    try {
      return (int) EmuSetProfile.MH.invokeExact(dev, profile);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static final class EmuInject {
    static final MethodHandle MH =
        bind(
            "accel_emu_inject",
            FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_LONG_LONG, C_LONG_LONG));
  }

  /** {@code int accel_emu_inject(accel_dev *dev, uint32_t fault, uint64_t count, uint64_t param)}. */
  public static int emuInject(MemorySegment dev, int fault, long count, long param) {
    try {
      return (int) EmuInject.MH.invokeExact(dev, fault, count, param);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }
}
