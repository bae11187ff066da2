package dev.accel.device;


import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;

import dev.accel.engine.Op;
import dev.accel.ffm.BufferPool;

import dev.accel.ffm.DeviceHandle;
import dev.accel.ffm.Layouts;
import dev.accel.ffm.NativeException;
import dev.accel.ffm.NativeQueue;
import dev.accel.ffm.NativeStatus;
import dev.accel.ffm.Opcode;
import dev.accel.metrics.Log2Histogram;
import dev.accel.queue.DeviceQueue;
import dev.accel.queue.Request;
import dev.accel.queue.Session;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.crypto.AEADBadTagException;


/**
 * A {@link Device} backed by the native shim (emu and cpu today; uadk through the same class).
 *
 * <p>Every operation validates all its arguments in Java against {@link #capabilities()} and
 * throws {@link IllegalArgumentException} / {@link NullPointerException} before any native call.
 * Data crosses once in (heap array to a pooled device buffer) and once out (after the completion),
 * so {@code out} may overlap the inputs. Queues are created lazily and replaced after a
 * queue-level error.
 */
public final class NativeDevice implements Device {
  private static final long DEFAULT_POOL_BYTES = 64L << 20;

  private final String backend;
  private final DeviceOptions options;
  private final DeviceHandle handle;
  private final DeviceCapabilities caps;
  final NativeChecks checks;
  private final BufferPool pool;
  private final int queueDepth;
  private final boolean inlineCompletion; // cpu completes inside accel_submit
  private final AtomicReferenceArray<DeviceQueue> queues;
  private final Object[] queueLocks;
  private final AtomicInteger nextQueue = new AtomicInteger();
  private final AtomicInteger queuesCreated = new AtomicInteger();
  private final Log2Histogram batchSizes = new Log2Histogram(); // requests per accel_submit, all queues
  private final AtomicInteger queuesLeaked = new AtomicInteger(); // destroy refused (after fork)
  private final AtomicInteger queuesRetired = new AtomicInteger(); // past the quarantine limits
  private final AtomicInteger buffersLeaked = new AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder retiredEagain = new java.util.concurrent.atomic.LongAdder();
  private final EmulatorControl emulator; // null unless emu
  private final NativeBatch batches = new NativeBatch(this);
  private volatile boolean closed;
  private volatile Runnable onClose;

  private NativeDevice(String backend, DeviceOptions options, DeviceHandle handle, DeviceCapabilities caps) {
    this.backend = backend;
    this.options = options;
    this.handle = handle;
    this.caps = caps;
    this.checks = new NativeChecks(caps.name(), caps);
    this.pool = new BufferPool(handle, DEFAULT_POOL_BYTES);
    int depth = options.queueDepth() != 0 ? options.queueDepth() : ("cpu".equals(backend) ? 256 : 1024);
    this.queueDepth = Math.min(depth, Integer.highestOneBit(Math.max(2, caps.queueDepthMax())));
    this.inlineCompletion = "cpu".equals(backend);
    this.queues = new AtomicReferenceArray<>(options.queues());
    this.queueLocks = new Object[options.queues()];
    for (int i = 0; i < queueLocks.length; i++) {
      queueLocks[i] = new Object();
    }
    this.emulator = "emu".equals(backend) ? new Emulator() : null;
  }

  /** Opens a new device; see {@link Devices#open}. */

  /** Opens a new device; see {@link Devices#open}. */
  static NativeDevice open(String backend, DeviceOptions options) throws DeviceException {
    int code = Opcode.backendCode(backend);
    if (code < 0) {
      throw new IllegalArgumentException("unknown backend " + backend + " (emu, cpu, uadk)");
    }
    DeviceHandle h;
    try {
      h = DeviceHandle.open(
          code, options.profile().ordinal(), options.engines(), options.numaNode(), 0,
          options.poisonFreed() ? Layouts.DEV_POISON_FREED : 0);
    } catch (NativeException e) {
      throw NativeStatus.toDeviceException(e.code(), "open " + backend);
    }
    try {
      return new NativeDevice(backend, options, h, h.capabilities());
    } catch (DeviceException | RuntimeException e) {
      h.close();
      throw e;
    }
  }


  @Override
  public String name() {
    return caps.name();
  }

  @Override
  public String backend() {
    return backend;
  }

  @Override
  public DeviceCapabilities capabilities() {
    return caps;
  }

  /** The options this device was opened with. */
  public DeviceOptions options() {
    return options;
  }

  /** Ring entries of each queue this device creates. */
  public int queueDepth() {
    return queueDepth;
  }

  /** Queues this device spreads requests over. */
  public int queueCount() {
    return queues.length();
  }

  /** Queues created so far, replacements included. */
  public int queuesCreated() {
    return queuesCreated.get();
  }

  /** The device's buffer pool (for tests and metrics). */
  public BufferPool bufferPool() {
    return pool;
  }


  @Override
  public DeviceHealth health() {
    if (closed) {
      return new DeviceHealth(DeviceHealth.State.UNAVAILABLE, 0, 0, 0, 0, 0, "device closed");
    }
    return handle.health();
  }


  @Override
  public Optional<EmulatorControl> emulator() {
    return Optional.ofNullable(emulator);
  }

  void onClose(Runnable r) {
    this.onClose = r;
  }

  // ---------------------------------------------------------------- queues

  /**
   * The next queue (round-robin), creating it on first use and replacing it if it died.
   *
   * @throws DeviceException BUSY when the device's queue budget is exhausted, GONE if removed
   */
  public DeviceQueue queue() throws DeviceException {
    if (closed) {
      throw NativeStatus.gone(name() + " closed");
    }
    int n = queues.length();
    int i = n == 1 ? 0 : Math.floorMod(nextQueue.getAndIncrement(), n);
    DeviceQueue q = queues.get(i);
    if (q != null && !q.isDead()) {
      return q;
    }
    synchronized (queueLocks[i]) {
      q = queues.get(i);
      if (q != null && !q.isDead()) {
        return q;
      }
      if (q != null) {
        queues.set(i, null);
        if (q.retiredByQuarantine()) {
          queuesRetired.incrementAndGet();
        }
        retiredEagain.add(q.eagainCount());
        q.close(); // frees what the dead queue quarantined
        if (!q.destroyedCleanly()) {
          queuesLeaked.incrementAndGet();
          buffersLeaked.addAndGet(q.leakedBuffers());
        }
      }
      if (closed) {
        throw NativeStatus.gone(name() + " closed");
      }
      q =
          DeviceQueue.create(
              name() + "-q" + queuesCreated.getAndIncrement(),
              handle,
              pool,
              queueDepth,
              inlineCompletion,
              options.busyRetryNanos(),
              batchSizes,
              caps.engines() > 0 ? caps.engines() : 16);
      q.limitQuarantine(options.quarantineMaxRequests(), options.quarantineMaxBytes());
      queues.set(i, q);
      return q;
    }
  }

  long deadline(long timeoutNanos) {
    return System.nanoTime() + (timeoutNanos > 0 ? timeoutNanos : options.defaultTimeoutNanos());
  }


  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(name() + " is closed");
    }
  }

  // ---------------------------------------------------------------- AES-GCM

  /** True when the ranges overlap other than exactly in place (the kernels handle in == out only). */
  private static boolean overlapsShifted(byte[] in, int inOff, byte[] out, int outOff, int len) {
    return in == out && inOff != outOff && inOff < outOff + len && outOff < inOff + len;
  }

  private int gcmSeal(Op.GcmSeal op, long timeoutNanos) throws DeviceException {
    checkOpen();
    int inLen = op.inLen(), tagLen = op.tagLenBytes();
    checks.checkGcm(false, op.key(), op.iv(), tagLen, op.aad(), op.aadOff(), op.aadLen(),
        op.in(), op.inOff(), inLen, op.out(), op.outOff());
    DeviceQueue q = queue();
    Session s = q.aesSession(op.key());
    if (q.canExecuteInline() && inLen <= NativeQueue.EXECUTE_MAX_BYTES
        && !overlapsShifted(op.in(), op.inOff(), op.out(), op.outOff(), inLen + tagLen)) {
      // cpu fast path: straight from/into the caller's arrays, on this thread
      byte[] out = op.out();
      int outOff = op.outOff();
      if (!q.executeGcm(s, Opcode.GCM_SEAL, op.iv(), op.aad(), op.aadOff(), op.aadLen(), op.in(),
          op.inOff(), inLen, out, outOff, out, outOff + inLen, tagLen)) {
        throw NativeRequests.sealBug(name());
      }
      return inLen + tagLen;
    }
    Request r = NativeRequests.gcmRequest(q, false, op.key(), op.iv(), tagLen, op.aad(), op.aadOff(), op.aadLen(),
        op.in(), op.inOff(), inLen);
    try {
      return NativeRequests.finishSeal(name(), r, q.execute(r, s, deadline(timeoutNanos)), op.out(), op.outOff(), inLen, tagLen);
    } finally {
      q.release(r);
    }
  }

  private int gcmOpen(Op.GcmOpen op, long timeoutNanos) throws DeviceException, AEADBadTagException {
    checkOpen();
    int tagLen = op.tagLenBytes();
    int ctLen = checks.checkGcm(true, op.key(), op.iv(), tagLen, op.aad(), op.aadOff(), op.aadLen(),
        op.in(), op.inOff(), op.inLen(), op.out(), op.outOff());
    DeviceQueue q = queue();
    Session s = q.aesSession(op.key());
    if (q.canExecuteInline() && ctLen <= NativeQueue.EXECUTE_MAX_BYTES) {
      // cpu fast path; plaintext goes to a scratch array first so that out stays untouched
      // unless the tag verifies (the kernel zeroes its output on a mismatch)
      byte[] tmp = NativeQueue.staging(ctLen);
      try {
        byte[] in = op.in();
        if (!q.executeGcm(s, Opcode.GCM_OPEN, op.iv(), op.aad(), op.aadOff(), op.aadLen(), in,
            op.inOff(), ctLen, tmp, 0, in, op.inOff() + ctLen, tagLen)) {
          throw new AEADBadTagException("Tag mismatch");
        }
        System.arraycopy(tmp, 0, op.out(), op.outOff(), ctLen);
        return ctLen;
      } finally {
        Arrays.fill(tmp, 0, ctLen, (byte) 0); // plaintext must not linger in a per-thread array
      }
    }
    Request r = NativeRequests.gcmRequest(q, true, op.key(), op.iv(), tagLen, op.aad(), op.aadOff(), op.aadLen(),
        op.in(), op.inOff(), ctLen);
    try {
      return NativeRequests.finishOpen(r, q.execute(r, s, deadline(timeoutNanos)), op.out(), op.outOff(), ctLen);
    } finally {
      q.release(r);
    }
  }

  // ---------------------------------------------------------------- SHA-2

  private int digest(Op.Digest op, long timeoutNanos) throws DeviceException {
    checkOpen();
    DigestAlgorithm alg = op.alg();
    byte[] in = op.in();
    int off = op.off(), len = op.len();
    checks.checkDigest(alg, in, off, len, op.out(), op.outOff());
    int dlen = alg.digestLenBytes();
    DeviceQueue q = queue();
    if (q.canExecuteInline() && len <= NativeQueue.EXECUTE_MAX_BYTES) {
      q.executeDigest(alg.deviceOpcode(), in, off, len, op.out(), op.outOff(), dlen); // cpu fast path
      return dlen;
    }
    Request r = NativeRequests.digestRequest(q, alg, in, off, len);
    try {
      NativeRequests.finishDigest(name(), r, q.execute(r, null, deadline(timeoutNanos)), dlen, op.out(), op.outOff());
      return dlen;
    } finally {
      q.release(r);
    }
  }

  // ---------------------------------------------------------------- RSA

  private int rsa(int op, RsaKeyMaterial key, byte[] input, byte[] out, long timeoutNanos) throws DeviceException {
    checkOpen();
    checks.checkRsa(key, input, op == Opcode.RSA_PRIV_CRT);
    int k = key.modulusBytes();
    DeviceQueue q = queue();
    Session s = q.rsaSession(key);
    if (q.canExecuteInline()) {
      // cpu engine: straight from the caller's array into a fresh result (critical downcall); out
      // is written only once the engine's own check passed
      byte[] result = new byte[k];
      if (!q.executeRsa(s, op, input, k, result, 0)) {
        if (op == Opcode.RSA_PRIV_CRT && caps.engineBlindsAndVerifies()) {
          // the engine's own check s^e mod n == m failed (accel_shim.h: ACCEL_EIO, dst untouched)
          throw NativeStatus.faultyResult(name() + ": RSA CRT result failed its check");
        }
        throw NativeStatus.toDeviceException(NativeStatus.EIO, name() + ": " + Opcode.name(op));
      }
      System.arraycopy(result, 0, out, 0, k);
      return k;
    }
    Request r = NativeRequests.rsaRequest(q, op, input, k);
    try {
      NativeRequests.finishDigest(name(), r, q.execute(r, s, deadline(timeoutNanos)), k, out, 0);
      return k;
    } finally {
      q.release(r);
    }
  }

  @Override
  public boolean hasRsaHostOps(int modulusBits) {
    return !closed && inlineCompletion && caps.supportsRsa(modulusBits, false);
  }

  @Override
  public void rsaHostBlind(RsaKeyMaterial key, byte[] input, byte[] work) throws DeviceException {
    int k = checkRsaHost(key, work);
    Objects.requireNonNull(input, "input must not be null");
    if (input.length != k) {
      throw new IllegalArgumentException("RSA input must be exactly " + k + " bytes, got " + input.length);
    }
    DeviceQueue q = queue();
    if (!q.rsaHost(q.rsaSession(key), NativeQueue.RSA_HOST_BLIND, input, k, work, k, 2 * k)) {
      throw NativeStatus.toDeviceException(NativeStatus.EIO, name() + ": rsa host blind");
    }
  }

  @Override
  public boolean rsaHostUnblind(RsaKeyMaterial key, byte[] work, byte[] out) throws DeviceException {
    int k = checkRsaHost(key, work);
    Objects.requireNonNull(out, "out must not be null");
    if (out.length < k) {
      throw new IllegalArgumentException("RSA output needs " + k + " bytes, got " + out.length);
    }
    DeviceQueue q = queue();
    // false: s'^e != c', the device's result is faulty
    return q.rsaHost(q.rsaSession(key), NativeQueue.RSA_HOST_UNBLIND, work, 3 * k, out, 0, k);
  }

  private int checkRsaHost(RsaKeyMaterial key, byte[] work) {
    checkOpen();
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(work, "work must not be null");
    if (key.publicExponent() == null || !hasRsaHostOps(key.modulusBits())) {
      throw new IllegalArgumentException(name() + " cannot do host RSA arithmetic for this key");
    }
    int k = key.modulusBytes();
    if (work.length != 3 * k) {
      throw new IllegalArgumentException("RSA host work array must be " + 3 * k + " bytes, got " + work.length);
    }
    return k;
  }

  // ---------------------------------------------------------------- the engine entry points

  @Override
  public int run(Op op) throws DeviceException, AEADBadTagException {
    return run(op, 0);
  }

  /**
   * {@link #run(Op)} with its own deadline instead of the device's default ({@link
   * DeviceOptions#defaultTimeoutNanos()}); {@code timeoutNanos <= 0} means the default.
   */
  public int run(Op op, long timeoutNanos) throws DeviceException, AEADBadTagException {
    return switch (op) {
      case Op.GcmSeal s -> gcmSeal(s, timeoutNanos);
      case Op.GcmOpen o -> gcmOpen(o, timeoutNanos);
      case Op.Digest d -> digest(d, timeoutNanos);
      case Op.RsaPrivate r -> rsa(Opcode.RSA_PRIV_CRT, r.key(), r.input(), r.out(), timeoutNanos);
      case Op.RsaPublic r -> rsa(Opcode.RSA_PUB, r.key(), r.input(), r.out(), timeoutNanos);
    };
  }

  /**
   * Ops of one kind go to the queue together (one submission, one doorbell): GCM seals or opens,
   * digests of one algorithm, RSA private-key operations with one key. Any other mix, and every
   * GCM op on the run-to-completion cpu engine, runs one by one. Each result is written to its
   * op's {@code out}.
   */
  @Override
  public List<BatchOutcome> runBatch(List<? extends Op> ops) {
    return runBatch(ops, 0);
  }

  /** {@link #runBatch(List)} with one deadline for the whole batch ({@code <= 0}: the default). */
  public List<BatchOutcome> runBatch(List<? extends Op> ops, long timeoutNanos) {
    return batches.run(ops, timeoutNanos);
  }

  @Override
  public int inflight() {
    int n = 0;
    for (DeviceQueue q : liveQueues()) {
      n += q.inflightCount();
    }
    return n;
  }

  /** Requests per accel_submit downcall over every queue this device created. */
  public Log2Histogram batchSizes() {
    return batchSizes;
  }

  /**
   * Queues whose destroy the shim refused because the handle looked used after fork (it leaks
   * them on purpose: a forked child must not touch the parent's queue memory), and the device
   * buffers they held, which are therefore never freed or reused.
   */
  /** Queues retired because their abandoned requests held too much (lost completions). */
  public int queuesRetired() {
    return queuesRetired.get();
  }

  public int queuesLeakedAfterFork() {
    return queuesLeaked.get();
  }

  public int buffersLeakedAfterFork() {
    return buffersLeaked.get();
  }

  /** accel_submit calls answered EAGAIN (ring full) over every queue this device created. */
  public long queueFullRetries() {
    long n = retiredEagain.sum();
    for (DeviceQueue q : liveQueues()) {
      n += q.eagainCount();
    }
    return n;
  }

  /** Live queues of this device (for metrics: batch sizes, EAGAIN, timeouts). */
  public List<DeviceQueue> liveQueues() {
    List<DeviceQueue> out = new ArrayList<>();
    for (int i = 0; i < queues.length(); i++) {
      DeviceQueue q = queues.get(i);
      if (q != null) {
        out.add(q);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- lifetime

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (int i = 0; i < queues.length(); i++) {
      synchronized (queueLocks[i]) {
        DeviceQueue q = queues.getAndSet(i, null);
        if (q != null) {
          q.close();
        }
      }
    }
    pool.close();
    handle.close();
    Runnable r = onClose;
    if (r != null) {
      r.run();
    }
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "NativeDevice[" + name() + ", " + backend + (closed ? ", closed]" : "]");
  }

  /** accel_emu_set_profile / accel_emu_inject on this device. */
  private final class Emulator implements EmulatorControl {
    @Override
    public void setProfile(Profile profile) {
      Objects.requireNonNull(profile, "profile");
      checkOpen();
      handle.emuSetProfile(profile.ordinal(), "accel_emu_set_profile(" + profile.configName() + ")");
    }

    @Override
    public void inject(Fault fault, long count, long param) {
      Objects.requireNonNull(fault, "fault");
      if (count < 0 || param < 0) {
        throw new IllegalArgumentException("count and param must be >= 0");
      }
      checkOpen();
      handle.emuInject(fault.ordinal(), count, param, "accel_emu_inject(" + fault + ")");
    }
  }
}
