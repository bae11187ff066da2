package dev.accel.ffm;

import dev.accel.device.DeviceCapabilities;
import dev.accel.device.DeviceException;
import dev.accel.device.DeviceHealth;
import dev.accel.device.EmulatorControl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sole owner of one {@code accel_dev *}. {@link #close()} closes the device (every {@link
 * QueueHandle} made from it must be closed first); a Cleaner closes a forgotten one.
 */
@SuppressWarnings("restricted")
public final class DeviceHandle implements AutoCloseable {
  private final MemorySegment dev; // accel_dev *, zero-length
  private final int backend; // enum accel_backend
  private final State state;
  private final Cleaner.Cleanable cleanable;

  // Shared between the handle and its cleaner action; must not reference the handle.
  private static final class State implements Runnable {
    final MemorySegment dev;
    final AtomicBoolean closed = new AtomicBoolean();

    State(MemorySegment dev) {
      this.dev = dev;
    }

    @Override
    public void run() {
      if (closed.compareAndSet(false, true)) {
        Shim.devClose(dev);
      }
    }
  }

  private DeviceHandle(MemorySegment dev, int backend) {
    this.dev = dev;
    this.backend = backend;
    this.state = new State(dev);
    this.cleanable = NativeCleaner.register(this, state);
  }

  /**
   * Opens a device ({@code accel_dev_open}). Zero means "backend default" for profile, engines
   * and maxQueues; numaNode -1 means any.
   *
   * @throws NativeException with the shim's status (ENODEV, ENOTSUP, EBUSY, ...)
   */
  public static DeviceHandle open(
      int backend, int profile, int engines, int numaNode, int maxQueues, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cfg = arena.allocate(Layouts.DEV_CONFIG); // zeroed: every field "default"
      cfg.set(Layouts.C_INT, Layouts.CFG_PROFILE, profile);
      cfg.set(Layouts.C_INT, Layouts.CFG_ENGINES, engines);
      cfg.set(Layouts.C_INT, Layouts.CFG_NUMA_NODE, numaNode);
      cfg.set(Layouts.C_INT, Layouts.CFG_MAX_QUEUES, maxQueues);
      cfg.set(Layouts.C_INT, Layouts.CFG_FLAGS, flags);
      MemorySegment out = arena.allocate(Layouts.C_POINTER);
      int rc = Shim.devOpen(backend, cfg, out);
      NativeStatus.check(rc, "accel_dev_open(" + Opcode.backendName(backend) + ")");
      MemorySegment dev = out.get(Layouts.C_POINTER, 0);
      if (dev.equals(MemorySegment.NULL)) {
        throw new NativeException(NativeStatus.ENODEV, "accel_dev_open returned NULL");
      }
      return new DeviceHandle(dev, backend);
    }
  }

  /** The raw {@code accel_dev *}. Valid until {@link #close()}. */
  public MemorySegment address() {
    ensureOpen();
    return dev;
  }

  /** enum accel_backend. */
  public int backend() {
    return backend;
  }

  public boolean isClosed() {
    return state.closed.get();
  }

  private void ensureOpen() {
    if (state.closed.get()) {
      throw new IllegalStateException("device handle closed");
    }
  }

  /** {@code accel_dev_caps}, decoded. */
  public DeviceCapabilities capabilities() throws DeviceException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment c = arena.allocate(Layouts.CAPS);
      NativeStatus.require(Shim.devCaps(address(), c), "accel_dev_caps(" + Opcode.backendName(backend) + ")");
      int profile = c.get(Layouts.C_INT, Layouts.CAPS_PROFILE);
      int backendCode = c.get(Layouts.C_INT, Layouts.CAPS_BACKEND);
      EmulatorControl.Profile[] ps = EmulatorControl.Profile.values();
      String profileName =
          backendCode != Opcode.BACKEND_EMU
              ? ""
              : profile >= 0 && profile < ps.length ? ps[profile].configName() : "profile" + profile;
      return new DeviceCapabilities(
          Opcode.backendName(backendCode),
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
  }

  /** {@code accel_dev_health}, decoded; UNAVAILABLE with the status when the call fails. */
  public DeviceHealth health() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment h = arena.allocate(Layouts.HEALTH);
      int rc = Shim.devHealth(address(), h);
      if (rc != NativeStatus.OK) {
        return new DeviceHealth(
            DeviceHealth.State.UNAVAILABLE, 0, 0, 0, 0, 0, "accel_dev_health: " + NativeStatus.name(rc));
      }
      return new DeviceHealth(
          DeviceHealth.State.of(h.get(Layouts.C_INT, Layouts.HEALTH_STATE)),
          h.get(Layouts.C_INT, Layouts.HEALTH_QUEUES_OPEN),
          h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_SUBMITTED),
          h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_COMPLETED),
          h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_ERRORS),
          h.get(Layouts.C_LONG_LONG, Layouts.HEALTH_FAULTS),
          Layouts.fixedString(h, Layouts.HEALTH_REASON, Layouts.HEALTH_REASON_LEN));
    }
  }

  /**
   * Allocates a device-visible buffer of {@code len} bytes, or returns {@code null} when the shim
   * has none. The returned segment is sized {@code len} and must go back via {@link #bufFree}.
   */
  public MemorySegment bufAlloc(long len) {
    MemorySegment p = Shim.bufAlloc(address(), len);
    return p.equals(MemorySegment.NULL) ? null : p.reinterpret(len);
  }

  public void bufFree(MemorySegment buf) {
    Shim.bufFree(address(), buf, buf.byteSize());
  }

  /**
   * Creates a queue of {@code depth} ring entries.
   *
   * @throws NativeException EBUSY past the queue budget, ENODEV when the device is gone, ...
   */
  public QueueHandle createQueue(int depth) {
    return QueueHandle.create(this, depth);
  }

  /** accel_emu_set_profile; {@link NativeException} on a failing status. */
  public void emuSetProfile(int profile, String what) {
    NativeStatus.check(Shim.emuSetProfile(address(), profile), what);
  }

  /** accel_emu_inject; {@link NativeException} on a failing status. */
  public void emuInject(int fault, long count, long param, String what) {
    NativeStatus.check(Shim.emuInject(address(), fault, count, param), what);
  }

  /** Closes the device; idempotent. Every queue must have been closed first. */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "DeviceHandle[" + Opcode.backendName(backend) + ", 0x" + Long.toHexString(dev.address())
        + (isClosed() ? ", closed]" : "]");
  }
}
