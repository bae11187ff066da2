package dev.accel.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The shim's discovery calls as plain Java: whether a backend can open here and why not, which
 * kernel computes each operation, and the raw UACCE device list. Callers check {@link
 * NativeLibrary#isAvailable()} first.
 */
public final class Discovery {
  private Discovery() {}

  /** Why {@code backend} (enum accel_backend) cannot open here, or {@code ""} when it can. */
  public static String backendUnavailableReason(int backend) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment reason = arena.allocate(256);
      int rc = Shim.backendProbe(backend, reason, (int) reason.byteSize());
      if (rc == NativeStatus.OK) {
        return "";
      }
      String text = Layouts.fixedString(reason, 0, reason.byteSize());
      return text.isEmpty() ? NativeStatus.name(rc) : text;
    }
  }

  /** {@code accel_kernels}: one line per operation (empty when libcrypto is missing). */
  public static List<String> kernels() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(4096);
      if (Shim.kernels(buf, 4096) != NativeStatus.OK) {
        return List.of();
      }
      return List.of(buf.getString(0).split("\n"));
    }
  }

  /**
   * {@code accel_uacce_list}: one tab-separated line per UACCE device, or {@code null} when the
   * shim could not list them (the buffer grows up to 1 MiB).
   */
  public static String uacceList() {
    try (Arena arena = Arena.ofConfined()) {
      for (int size = 16 * 1024; size <= 1024 * 1024; size *= 4) {
        MemorySegment buf = arena.allocate(size);
        int rc = Shim.uacceList(buf, size);
        if (rc == NativeStatus.ENOMEM) {
          continue;
        }
        return rc < 0 ? null : buf.getString(0);
      }
    }
    return null;
  }
}
