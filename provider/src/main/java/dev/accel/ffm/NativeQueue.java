package dev.accel.ffm;

import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One shim queue at the native boundary: the descriptor array and its submission, completion
 * decoding, the blocking waits, session structs, and the cpu engine's synchronous calls. Above it
 * the queue layer ({@code dev.accel.queue}) sees plain Java: {@link Descriptor}s, tags, byte
 * arrays, and statuses it hands back to {@link NativeStatus} (the one mapping to exceptions).
 *
 * <p>Threading follows the shim: one thread at a time submits ({@link #submit}, which uses the one
 * descriptor array), one thread at a time reaps ({@link #reap}), only a platform thread waits
 * ({@link #await}); the synchronous calls may run on any number of threads at once.
 */
@SuppressWarnings("restricted")
public final class NativeQueue {
  private static final int CQE_BATCH = 64;
  /** Largest payload of one synchronous call (~100 us of AES-GCM, ~0.6 ms of SHA-256 here). */
  public static final int EXECUTE_MAX_BYTES = Shim.EXECUTE_MAX_BYTES;
  /** Largest message count of one {@link #executeDigestBatch} (ACCEL_DIGEST_BATCH_MAX). */
  public static final int DIGEST_BATCH_MAX = Shim.DIGEST_BATCH_MAX;
  /** {@link #await}: completions are ready to reap. */
  public static final int READY = 1;
  /** {@link #await}: nothing completed within the timeout. */
  public static final int IDLE = 0;

  private final String name;
  private final QueueHandle handle;
  private final MemorySegment q; // accel_queue *, for the synchronous calls
  private final Arena arena = Arena.ofShared(); // descriptor image and out-parameters
  private final MemorySegment descs; // batchMax accel_desc slots (submitting thread)
  private final int batchMax;
  private final MemorySegment accepted; // uint32_t out-parameter of accel_submit
  private final MemorySegment cqes; // reaping thread
  private final MemorySegment got; // uint32_t out-parameter of accel_reap
  private int lastSubmitStatus; // submitting thread

  private NativeQueue(String name, QueueHandle handle, int batchMax) {
    this.name = name;
    this.handle = handle;
    this.q = handle.segment();
    this.batchMax = batchMax;
    this.descs = arena.allocate(Layouts.DESC, batchMax);
    this.accepted = arena.allocate(Layouts.C_INT);
    this.cqes = arena.allocate(Layouts.CQE, CQE_BATCH);
    this.got = arena.allocate(Layouts.C_INT);
  }

  /**
   * Creates a queue of {@code depth} ring entries that submits up to {@code maxBatch} descriptors
   * per downcall (fewer when the ring is smaller).
   *
   * @throws DeviceException BUSY past the queue budget, GONE when the device is gone, ...
   */
  public static NativeQueue create(String name, DeviceHandle device, int depth, int maxBatch)
      throws DeviceException {
    QueueHandle h;
    try {
      h = device.createQueue(depth);
    } catch (NativeException e) {
      throw NativeStatus.toDeviceException(e.code(), "accel_queue_create");
    }
    return new NativeQueue(name, h, Math.max(1, Math.min(maxBatch, depth - 1)));
  }

  /** Ring entries; at most {@code depth - 1} requests are in flight. */
  public int depth() {
    return handle.depth();
  }

  /** Most descriptors one {@link #submit} carries. */
  public int batchMax() {
    return batchMax;
  }

  // ---------------------------------------------------------------- submission

  /**
   * Writes {@code r} into descriptor slot {@code slot} (0 .. {@link #batchMax()}), with the user
   * tag its completion will carry and its session id (0: none). Submitting thread only.
   */
  // Pointers are written as 64-bit integers: C_POINTER is 8 bytes on every supported platform.
  public void setDescriptor(int slot, Descriptor r, long tag, long session) {
    MemorySegment d = descs.asSlice(slot * Layouts.DESC.byteSize(), Layouts.DESC.byteSize());
    NativeBuffer b = r.buffer;
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_USER_TAG, tag);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_SESSION, session);
    d.set(Layouts.C_INT, Layouts.DESC_OP, r.op);
    d.set(Layouts.C_INT, Layouts.DESC_FLAGS, 0);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_SRC, b.address(r.srcOff));
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_SRC_LEN, r.srcLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_DST, b.address(r.dstOff));
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_DST_LEN, r.dstLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_AAD, r.aadLen == 0 ? 0 : b.address(r.aadOff));
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_AAD_LEN, r.aadLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_IV, r.ivLen == 0 ? 0 : b.address(r.ivOff));
    d.set(Layouts.C_INT, Layouts.DESC_IV_LEN, r.ivLen);
    d.set(Layouts.C_INT, Layouts.DESC_TAG_LEN, r.tagLen);
    d.set(Layouts.C_LONG_LONG, Layouts.DESC_TAG, r.tagLen == 0 ? 0 : b.address(r.tagOff));
  }

  /** Why the last {@link #submit} took fewer descriptors than it was given. */
  public enum Refusal {
    /** The ring is full or resetting (EAGAIN): the rest may go later. */
    RETRY,
    /** The first descriptor not taken was refused (EINVAL, ENOTSUP, ...): it fails alone. */
    REJECTED,
    /** The queue is gone (EQUEUE, ENODEV): every request on it fails. */
    FATAL
  }

  /** accel_submit of slots {@code [0..n)}; how many the ring accepted. Never blocks. */
  public int submit(int n) {
    int rc = handle.submit(descs, n, accepted);
    lastSubmitStatus = rc;
    return Math.max(0, Math.min(n, accepted.get(Layouts.C_INT, 0)));
  }

  /** The status of the last {@link #submit} (for the requests and the queue it fails). */
  public int lastSubmitStatus() {
    return lastSubmitStatus;
  }

  /** What the last {@link #submit}'s status means for the descriptors it did not take. */
  public Refusal lastRefusal() {
    int rc = lastSubmitStatus;
    if (NativeStatus.killsQueue(rc)) {
      return Refusal.FATAL;
    }
    return rc == NativeStatus.EAGAIN || rc == NativeStatus.OK ? Refusal.RETRY : Refusal.REJECTED;
  }

  // ---------------------------------------------------------------- completion

  /** Receives one decoded {@code struct accel_cqe}. */
  @FunctionalInterface
  public interface Completions {
    void complete(long tag, int status, int outLen, int detail);
  }

  /**
   * Reaps until the completion ring is empty, handing each completion to {@code sink}; 0 when
   * done (also when another thread is polling the hardware: it delivers), otherwise the status
   * that killed the queue. One thread at a time.
   */
  public int reap(Completions sink) {
    while (true) {
      int rc = handle.reap(cqes, CQE_BATCH, got);
      if (rc == NativeStatus.EALREADY) {
        return 0; // uadk: the reaper thread is polling the hardware; it will deliver
      }
      if (rc != NativeStatus.OK) {
        return rc;
      }
      int n = got.get(Layouts.C_INT, 0);
      for (int i = 0; i < n; i++) {
        long base = i * Layouts.CQE.byteSize();
        sink.complete(
            cqes.get(Layouts.C_LONG_LONG, base + Layouts.CQE_USER_TAG),
            cqes.get(Layouts.C_INT, base + Layouts.CQE_STATUS),
            cqes.get(Layouts.C_INT, base + Layouts.CQE_OUT_LEN),
            cqes.get(Layouts.C_INT, base + Layouts.CQE_DETAIL));
      }
      if (n < CQE_BATCH) {
        return 0;
      }
    }
  }

  /**
   * BLOCKS up to {@code timeoutMs} until {@code want} completions are pending (one at the
   * timeout): {@link #READY}, {@link #IDLE}, or the (negative) status that killed the queue.
   * A platform reaper thread only.
   */
  public int await(int want, int timeoutMs) {
    int rc = want > 1 ? handle.awaitN(want, timeoutMs) : handle.await(timeoutMs);
    if (rc == NativeStatus.OK) {
      return READY;
    }
    return rc == NativeStatus.ETIMEDOUT ? IDLE : rc;
  }

  /** {@code n} completions wake the current (or next) {@link #await}; never blocks. */
  public void limitWait(int n) {
    handle.limitWait(n);
  }

  /** Requests the shim holds (accepted, not yet reaped). */
  public int inflight() {
    return handle.inflight();
  }

  public boolean isClosed() {
    return handle.isClosed();
  }

  // ---------------------------------------------------------------- sessions

  /** accel_session_create for an AES key; the session id. The key image is wiped afterwards. */
  public long createAesSession(byte[] rawKey) throws DeviceException {
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment k = scratch.allocate(rawKey.length);
      MemorySegment.copy(rawKey, 0, k, Layouts.C_CHAR, 0, rawKey.length);
      return createSession(scratch, Opcode.FAMILY_AEAD, k, List.of());
    }
  }

  /** accel_session_create for an RSA key (CRT parts when it has them); the session id. */
  public long createRsaSession(RsaKeyMaterial key) throws DeviceException {
    List<MemorySegment> parts = new ArrayList<>(); // wiped after the shim copied them
    try (Arena scratch = Arena.ofConfined()) {
      MemorySegment s = scratch.allocate(Layouts.RSA_KEY); // zeroed: absent parts have len 0
      s.set(Layouts.C_INT, Layouts.RSA_N_BITS, key.modulusBits());
      s.set(Layouts.C_INT, Layouts.RSA_FLAGS, key.hasCrt() ? Layouts.RSA_KEY_HAS_CRT : 0);
      putBn(scratch, parts, s, Layouts.RSA_N, key.modulus());
      putBn(scratch, parts, s, Layouts.RSA_E, key.publicExponent());
      if (key.hasCrt()) {
        putBn(scratch, parts, s, Layouts.RSA_P, key.p());
        putBn(scratch, parts, s, Layouts.RSA_Q, key.q());
        putBn(scratch, parts, s, Layouts.RSA_DP, key.dp());
        putBn(scratch, parts, s, Layouts.RSA_DQ, key.dq());
        putBn(scratch, parts, s, Layouts.RSA_QINV, key.qinv());
      }
      return createSession(scratch, Opcode.FAMILY_RSA, s, parts);
    }
  }

  private long createSession(Arena scratch, int family, MemorySegment keySeg, List<MemorySegment> parts)
      throws DeviceException {
    MemorySegment out = scratch.allocate(Layouts.C_LONG_LONG);
    int rc;
    try {
      rc = handle.sessionCreate(family, keySeg, (int) keySeg.byteSize(), out);
    } finally {
      for (MemorySegment p : parts) {
        p.fill((byte) 0);
      }
      keySeg.fill((byte) 0);
    }
    NativeStatus.require(rc, name + ": accel_session_create");
    return out.get(Layouts.C_LONG_LONG, 0);
  }

  /** Writes {@code v} as a big-endian unsigned magnitude (no sign byte) into an accel_bn. */
  private static void putBn(
      Arena arena, List<MemorySegment> parts, MemorySegment key, long bnOff, BigInteger v) {
    if (v == null) {
      return;
    }
    byte[] b = unsignedMagnitude(v);
    MemorySegment data = arena.allocate(Math.max(1, b.length));
    parts.add(data);
    MemorySegment.copy(b, 0, data, Layouts.C_CHAR, 0, b.length);
    Arrays.fill(b, (byte) 0);
    key.set(Layouts.C_POINTER, bnOff + Layouts.BN_DATA, data);
    key.set(Layouts.C_INT, bnOff + Layouts.BN_LEN, b.length);
  }

  /** Big-endian magnitude of a non-negative integer without the two's-complement sign byte. */
  static byte[] unsignedMagnitude(BigInteger v) {
    if (v.signum() < 0) {
      throw new IllegalArgumentException("negative RSA key component");
    }
    byte[] b = v.toByteArray();
    if (b.length > 1 && b[0] == 0) {
      byte[] t = Arrays.copyOfRange(b, 1, b.length);
      Arrays.fill(b, (byte) 0);
      return t;
    }
    return b;
  }

  /** accel_session_destroy; a dead device answers ENODEV, and the queue destroy wipes it. */
  public void destroySession(long session) {
    handle.sessionDestroy(session);
  }

  // ---------------------------------------------------------------- synchronous calls (cpu)

  /**
   * AES-GCM seal or open on the caller's thread (cpu backend): {@code src} to {@code dst} ({@code
   * len} bytes each), the tag at {@code tag[tagOff..]} (written by seal, read by open). Callers
   * bound {@code len} by {@link #EXECUTE_MAX_BYTES}.
   *
   * @return true, or false when open's tag did not verify (dst is then zeroed)
   */
  public boolean executeGcm(
      long session, int op, byte[] iv, byte[] aad, int aadOff, int aadLen, byte[] src, int srcOff,
      int len, byte[] dst, int dstOff, byte[] tag, int tagOff, int tagLen)
      throws DeviceException {
    if (iv.length == 0 || iv.length > HeapSegments.IV_SCRATCH_BYTES) {
      throw new IllegalArgumentException("GCM IV of " + iv.length + " bytes on the fast path");
    }
    HeapSegments.checkGcmArrays(aad, aadOff, aadLen, src, srcOff, len, dst, dstOff, tag, tagOff, tagLen);
    HeapSegments hs = HeapSegments.current();
    int st =
        Shim.executeGcm(
            q, session, op, hs.iv(iv), 0, iv.length, aadLen == 0 ? MemorySegment.NULL : hs.of(aad),
            aadOff, aadLen, len == 0 ? MemorySegment.NULL : hs.of(src), srcOff, len,
            len == 0 ? MemorySegment.NULL : hs.of(dst), dstOff, hs.of(tag), tagOff, tagLen);
    return st == NativeStatus.OK || NativeStatus.passed(st, 0, name + ": " + Opcode.name(op));
  }

  /**
   * This thread's staging array of at least {@code n} bytes, for an open's plaintext until its tag
   * verified; callers wipe what they staged ({@link HeapSegments#staging}).
   */
  public static byte[] staging(int n) {
    return HeapSegments.current().staging(n);
  }

  /** A digest on the caller's thread (cpu backend). */
  public void executeDigest(int op, byte[] in, int off, int len, byte[] out, int outOff, int outLen)
      throws DeviceException {
    if (len > 0) {
      Objects.checkFromIndexSize(off, len, in.length);
    }
    Objects.checkFromIndexSize(outOff, outLen, out.length);
    HeapSegments hs = HeapSegments.current();
    int st =
        Shim.executeDigest(
            q, op, len == 0 ? MemorySegment.NULL : hs.of(in), off, len, hs.of(out), outOff, outLen);
    NativeStatus.require(st, name + ": " + Opcode.name(op));
  }

  /**
   * Raw RSA ({@code op} RSA_PRIV_CRT or RSA_PUB) of {@code in[0..len)} into {@code
   * out[outOff..outOff+len)} on the caller's thread (cpu backend).
   *
   * @return true, or false when the engine's own check of a private-key result failed (EIO:
   *     nothing was written)
   */
  public boolean executeRsa(long session, int op, byte[] in, int len, byte[] out, int outOff)
      throws DeviceException {
    return rsaCall(false, session, op, in, len, out, outOff, len);
  }

  /** {@code ACCEL_RSA_HOST_BLIND}: c -> c r^e mod n || the opaque unblinding factor. */
  public static final int RSA_HOST_BLIND = 1;

  /** {@code ACCEL_RSA_HOST_UNBLIND}: s' || c' || factor -> c^d mod n, if s'^e mod n == c'. */
  public static final int RSA_HOST_UNBLIND = 2;

  /**
   * The host's arithmetic around another device's RSA private-key operation ({@code op} {@link
   * #RSA_HOST_BLIND} or {@link #RSA_HOST_UNBLIND}) on {@code session}'s key (cpu backend): {@code
   * in[0..inLen)} to {@code out[outOff..outOff+outLen)}, no copy.
   *
   * @return true, or false when the fault check failed (EIO: nothing was written)
   */
  public boolean rsaHost(long session, int op, byte[] in, int inLen, byte[] out, int outOff, int outLen)
      throws DeviceException {
    return rsaCall(true, session, op, in, inLen, out, outOff, outLen);
  }

  private boolean rsaCall(
      boolean host, long session, int op, byte[] in, int inLen, byte[] out, int outOff, int outLen)
      throws DeviceException {
    // The shim gets whole arrays: these checks are all that keeps C inside them.
    Objects.checkFromIndexSize(0, inLen, in.length);
    Objects.checkFromIndexSize(outOff, outLen, out.length);
    HeapSegments hs = HeapSegments.current();
    int st =
        host
            ? Shim.rsaHost(q, session, op, hs.of(in), 0, inLen, hs.of(out), outOff, outLen)
            : Shim.executeRsa(q, session, op, hs.of(in), 0, inLen, hs.of(out), outOff, outLen);
    if (st == NativeStatus.EIO) {
      return false;
    }
    NativeStatus.require(st, name + ": " + (host ? "rsa host op " + op : Opcode.name(op)));
    return true;
  }

  /**
   * {@code n} digests on the caller's thread (cpu backend): message i is {@code lens[i]} bytes of
   * {@code data}, right after message i-1; digest i lands at {@code out[i * digestLen ..]}.
   * Multi-buffer kernels hash several messages at once (AVX-512 lanes).
   */
  public void executeDigestBatch(int op, byte[] data, int[] lens, int n, byte[] out, int digestLen)
      throws DeviceException {
    if (n < 0 || n > lens.length || n > DIGEST_BATCH_MAX) {
      throw new IllegalArgumentException("digest batch of " + n + " messages");
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      if (lens[i] < 0) {
        throw new IllegalArgumentException("negative message length");
      }
      total += lens[i];
    }
    // The shim gets whole arrays: these checks are all that keeps C inside them.
    Objects.checkFromIndexSize(0, total, data.length);
    Objects.checkFromIndexSize(0, (long) n * digestLen, out.length);
    HeapSegments hs = HeapSegments.current();
    int st =
        Shim.executeDigestBatch(
            q, op, total == 0 ? MemorySegment.NULL : hs.of(data), 0, MemorySegment.ofArray(lens), 0, n,
            hs.of(out), 0, (long) n * digestLen);
    NativeStatus.require(st, name + ": digest batch");
  }

  // ---------------------------------------------------------------- lifetime

  /**
   * Destroys the native queue, waiting up to {@code drainMs} for in-flight requests (it cancels
   * the rest and wipes its sessions), and frees the descriptor memory. True when the shim
   * destroyed it; false when it refused (a handle used after fork: it leaks the queue on purpose
   * and the device may still write what it held).
   */
  public boolean destroy(int drainMs) {
    int rc = handle.destroy(drainMs);
    arena.close();
    return rc == NativeStatus.OK;
  }
}
