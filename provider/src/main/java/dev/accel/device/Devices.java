package dev.accel.device;

import dev.accel.ffm.Discovery;
import dev.accel.ffm.NativeLibrary;
import dev.accel.ffm.NativeStatus;
import dev.accel.ffm.Opcode;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Discovers and opens devices. Nothing here throws because the native side is missing: {@link
 * #probe} reports why a backend is absent, and {@link #open} fails with a {@link DeviceException}
 * carrying the same reason.
 */
public final class Devices {
  private Devices() {}

  /** Every backend the shim knows, in preference order for display. */
  public static final List<String> BACKENDS = List.of("emu", "cpu", "uadk");

  /**
   * Whether a backend can be used in this process.
   *
   * @param reason empty when available; otherwise why not (library not loaded, no devices, ...)
   */
  public record Probe(String backend, boolean available, String reason) {}

  private record SharedKey(String backend, EmulatorControl.Profile profile) {}

  private static final ConcurrentHashMap<SharedKey, NativeDevice> SHARED = new ConcurrentHashMap<>();

  /** Probes {@code backend} ({@code emu}, {@code cpu} or {@code uadk}). */
  public static Probe probe(String backend) {
    Objects.requireNonNull(backend, "backend");
    int code = Opcode.backendCode(backend);
    if (code < 0) {
      throw new IllegalArgumentException("unknown backend " + backend + " (emu, cpu, uadk)");
    }
    if (!NativeLibrary.isAvailable()) {
      return new Probe(backend, false, "native shim " + NativeLibrary.describe());
    }
    String reason = Discovery.backendUnavailableReason(code);
    return new Probe(backend, reason.isEmpty(), reason);
  }

  /**
   * One UACCE device (a {@code /sys/class/uacce/<name>} node) as the shim's discovery sees it, with
   * why it cannot be used ({@code reason} is empty when {@code usable}). The shim reads the sysfs root
   * from {@code ACCEL_UACCE_SYSFS_ROOT} (default {@code /sys/class/uacce}) and device nodes from
   * {@code ACCEL_UACCE_DEV_ROOT} (default {@code /dev}) in this process's environment.
   */
  public record UacceDevice(
      String name,
      String driver,
      String api,
      int flags,
      List<String> algorithms,
      int availableInstances,
      int isolate,
      int numaNode,
      boolean usable,
      String reason) {}

  /**
   * Which kernel computes each operation on the cpu engine (and the emulated device) and why, one
   * line per operation; empty without the shim or when libcrypto is missing.
   */
  public static List<String> kernels() {
    if (!NativeLibrary.isAvailable()) {
      return List.of();
    }
    return Discovery.kernels();
  }

  /** The UACCE devices the shim discovers (empty without the shim or without devices). */
  public static List<UacceDevice> uacceDevices() {
    if (!NativeLibrary.isAvailable()) {
      return List.of();
    }
    String list = Discovery.uacceList();
    if (list == null) {
      return List.of();
    }
    List<UacceDevice> out = new java.util.ArrayList<>();
    try {
      for (String line : list.split("\n")) {
        String[] f = line.split("\t", -1);
        if (f.length < 10) {
          continue;
        }
        out.add(
            new UacceDevice(
                f[0], f[1], f[2], Integer.parseInt(f[3]),
                f[4].equals("-") ? List.of() : List.of(f[4].split(",")),
                Integer.parseInt(f[5]), Integer.parseInt(f[6]), Integer.parseInt(f[7]),
                f[8].equals("1"), f[9]));
      }
    } catch (NumberFormatException e) {
      return List.of(); // a malformed line: nothing to show
    }
    return List.copyOf(out);
  }

  /** Where the shim looks for UACCE devices (the environment override, else the default). */
  public static String uacceSysfsRoot() {
    String r = System.getenv("ACCEL_UACCE_SYSFS_ROOT");
    return r == null || r.isEmpty() ? "/sys/class/uacce" : r;
  }

  /**
   * Opens a NEW device of {@code backend}; the caller owns (and closes) it.
   *
   * @throws DeviceException GONE when the backend is unavailable (with the probe's reason), or the
   *     shim's status from {@code accel_dev_open}
   */
  public static NativeDevice open(String backend, DeviceOptions options) throws DeviceException {
    Objects.requireNonNull(options, "options");
    Probe p = probe(backend);
    if (!p.available()) {
      throw NativeStatus.gone(backend + ": " + p.reason());
    }
    return NativeDevice.open(backend, options);
  }

  /**
   * The process-wide device for ({@code backend}, {@code options.profile()}), opened on first use
   * with {@code options}. Closing it removes it from the cache (the next call opens a new one).
   */
  public static NativeDevice shared(String backend, DeviceOptions options) throws DeviceException {
    SharedKey key = new SharedKey(backend, options.profile());
    NativeDevice d = SHARED.get(key);
    if (d != null && !d.isClosed()) {
      return d;
    }
    synchronized (SHARED) {
      d = SHARED.get(key);
      if (d != null && !d.isClosed()) {
        return d;
      }
      NativeDevice fresh = open(backend, options);
      fresh.onClose(() -> SHARED.remove(key, fresh));
      SHARED.put(key, fresh);
      return fresh;
    }
  }
}
