package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.ffm.DeviceHandle;
import dev.accel.engine.Engine;
import dev.accel.engine.Op;
import dev.accel.ffm.Layouts;
import dev.accel.ffm.NativeException;
import dev.accel.ffm.NativeStatus;
import dev.accel.ffm.Opcode;
import dev.accel.ffm.Shim;
import dev.accel.metrics.Log2Histogram;
import dev.accel.queue.BufferPool;
import dev.accel.queue.DeviceQueue;
import dev.accel.queue.Request;
import dev.accel.queue.Session;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
  private final BufferPool pool;
  private final int queueDepth;
  private final boolean inlineCompletion; // cpu completes inside accel_submit
  private final AtomicReferenceArray<DeviceQueue> queues;
  private final Object[] queueLocks;
  private final AtomicInteger nextQueue = new AtomicInteger();
  private final AtomicInteger queuesCreated = new AtomicInteger();
  private final Log2Histogram batchSizes = new Log2Histogram(); // requests per accel_submit, all queues
  private final AtomicInteger queuesLeaked = new AtomicInteger(); // destroy refused (after fork)
  private final AtomicInteger buffersLeaked = new AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder retiredEagain = new java.util.concurrent.atomic.LongAdder();
  private final EmulatorControl emulator; // null unless emu
  private volatile boolean closed;
  private volatile Runnable onClose;

  private NativeDevice(String backend, DeviceOptions options, DeviceHandle handle, DeviceCapabilities caps) {
    this.backend = backend;
    this.options = options;
    this.handle = handle;
    this.caps = caps;
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment c = arena.allocate(Layouts.CAPS);
      int rc = h.caps(c);
      if (rc != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(rc, "accel_dev_caps(" + backend + ")");
      }
      return new NativeDevice(backend, options, h, toCapabilities(c));
    } catch (DeviceException | RuntimeException e) {
      h.close();
      throw e;
    }
  }

  static DeviceCapabilities toCapabilities(MemorySegment c) {
    int profile = c.get(Layouts.C_INT, Layouts.CAPS_PROFILE);
    int backend = c.get(Layouts.C_INT, Layouts.CAPS_BACKEND);
    EmulatorControl.Profile[] ps = EmulatorControl.Profile.values();
    String profileName =
        backend != Opcode.BACKEND_EMU ? "" : profile >= 0 && profile < ps.length ? ps[profile].configName() : "profile" + profile;
    return new DeviceCapabilities(
        Opcode.backendName(backend),
        Layouts.fixedString(c, Layouts.CAPS_NAME, Layouts.CAPS_NAME_LEN),
        Layouts.fixedString(c, Layouts.CAPS_DRIVER, Layouts.CAPS_DRIVER_LEN),
        c.get(Layouts.C_INT, Layouts.CAPS_OPS_MASK),
        c.get(Layouts.C_INT, Layouts.CAPS_AES_KEY_MASK),
        c.get(Layouts.C_INT, Layouts.CAPS_GCM_IV_MIN),
        c.get(Layouts.C_INT, Layouts.CAPS_GCM_IV_MAX),
        c.get(Layouts.C_INT, Layouts.CAPS_GCM_TAG_MIN),
        c.get(Layouts.C_INT, Layouts.CAPS_GCM_TAG_MAX),
        c.get(Layouts.C_INT, Layouts.CAPS_GCM_OPEN_TAG_MIN),
        c.get(Layouts.C_LONG_LONG, Layouts.CAPS_GCM_AAD_MAX),
        c.get(Layouts.C_LONG_LONG, Layouts.CAPS_GCM_DATA_MAX),
        (c.get(Layouts.C_INT, Layouts.CAPS_GCM_FLAGS) & Layouts.GCM_EMPTY_OK) != 0,
        c.get(Layouts.C_INT, Layouts.CAPS_RSA_BITS_MASK),
        (c.get(Layouts.C_INT, Layouts.CAPS_RSA_FLAGS) & Layouts.RSA_ANY_SIZE) != 0,
        c.get(Layouts.C_INT, Layouts.CAPS_RSA_MIN_BITS),
        c.get(Layouts.C_INT, Layouts.CAPS_RSA_MAX_BITS),
        c.get(Layouts.C_INT, Layouts.CAPS_QUEUE_DEPTH_MAX),
        c.get(Layouts.C_INT, Layouts.CAPS_QUEUES_MAX),
        c.get(Layouts.C_INT, Layouts.CAPS_ENGINES),
        c.get(Layouts.C_LONG_LONG, Layouts.CAPS_DIGEST_DATA_MAX),
        profileName,
        c.get(Layouts.C_INT, Layouts.CAPS_RSA_FLAGS));
  }

  static DeviceHealth toHealth(MemorySegment h) {
    return new DeviceHealth(
        DeviceHealth.State.of(h.get(Layouts.C_INT, Layouts.HEALTH_STATE)),
        h.get(Layouts.C_INT, Layouts.HEALTH_QUEUES_OPEN),
        h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_SUBMITTED),
        h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_COMPLETED),
        h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_ERRORS),
        h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_FAULTS),
        Layouts.fixedString(h, Layouts.HEALTH_REASON, Layouts.HEALTH_REASON_LEN));
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment h = arena.allocate(Layouts.HEALTH);
      int rc = handle.health(h);
      if (rc != NativeStatus.OK) {
        return new DeviceHealth(
            DeviceHealth.State.UNAVAILABLE, 0, 0, 0, 0, 0, "accel_dev_health: " + NativeStatus.name(rc));
      }
      return toHealth(h);
    }
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
      throw new DeviceException(DeviceException.Reason.GONE, 0, name() + " closed");
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
        retiredEagain.add(q.eagainCount());
        q.close(); // frees what the dead queue quarantined
        if (!q.destroyedCleanly()) {
          queuesLeaked.incrementAndGet();
          buffersLeaked.addAndGet(q.leakedBuffers());
        }
      }
      if (closed) {
        throw new DeviceException(DeviceException.Reason.GONE, 0, name() + " closed");
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
      queues.set(i, q);
      return q;
    }
  }

  private long deadline(long timeoutNanos) {
    return System.nanoTime() + (timeoutNanos > 0 ? timeoutNanos : options.defaultTimeoutNanos());
  }

  private static long align(long n) {
    return (n + 63) & ~63L;
  }

  // ---------------------------------------------------------------- validation

  /** {@code a[off..off+len)} must exist; NPE for a null array, IAE otherwise. */
  static void checkRange(String what, byte[] a, int off, int len) {
    Objects.requireNonNull(a, () -> what + " must not be null");
    if (off < 0) {
      throw new IllegalArgumentException(what + " offset must be >= 0: " + off);
    }
    if (len < 0) {
      throw new IllegalArgumentException(what + " length must be >= 0: " + len);
    }
    if (off > a.length - len) { // overflow-safe form of off + len > a.length
      throw new IllegalArgumentException(
          what + " range [" + off + ", " + off + " + " + len + ") exceeds its array length " + a.length);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(name() + " is closed");
    }
  }

  private void checkAesKey(AesKeyMaterial key) {
    Objects.requireNonNull(key, "key must not be null");
    if (key.isDestroyed()) {
      throw new IllegalArgumentException("key material destroyed");
    }
    int bit =
        switch (key.lengthBytes()) {
          case 16 -> 1;
          case 24 -> 2;
          case 32 -> 4;
          default -> 0;
        };
    if ((caps.aesKeyMask() & bit) == 0) {
      throw new IllegalArgumentException(
          "AES key of " + key.lengthBytes() + " bytes not supported by " + name());
    }
  }

  /** Checks a GCM request; {@code dataLen} is the payload (without the tag for open). */
  private void checkGcm(
      boolean open, AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen, long dataLen) {
    checkOpen();
    if (!caps.supportsOp(open ? Opcode.GCM_OPEN : Opcode.GCM_SEAL)) {
      throw new IllegalArgumentException(name() + " does not support AES-GCM " + (open ? "open" : "seal"));
    }
    checkAesKey(key);
    Objects.requireNonNull(iv, "iv must not be null");
    if (iv.length < caps.gcmIvMinBytes() || iv.length > caps.gcmIvMaxBytes()) {
      throw new IllegalArgumentException(
          "GCM IV length " + iv.length + " outside [" + caps.gcmIvMinBytes() + ", " + caps.gcmIvMaxBytes()
              + "] bytes for " + name());
    }
    int tagMin = open ? Math.max(caps.gcmTagMinBytes(), caps.gcmOpenTagMinBytes()) : caps.gcmTagMinBytes();
    if (tagLenBytes < tagMin || tagLenBytes > caps.gcmTagMaxBytes()) {
      throw new IllegalArgumentException(
          "GCM tag length " + tagLenBytes + " outside [" + tagMin + ", " + caps.gcmTagMaxBytes()
              + "] bytes for " + name());
    }
    if (aad == null) {
      if (aadOff != 0 || aadLen != 0) {
        throw new NullPointerException("aad must not be null when aadLen (" + aadLen + ") or aadOff is non-zero");
      }
    } else {
      checkRange("aad", aad, aadOff, aadLen);
    }
    if (aadLen > caps.gcmAadMaxBytes()) {
      throw new IllegalArgumentException("GCM AAD of " + aadLen + " bytes exceeds " + caps.gcmAadMaxBytes());
    }
    if (dataLen + aadLen > caps.gcmDataMaxBytes()) {
      throw new IllegalArgumentException(
          "GCM payload + AAD of " + (dataLen + aadLen) + " bytes exceeds " + caps.gcmDataMaxBytes());
    }
    if (dataLen == 0 && !caps.gcmEmptyPayloadOk()) {
      throw new IllegalArgumentException(name() + " rejects an empty GCM payload");
    }
  }

  // ---------------------------------------------------------------- AES-GCM

  /**
   * Open's staging array for the cpu fast path (plaintext waits there until the tag verified),
   * kept per thread up to the fast path's limit ({@link Shim#EXECUTE_MAX_BYTES}, 1 MiB): a fresh
   * array per large open was a G1 humongous allocation each time (3.2 ms per 1 MiB open against
   * 60 us per seal). The staged plaintext is wiped after each use.
   */
  private static final ThreadLocal<byte[]> SCRATCH = new ThreadLocal<>();

  private static byte[] scratch(int n) {
    if (n > Shim.EXECUTE_MAX_BYTES) {
      return new byte[n];
    }
    byte[] b = SCRATCH.get();
    if (b == null || b.length < n) {
      b = new byte[Math.max(n, 1024)];
      SCRATCH.set(b);
    }
    return b;
  }

  /** True when the ranges overlap other than exactly in place (the kernels handle in == out only). */
  private static boolean overlapsShifted(byte[] in, int inOff, byte[] out, int outOff, int len) {
    return in == out && inOff != outOff && inOff < outOff + len && outOff < inOff + len;
  }

  private int gcmSeal(Op.GcmSeal op, long timeoutNanos) throws DeviceException {
    AesKeyMaterial key = op.key();
    byte[] iv = op.iv(), aad = op.aad(), in = op.in(), out = op.out();
    int tagLenBytes = op.tagLenBytes(), aadOff = op.aadOff(), aadLen = op.aadLen();
    int inOff = op.inOff(), inLen = op.inLen(), outOff = op.outOff();
    checkRange("in", in, inOff, inLen);
    checkGcm(false, key, iv, tagLenBytes, aad, aadOff, aadLen, inLen);
    Objects.requireNonNull(out, "out must not be null");
    if (outOff < 0 || outOff > out.length - (inLen + tagLenBytes)) {
      throw new IllegalArgumentException(
          "out has no room for " + (inLen + tagLenBytes) + " bytes at offset " + outOff + " (length " + out.length + ")");
    }
    DeviceQueue q = queue();
    Session s = q.aesSession(key);
    if (q.canExecuteInline() && inLen <= Shim.EXECUTE_MAX_BYTES
        && !overlapsShifted(in, inOff, out, outOff, inLen + tagLenBytes)) {
      // cpu fast path: straight from/into the caller's arrays, on this thread
      int st = q.executeGcm(s, Opcode.GCM_SEAL, iv, aad, aadOff, aadLen, in, inOff, inLen, out, outOff,
          out, outOff + inLen, tagLenBytes);
      if (st != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(st, name() + ": gcm seal");
      }
      return inLen + tagLenBytes;
    }
    long deadline = deadline(timeoutNanos); // only waits need one (nanoTime is ~28 ns here)
    long srcOff = align(aadLen);
    long dstOff = srcOff + align(inLen);
    long ivOff = dstOff + align(inLen);
    long tagOff = ivOff + align(iv.length);
    Request r = q.newRequest(tagOff + tagLenBytes);
    try {
      MemorySegment b = r.buffer();
      if (aadLen > 0) {
        MemorySegment.copy(aad, aadOff, b, Layouts.C_CHAR, 0, aadLen);
      }
      MemorySegment.copy(in, inOff, b, Layouts.C_CHAR, srcOff, inLen);
      MemorySegment.copy(iv, 0, b, Layouts.C_CHAR, ivOff, iv.length);
      r.op(Opcode.GCM_SEAL).aad(0, aadLen).src(srcOff, inLen).dst(dstOff, inLen).iv(ivOff, iv.length).tag(tagOff, tagLenBytes);
      int st = q.execute(r, s, deadline);
      if (st != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(st, name() + ": gcm seal");
      }
      MemorySegment.copy(b, Layouts.C_CHAR, dstOff, out, outOff, inLen);
      MemorySegment.copy(b, Layouts.C_CHAR, tagOff, out, outOff + inLen, tagLenBytes);
      return inLen + tagLenBytes;
    } finally {
      q.release(r);
    }
  }

  private int gcmOpen(Op.GcmOpen op, long timeoutNanos) throws DeviceException, AEADBadTagException {
    AesKeyMaterial key = op.key();
    byte[] iv = op.iv(), aad = op.aad(), in = op.in(), out = op.out();
    int tagLenBytes = op.tagLenBytes(), aadOff = op.aadOff(), aadLen = op.aadLen();
    int inOff = op.inOff(), inLen = op.inLen(), outOff = op.outOff();
    checkRange("in", in, inOff, inLen);
    if (inLen < tagLenBytes) {
      throw new IllegalArgumentException(
          "GCM input of " + inLen + " bytes is shorter than the " + tagLenBytes + "-byte tag");
    }
    int ctLen = inLen - tagLenBytes;
    checkGcm(true, key, iv, tagLenBytes, aad, aadOff, aadLen, ctLen);
    Objects.requireNonNull(out, "out must not be null");
    if (outOff < 0 || outOff > out.length - ctLen) {
      throw new IllegalArgumentException(
          "out has no room for " + ctLen + " bytes at offset " + outOff + " (length " + out.length + ")");
    }
    DeviceQueue q = queue();
    Session s = q.aesSession(key);
    if (q.canExecuteInline() && ctLen <= Shim.EXECUTE_MAX_BYTES) {
      // cpu fast path; plaintext goes to a scratch array first so that out stays untouched
      // unless the tag verifies (the kernel zeroes its output on a mismatch)
      byte[] tmp = scratch(ctLen);
      try {
        int st = q.executeGcm(s, Opcode.GCM_OPEN, iv, aad, aadOff, aadLen, in, inOff, ctLen, tmp, 0,
            in, inOff + ctLen, tagLenBytes);
        if (st == NativeStatus.EBADMSG) {
          throw new AEADBadTagException("Tag mismatch");
        }
        System.arraycopy(tmp, 0, out, outOff, ctLen);
        return ctLen;
      } finally {
        Arrays.fill(tmp, 0, ctLen, (byte) 0); // plaintext must not linger in a per-thread array
      }
    }
    long deadline = deadline(timeoutNanos);
    long srcOff = align(aadLen);
    long dstOff = srcOff + align(ctLen);
    long ivOff = dstOff + align(ctLen);
    long tagOff = ivOff + align(iv.length);
    Request r = q.newRequest(tagOff + tagLenBytes);
    try {
      MemorySegment b = r.buffer();
      if (aadLen > 0) {
        MemorySegment.copy(aad, aadOff, b, Layouts.C_CHAR, 0, aadLen);
      }
      MemorySegment.copy(in, inOff, b, Layouts.C_CHAR, srcOff, ctLen);
      MemorySegment.copy(in, inOff + ctLen, b, Layouts.C_CHAR, tagOff, tagLenBytes);
      MemorySegment.copy(iv, 0, b, Layouts.C_CHAR, ivOff, iv.length);
      r.op(Opcode.GCM_OPEN).aad(0, aadLen).src(srcOff, ctLen).dst(dstOff, ctLen).iv(ivOff, iv.length).tag(tagOff, tagLenBytes);
      int st = q.execute(r, s, deadline);
      if (st == NativeStatus.EBADMSG) {
        throw new AEADBadTagException("Tag mismatch");
      }
      MemorySegment.copy(b, Layouts.C_CHAR, dstOff, out, outOff, ctLen);
      return ctLen;
    } finally {
      q.release(r);
    }
  }

  // ---------------------------------------------------------------- SHA-2


  private int digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff, long timeoutNanos)
      throws DeviceException {
    Objects.requireNonNull(alg, "alg must not be null");
    checkRange("in", in, off, len);
    checkOpen();
    if (alg.deviceOpcode() == 0 || !caps.supportsOp(alg.deviceOpcode())) {
      throw new IllegalArgumentException(alg.jcaName() + " is not computed by " + name());
    }
    if (len > caps.digestDataMaxBytes()) {
      throw new IllegalArgumentException(
          "digest input of " + len + " bytes exceeds " + caps.digestDataMaxBytes() + " for " + name());
    }
    Objects.requireNonNull(out, "out must not be null");
    int dlen = alg.digestLenBytes();
    if (outOff < 0 || outOff > out.length - dlen) {
      throw new IllegalArgumentException(
          "out has no room for the " + dlen + "-byte digest at offset " + outOff + " (length " + out.length + ")");
    }
    DeviceQueue q = queue();
    if (q.canExecuteInline() && len <= Shim.EXECUTE_MAX_BYTES) {
      q.executeDigest(alg.deviceOpcode(), in, off, len, out, outOff, dlen); // cpu fast path
      return dlen;
    }
    long deadline = deadline(timeoutNanos);
    long dstOff = align(len);
    Request r = q.newRequest(dstOff + 64);
    try {
      MemorySegment b = r.buffer();
      MemorySegment.copy(in, off, b, Layouts.C_CHAR, 0, len);
      r.op(alg.deviceOpcode()).src(0, len).dst(dstOff, 64);
      int st = q.execute(r, null, deadline);
      if (st != NativeStatus.OK || r.outLen() != dlen) {
        throw new DeviceException(
            DeviceException.Reason.DEVICE_ERROR, st, name() + ": " + alg.jcaName() + " returned " + r.outLen() + " bytes");
      }
      MemorySegment.copy(b, Layouts.C_CHAR, dstOff, out, outOff, dlen);
      return dlen;
    } finally {
      q.release(r);
    }
  }

  // ---------------------------------------------------------------- RSA

  private void checkRsa(RsaKeyMaterial key, byte[] input, boolean privateCrt) {
    checkOpen();
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(input, "input must not be null");
    if (privateCrt && !key.hasCrt()) {
      throw new IllegalArgumentException("RSA private CRT operation needs a two-prime CRT key");
    }
    if (!privateCrt && key.publicExponent() == null) {
      throw new IllegalArgumentException("RSA public operation needs the public exponent");
    }
    if (!caps.supportsRsa(key.modulusBits(), privateCrt)) {
      throw new IllegalArgumentException(
          "RSA-" + key.modulusBits() + (privateCrt ? " private CRT" : " public") + " not supported by " + name());
    }
    int k = key.modulusBytes();
    if (input.length != k) {
      throw new IllegalArgumentException(
          "RSA input must be exactly " + k + " bytes (the modulus length), got " + input.length);
    }
    if (!key.isBelowModulus(input)) {
      throw new IllegalArgumentException("RSA input must be less than the modulus (RFC 8017 5.1/5.2)");
    }
  }

  private int rsa(int opcode, RsaKeyMaterial key, byte[] input, byte[] out, long timeoutNanos) throws DeviceException {
    checkRsa(key, input, opcode == Opcode.RSA_PRIV_CRT);
    byte[] r = rsa(opcode, key, input, timeoutNanos);
    System.arraycopy(r, 0, out, 0, r.length);
    return r.length;
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
      case Op.Digest d -> digest(d.alg(), d.in(), d.off(), d.len(), d.out(), d.outOff(), timeoutNanos);
      case Op.RsaPrivate r -> rsa(Opcode.RSA_PRIV_CRT, r.key(), r.input(), r.out(), timeoutNanos);
      case Op.RsaPublic r -> rsa(Opcode.RSA_PUB, r.key(), r.input(), r.out(), timeoutNanos);
    };
  }

  /**
   * Ops of one kind go to the queue together (one submission, one doorbell): GCM seals or opens,
   * digests of one algorithm, RSA private-key operations with one key. Any other mix, and every op
   * on the run-to-completion cpu engine, runs one by one.
   */
  @Override
  public List<BatchOutcome> runBatch(List<? extends Op> ops) {
    return runBatch(ops, 0);
  }

  /** {@link #runBatch(List)} with one deadline for the whole batch ({@code <= 0}: the default). */
  public List<BatchOutcome> runBatch(List<? extends Op> ops, long timeoutNanos) {
    int n = ops.size();
    if (n == 0) {
      return List.of();
    }
    Op first = ops.get(0);
    boolean same = true;
    for (Op op : ops) {
      same &= sameBatchKind(first, op);
    }
    if (!same) {
      return Engine.runEach(this, ops);
    }
    List<BatchOutcome> res;
    switch (first) {
      case Op.GcmSeal s -> {
        List<GcmItem> items = new ArrayList<>(n);
        for (Op op : ops) {
          Op.GcmSeal g = (Op.GcmSeal) op;
          items.add(new GcmItem(g.key(), g.iv(), g.tagLenBytes(), slice(g.aad(), g.aadOff(), g.aadLen()),
              slice(g.in(), g.inOff(), g.inLen())));
        }
        res = gcmBatch(false, items, timeoutNanos);
      }
      case Op.GcmOpen o -> {
        List<GcmItem> items = new ArrayList<>(n);
        for (Op op : ops) {
          Op.GcmOpen g = (Op.GcmOpen) op;
          items.add(new GcmItem(g.key(), g.iv(), g.tagLenBytes(), slice(g.aad(), g.aadOff(), g.aadLen()),
              slice(g.in(), g.inOff(), g.inLen())));
        }
        res = gcmBatch(true, items, timeoutNanos);
      }
      case Op.Digest d -> {
        List<byte[]> messages = new ArrayList<>(n);
        for (Op op : ops) {
          Op.Digest g = (Op.Digest) op;
          messages.add(slice(g.in(), g.off(), g.len()));
        }
        res = digestBatch(d.alg(), messages, timeoutNanos);
      }
      case Op.RsaPrivate r -> {
        List<byte[]> inputs = new ArrayList<>(n);
        for (Op op : ops) {
          inputs.add(((Op.RsaPrivate) op).input());
        }
        res = rsaPrivateCrtBatch(r.key(), inputs, timeoutNanos);
      }
      case Op.RsaPublic r -> {
        return Engine.runEach(this, ops);
      }
    }
    BatchOutcome[] out = new BatchOutcome[n];
    for (int i = 0; i < n; i++) {
      BatchOutcome o = res.get(i);
      if (o.ok()) {
        Op op = ops.get(i);
        byte[] dst = Engine.outputOf(op);
        System.arraycopy(o.value(), 0, dst, outOffset(op), o.value().length);
        out[i] = BatchOutcome.of(dst);
      } else {
        out[i] = o;
      }
    }
    return List.of(out);
  }

  private static boolean sameBatchKind(Op a, Op b) {
    return switch (a) {
      case Op.GcmSeal s -> b instanceof Op.GcmSeal;
      case Op.GcmOpen o -> b instanceof Op.GcmOpen;
      case Op.Digest d -> b instanceof Op.Digest e && e.alg() == d.alg();
      case Op.RsaPrivate r -> b instanceof Op.RsaPrivate e && e.key() == r.key();
      case Op.RsaPublic r -> false;
    };
  }

  private static int outOffset(Op op) {
    return switch (op) {
      case Op.GcmSeal s -> s.outOff();
      case Op.GcmOpen o -> o.outOff();
      case Op.Digest d -> d.outOff();
      default -> 0;
    };
  }

  /** The range as an array of its own (no copy when it is the whole array). */
  private static byte[] slice(byte[] a, int off, int len) {
    if (a == null) {
      return new byte[0];
    }
    return off == 0 && len == a.length ? a : Arrays.copyOfRange(a, off, off + len);
  }

  private byte[] rsa(int op, RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException {
    int k = key.modulusBytes();
    DeviceQueue q = queue();
    Session s = q.rsaSession(key);
    if (q.canExecuteRsa()) {
      // cpu engine: straight from the caller's array into the result (critical downcall)
      byte[] result = new byte[k];
      int st = q.executeRsa(s, op, input, k, result, 0);
      if (st == NativeStatus.EIO && op == Opcode.RSA_PRIV_CRT && caps.engineBlindsAndVerifies()) {
        // the engine's own check s^e mod n == m failed (accel_shim.h: ACCEL_EIO, dst untouched)
        throw new DeviceException(DeviceException.Reason.FAULTY_RESULT, st, name() + ": RSA CRT result failed its check");
      }
      if (st != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(st, name() + ": " + Opcode.name(op));
      }
      return result;
    }
    long deadline = deadline(timeoutNanos);
    long dstOff = align(k);
    Request r = q.newRequest(dstOff + k);
    try {
      MemorySegment b = r.buffer();
      MemorySegment.copy(input, 0, b, Layouts.C_CHAR, 0, k);
      r.op(op).src(0, k).dst(dstOff, k);
      int st = q.execute(r, s, deadline);
      if (st != NativeStatus.OK || r.outLen() != k) {
        throw new DeviceException(
            DeviceException.Reason.DEVICE_ERROR, st, name() + ": " + Opcode.name(op) + " returned " + r.outLen() + " bytes");
      }
      byte[] result = new byte[k];
      MemorySegment.copy(b, Layouts.C_CHAR, dstOff, result, 0, k);
      return result;
    } finally {
      q.release(r);
    }
  }

  @Override
  public boolean hasRsaHostOps(int modulusBits) {
    if (closed || !dev.accel.ffm.Shim.hasRsaHost() || !"cpu".equals(backend())) {
      return false;
    }
    return caps.supportsRsa(modulusBits, false);
  }

  @Override
  public void rsaHostBlind(RsaKeyMaterial key, byte[] input, byte[] work) throws DeviceException {
    int k = checkRsaHost(key, work);
    Objects.requireNonNull(input, "input must not be null");
    if (input.length != k) {
      throw new IllegalArgumentException("RSA input must be exactly " + k + " bytes, got " + input.length);
    }
    DeviceQueue q = rsaHostQueue();
    int st = q.rsaHost(q.rsaSession(key), dev.accel.ffm.Shim.RSA_HOST_BLIND, input, k, work, k, 2 * k);
    if (st != NativeStatus.OK) {
      throw NativeStatus.toDeviceException(st, name() + ": rsa host blind");
    }
  }

  @Override
  public boolean rsaHostUnblind(RsaKeyMaterial key, byte[] work, byte[] out) throws DeviceException {
    int k = checkRsaHost(key, work);
    Objects.requireNonNull(out, "out must not be null");
    if (out.length < k) {
      throw new IllegalArgumentException("RSA output needs " + k + " bytes, got " + out.length);
    }
    DeviceQueue q = rsaHostQueue();
    int st = q.rsaHost(q.rsaSession(key), dev.accel.ffm.Shim.RSA_HOST_UNBLIND, work, 3 * k, out, 0, k);
    if (st == NativeStatus.EIO) {
      return false; // s'^e != c': the device's result is faulty
    }
    if (st != NativeStatus.OK) {
      throw NativeStatus.toDeviceException(st, name() + ": rsa host unblind");
    }
    return true;
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

  private DeviceQueue rsaHostQueue() throws DeviceException {
    DeviceQueue q = queue();
    if (!q.canRsaHost()) {
      throw new IllegalStateException(name() + ": no accel_rsa_host on this queue");
    }
    return q;
  }

  // ---------------------------------------------------------------- batches

  /** Reads the result of one completed batch element out of its buffer. */
  @FunctionalInterface
  private interface Finisher {
    byte[] finish(int index, Request r, int status) throws DeviceException, AEADBadTagException;
  }

  /**
   * Submits {@code reqs} together on {@code q} (one flush: one accel_submit while the ring has
   * room) and collects each outcome; every request is released. Null entries of {@code reqs}
   * were rejected while preparing and keep the failure already in {@code out}.
   */
  private List<BatchOutcome> runBatch(
      DeviceQueue q, List<Request> reqs, List<Session> sess, List<BatchOutcome> out, long deadline, Finisher f) {
    List<Request> live = new ArrayList<>();
    List<Session> liveSess = new ArrayList<>();
    for (int i = 0; i < reqs.size(); i++) {
      if (reqs.get(i) != null) {
        live.add(reqs.get(i));
        liveSess.add(sess.get(i));
      }
    }
    DeviceException queueFailure = null;
    try {
      q.submitAll(live, liveSess);
    } catch (DeviceException e) {
      queueFailure = e; // requests queued before the failure still complete
    }
    q.awaitAll(live, deadline); // one wake-up for the batch; the awaits below then return at once
    for (int i = 0; i < reqs.size(); i++) {
      Request r = reqs.get(i);
      if (r == null) {
        continue;
      }
      try {
        if (!r.isQueued() && queueFailure != null) {
          out.set(i, BatchOutcome.failed(queueFailure));
          continue;
        }
        int st = q.await(r, deadline);
        out.set(i, BatchOutcome.of(f.finish(i, r, st)));
      } catch (DeviceException | AEADBadTagException e) {
        out.set(i, BatchOutcome.failed(e));
      } finally {
        q.release(r);
      }
    }
    return out;
  }

  private static List<BatchOutcome> placeholders(int n) {
    List<BatchOutcome> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(null);
    }
    return out;
  }

  private List<BatchOutcome> gcmBatch(boolean open, List<GcmItem> items, long timeoutNanos) {
    List<BatchOutcome> out = placeholders(items.size());
    DeviceQueue q;
    try {
      q = queue();
    } catch (DeviceException e) {
      for (int i = 0; i < items.size(); i++) {
        out.set(i, BatchOutcome.failed(e));
      }
      return out;
    }
    if (q.canExecuteInline()) {
      // Run-to-completion engine: no ring, no doorbell to amortise; each message goes straight
      // from the caller's arrays to the kernel (PERFORMANCE.md: batching saves <= 5% in-process).
      for (int i = 0; i < items.size(); i++) {
        GcmItem it = items.get(i);
        byte[] in = it.input();
        int tagLen = it.tagLenBytes();
        try {
          if (open && in.length < tagLen) {
            throw new IllegalArgumentException("GCM input shorter than the tag");
          }
          byte[] o = new byte[open ? in.length - tagLen : in.length + tagLen];
          if (open) {
            gcmOpen(new Op.GcmOpen(it.key(), it.iv(), tagLen, it.aad(), 0, it.aad().length, in, 0, in.length, o, 0), timeoutNanos);
          } else {
            gcmSeal(new Op.GcmSeal(it.key(), it.iv(), tagLen, it.aad(), 0, it.aad().length, in, 0, in.length, o, 0), timeoutNanos);
          }
          out.set(i, BatchOutcome.of(o));
        } catch (DeviceException | IllegalArgumentException | AEADBadTagException e) {
          out.set(i, BatchOutcome.failed(e));
        }
      }
      return out;
    }
    long deadline = deadline(timeoutNanos);
    List<Request> reqs = new ArrayList<>(items.size());
    List<Session> sess = new ArrayList<>(items.size());
    long[] dstOffs = new long[items.size()];
    long[] tagOffs = new long[items.size()];
    for (int i = 0; i < items.size(); i++) {
      GcmItem it = items.get(i);
      Request r = null;
      try {
        int tagLen = it.tagLenBytes();
        byte[] in = it.input();
        if (open && in.length < tagLen) {
          throw new IllegalArgumentException("GCM input shorter than the tag");
        }
        int dataLen = open ? in.length - tagLen : in.length;
        int aadLen = it.aad().length;
        checkGcm(open, it.key(), it.iv(), tagLen, it.aad(), 0, aadLen, dataLen);
        Session s = q.aesSession(it.key());
        long srcOff = align(aadLen);
        long dstOff = srcOff + align(dataLen);
        long ivOff = dstOff + align(dataLen);
        long tagOff = ivOff + align(it.iv().length);
        r = q.newRequest(tagOff + tagLen);
        MemorySegment b = r.buffer();
        if (aadLen > 0) {
          MemorySegment.copy(it.aad(), 0, b, Layouts.C_CHAR, 0, aadLen);
        }
        MemorySegment.copy(in, 0, b, Layouts.C_CHAR, srcOff, dataLen);
        if (open) {
          MemorySegment.copy(in, dataLen, b, Layouts.C_CHAR, tagOff, tagLen);
        }
        MemorySegment.copy(it.iv(), 0, b, Layouts.C_CHAR, ivOff, it.iv().length);
        r.op(open ? Opcode.GCM_OPEN : Opcode.GCM_SEAL)
            .aad(0, aadLen).src(srcOff, dataLen).dst(dstOff, dataLen)
            .iv(ivOff, it.iv().length).tag(tagOff, tagLen);
        dstOffs[i] = dstOff;
        tagOffs[i] = tagOff;
        reqs.add(r);
        sess.add(s);
      } catch (DeviceException | IllegalArgumentException e) {
        if (r != null) {
          q.release(r);
        }
        reqs.add(null);
        sess.add(null);
        out.set(i, BatchOutcome.failed(e));
      }
    }
    return runBatch(q, reqs, sess, out, deadline, (i, r, st) -> {
      GcmItem it = items.get(i);
      int tagLen = it.tagLenBytes();
      int dataLen = open ? it.input().length - tagLen : it.input().length;
      MemorySegment b = r.buffer();
      if (open) {
        if (st == NativeStatus.EBADMSG) {
          throw new AEADBadTagException("Tag mismatch");
        }
        byte[] o = new byte[dataLen];
        MemorySegment.copy(b, Layouts.C_CHAR, dstOffs[i], o, 0, dataLen);
        return o;
      }
      if (st != NativeStatus.OK) {
        throw NativeStatus.toDeviceException(st, name() + ": gcm seal");
      }
      byte[] o = new byte[dataLen + tagLen];
      MemorySegment.copy(b, Layouts.C_CHAR, dstOffs[i], o, 0, dataLen);
      MemorySegment.copy(b, Layouts.C_CHAR, tagOffs[i], o, dataLen, tagLen);
      return o;
    });
  }

  private List<BatchOutcome> digestBatch(DigestAlgorithm alg, List<byte[]> messages, long timeoutNanos) {
    List<BatchOutcome> out = placeholders(messages.size());
    DeviceQueue q;
    try {
      q = queue();
    } catch (DeviceException e) {
      for (int i = 0; i < messages.size(); i++) {
        out.set(i, BatchOutcome.failed(e));
      }
      return out;
    }
    if (q.canExecuteDigestBatch() && digestBatchInline(q, alg, messages, out)) {
      return out;
    }
    if (q.canExecuteInline()) {
      for (int i = 0; i < messages.size(); i++) { // run-to-completion engine: see gcmBatch
        byte[] m = messages.get(i);
        try {
          byte[] o = new byte[alg.digestLenBytes()];
          digest(alg, m, 0, m.length, o, 0, timeoutNanos);
          out.set(i, BatchOutcome.of(o));
        } catch (DeviceException | IllegalArgumentException e) {
          out.set(i, BatchOutcome.failed(e));
        }
      }
      return out;
    }
    long deadline = deadline(timeoutNanos);
    List<Request> reqs = new ArrayList<>();
    List<Session> sess = new ArrayList<>();
    int dlen = alg.digestLenBytes();
    for (int i = 0; i < messages.size(); i++) {
      byte[] m = messages.get(i);
      Request r = null;
      try {
        checkOpen();
        if (alg.deviceOpcode() == 0 || !caps.supportsOp(alg.deviceOpcode())) {
          throw new IllegalArgumentException(alg.jcaName() + " is not computed by " + name());
        }
        if (m.length > caps.digestDataMaxBytes()) {
          throw new IllegalArgumentException("digest input exceeds " + caps.digestDataMaxBytes());
        }
        long dstOff = align(m.length);
        r = q.newRequest(dstOff + 64);
        MemorySegment.copy(m, 0, r.buffer(), Layouts.C_CHAR, 0, m.length);
        r.op(alg.deviceOpcode()).src(0, m.length).dst(dstOff, 64);
        reqs.add(r);
        sess.add(null);
      } catch (DeviceException | IllegalArgumentException e) {
        if (r != null) {
          q.release(r);
        }
        reqs.add(null);
        sess.add(null);
        out.set(i, BatchOutcome.failed(e));
      }
    }
    return runBatch(q, reqs, sess, out, deadline, (i, r, st) -> {
      if (st != NativeStatus.OK || r.outLen() != dlen) {
        throw new DeviceException(
            DeviceException.Reason.DEVICE_ERROR, st, name() + ": " + alg.jcaName() + " returned " + r.outLen() + " bytes");
      }
      byte[] o = new byte[dlen];
      MemorySegment.copy(r.buffer(), Layouts.C_CHAR, align(messages.get(i).length), o, 0, dlen);
      return o;
    });
  }

  /** Per-thread packing buffers of {@link #digestBatchInline}. */
  private static final class Packing {
    byte[] data = new byte[8192];
    byte[] digests = new byte[64 * 64];
    int[] lens = new int[64];
  }

  private static final ThreadLocal<Packing> PACKING = ThreadLocal.withInitial(Packing::new);

  /** Messages up to this total size are packed for the multi-buffer kernel; larger ones gain nothing. */
  private static final int PACK_MAX_BYTES = 256 * 1024;

  /**
   * The cpu engine's multi-buffer path: messages packed back to back into a per-thread array, one
   * downcall, digests unpacked. False (nothing done) when the batch does not fit the packing
   * limits or a message is not this device's to hash; the caller then goes message by message.
   */
  private boolean digestBatchInline(DeviceQueue q, DigestAlgorithm alg, List<byte[]> messages, List<BatchOutcome> out) {
    int n = messages.size();
    if (n == 0 || n > Shim.DIGEST_BATCH_MAX || alg.deviceOpcode() == 0 || !caps.supportsOp(alg.deviceOpcode())) {
      return false;
    }
    long total = 0;
    for (byte[] m : messages) {
      if (m.length > caps.digestDataMaxBytes()) {
        return false;
      }
      total += m.length;
    }
    if (total > PACK_MAX_BYTES) {
      return false;
    }
    int dlen = alg.digestLenBytes();
    Packing p = PACKING.get();
    if (p.data.length < total) {
      p.data = new byte[(int) Math.max(total, 2L * p.data.length)];
    }
    if (p.lens.length < n) {
      p.lens = new int[Math.max(n, 2 * p.lens.length)];
    }
    if (p.digests.length < n * dlen) {
      p.digests = new byte[Math.max(n * dlen, 2 * p.digests.length)];
    }
    int pos = 0;
    for (int i = 0; i < n; i++) {
      byte[] m = messages.get(i);
      System.arraycopy(m, 0, p.data, pos, m.length);
      pos += m.length;
      p.lens[i] = m.length;
    }
    try {
      q.executeDigestBatch(alg.deviceOpcode(), p.data, p.lens, n, p.digests, dlen);
      for (int i = 0; i < n; i++) {
        out.set(i, BatchOutcome.of(Arrays.copyOfRange(p.digests, i * dlen, (i + 1) * dlen)));
      }
    } catch (DeviceException | RuntimeException e) {
      for (int i = 0; i < n; i++) {
        out.set(i, BatchOutcome.failed(e));
      }
    } finally {
      Arrays.fill(p.data, 0, pos, (byte) 0); // messages may be secrets (HMAC keys, PRF input)
    }
    return true;
  }

  private List<BatchOutcome> rsaPrivateCrtBatch(RsaKeyMaterial key, List<byte[]> inputs, long timeoutNanos) {
    long deadline = deadline(timeoutNanos);
    List<BatchOutcome> out = placeholders(inputs.size());
    DeviceQueue q;
    Session s;
    try {
      q = queue();
      s = q.rsaSession(key);
    } catch (DeviceException e) {
      for (int i = 0; i < inputs.size(); i++) {
        out.set(i, BatchOutcome.failed(e));
      }
      return out;
    }
    int k = key.modulusBytes();
    long dstOff = align(k);
    List<Request> reqs = new ArrayList<>();
    List<Session> sess = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Request r = null;
      try {
        checkRsa(key, inputs.get(i), true);
        r = q.newRequest(dstOff + k);
        MemorySegment.copy(inputs.get(i), 0, r.buffer(), Layouts.C_CHAR, 0, k);
        r.op(Opcode.RSA_PRIV_CRT).src(0, k).dst(dstOff, k);
        reqs.add(r);
        sess.add(s);
      } catch (DeviceException | IllegalArgumentException e) {
        if (r != null) {
          q.release(r);
        }
        reqs.add(null);
        sess.add(null);
        out.set(i, BatchOutcome.failed(e));
      }
    }
    return runBatch(q, reqs, sess, out, deadline, (i, r, st) -> {
      if (st != NativeStatus.OK || r.outLen() != k) {
        throw new DeviceException(
            DeviceException.Reason.DEVICE_ERROR, st, name() + ": RSA returned " + r.outLen() + " bytes");
      }
      byte[] o = new byte[k];
      MemorySegment.copy(r.buffer(), Layouts.C_CHAR, dstOff, o, 0, k);
      return o;
    });
  }

  @Override
  public int inflight() {
    int n = 0;
    for (int i = 0; i < queues.length(); i++) {
      DeviceQueue q = queues.get(i);
      if (q != null) {
        n += q.inflightCount();
      }
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
      NativeStatus.check(handle.emuSetProfile(profile.ordinal()), "accel_emu_set_profile(" + profile.configName() + ")");
    }

    @Override
    public void inject(Fault fault, long count, long param) {
      Objects.requireNonNull(fault, "fault");
      if (count < 0 || param < 0) {
        throw new IllegalArgumentException("count and param must be >= 0");
      }
      checkOpen();
      NativeStatus.check(handle.emuInject(fault.ordinal(), count, param), "accel_emu_inject(" + fault + ")");
    }
  }
}
