package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.ffm.DeviceHandle;
import dev.accel.ffm.Layouts;
import dev.accel.ffm.NativeException;
import dev.accel.ffm.NativeStatus;
import dev.accel.ffm.Opcode;
import dev.accel.queue.BufferPool;
import dev.accel.queue.DeviceQueue;
import dev.accel.queue.Request;
import dev.accel.queue.Session;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
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
      h = DeviceHandle.open(code, options.profile().ordinal(), options.engines(), options.numaNode(), 0, 0);
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
        profileName);
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
        q.close(); // frees what the dead queue quarantined
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
              options.busyRetryNanos());
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

  @Override
  public int gcmSeal(
      AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff, long timeoutNanos)
      throws DeviceException {
    checkRange("in", in, inOff, inLen);
    checkGcm(false, key, iv, tagLenBytes, aad, aadOff, aadLen, inLen);
    Objects.requireNonNull(out, "out must not be null");
    if (outOff < 0 || outOff > out.length - (inLen + tagLenBytes)) {
      throw new IllegalArgumentException(
          "out has no room for " + (inLen + tagLenBytes) + " bytes at offset " + outOff + " (length " + out.length + ")");
    }
    long deadline = deadline(timeoutNanos);
    DeviceQueue q = queue();
    Session s = q.aesSession(key);
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

  @Override
  public int gcmOpen(
      AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff, long timeoutNanos)
      throws DeviceException, AEADBadTagException {
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
    long deadline = deadline(timeoutNanos);
    DeviceQueue q = queue();
    Session s = q.aesSession(key);
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

  @Override
  public void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff, long timeoutNanos)
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
    long deadline = deadline(timeoutNanos);
    DeviceQueue q = queue();
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
    if (new BigInteger(1, input).compareTo(key.modulus()) >= 0) {
      throw new IllegalArgumentException("RSA input must be less than the modulus (RFC 8017 5.1/5.2)");
    }
  }

  @Override
  public byte[] rsaPrivateCrt(RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException {
    checkRsa(key, input, true);
    return rsa(Opcode.RSA_PRIV_CRT, key, input, timeoutNanos);
  }

  @Override
  public byte[] rsaPublic(RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException {
    checkRsa(key, input, false);
    return rsa(Opcode.RSA_PUB, key, input, timeoutNanos);
  }

  private byte[] rsa(int op, RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException {
    long deadline = deadline(timeoutNanos);
    int k = key.modulusBytes();
    DeviceQueue q = queue();
    Session s = q.rsaSession(key);
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
