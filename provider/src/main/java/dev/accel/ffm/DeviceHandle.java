package dev.accel.ffm;

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

  /** Fills {@code caps} (an accel_caps segment); returns the status. */
  public int caps(MemorySegment caps) {
    return Shim.devCaps(address(), caps);
  }

  /** Fills {@code health} (an accel_health segment); returns the status. */
  public int health(MemorySegment health) {
    return Shim.devHealth(address(), health);
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

  public int emuSetProfile(int profile) {
    return Shim.emuSetProfile(address(), profile);
  }

  public int emuInject(int fault, long count, long param) {
    return Shim.emuInject(address(), fault, count, param);
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
