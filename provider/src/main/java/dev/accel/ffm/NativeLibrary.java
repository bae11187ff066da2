package dev.accel.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;

/**
 * Finds, loads and checks the native shim, once per process, and keeps the reason when it cannot.
 *
 * <p>Where the library comes from:
 *
 * <ul>
 *   <li>{@code -Daccel.native.path=/path/libaccelshim.so}: that file (system-library mode, no
 *       extraction);
 *   <li>otherwise the copy packaged in the jar under {@code /dev/accel/native/<platform>/} is
 *       extracted into a private directory ({@code -Daccel.native.dir}, or a fresh {@code 0700}
 *       temporary directory) that must be owned by this user and not writable by group or others,
 *       so no other user can swap the code this process is about to map.
 * </ul>
 *
 * <p>{@code -Daccel.native.disable=true} opts out. Nothing here throws during class
 * initialisation: a missing library, a platform without a packaged shim, native access not granted
 * ({@code --enable-native-access}), or an ABI mismatch all leave {@link #isAvailable()} false and
 * {@link #unavailabilityCause()} saying why, and the provider serves everything in software.
 */
@SuppressWarnings("restricted")
public final class NativeLibrary {
  private NativeLibrary() {}

  /** Must equal {@code ACCEL_ABI_VERSION} in accel_shim.h. */
  public static final int ABI_VERSION = 4;

  public static final String PROP_PATH = "accel.native.path";
  public static final String PROP_DIR = "accel.native.dir";
  public static final String PROP_DISABLE = "accel.native.disable";
  static final String LIB_NAME = "libaccelshim.so";

  /** The outcome of one load attempt: a lookup, or the reason there is none. */
  record LoadResult(SymbolLookup lookup, Path path, Throwable cause) {
    boolean available() {
      return lookup != null;
    }
  }

  /** Thrown (as a cause, never at class init) when the shim cannot be used. */
  public static final class UnavailableException extends Exception {
    UnavailableException(String message) {
      super(message);
    }

    UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // Lazy holder: the probe runs on first use, exactly once, and its result is constant-folded.
  private static final class Holder {
    static final LoadResult RESULT =
        load(
            System.getProperty(PROP_PATH),
            System.getProperty(PROP_DIR),
            Boolean.getBoolean(PROP_DISABLE),
            Arena.global());
  }

  /** True when the shim is loaded and its ABI matches this Java code. */
  public static boolean isAvailable() {
    return Holder.RESULT.available();
  }

  /** Why the shim is unavailable, or {@code null} when it is available. */
  public static Throwable unavailabilityCause() {
    return Holder.RESULT.cause();
  }

  /** The file the shim was loaded from, or {@code null}. */
  public static Path loadedPath() {
    return Holder.RESULT.path();
  }

  /** One-line description for logs and the command-line tool. */
  public static String describe() {
    LoadResult r = Holder.RESULT;
    return r.available() ? "loaded from " + r.path() : "unavailable: " + r.cause().getMessage();
  }

  /** The shim's symbols; throws {@link IllegalStateException} (with the cause) when unavailable. */
  static SymbolLookup lookup() {
    LoadResult r = Holder.RESULT;
    if (!r.available()) {
      throw new IllegalStateException("accel native shim " + describe(), r.cause());
    }
    return r.lookup();
  }

  /**
   * Loads the shim without touching the process-wide state (tests call it with their own
   * arguments). Never throws: failures come back as {@link LoadResult#cause()}.
   */
  static LoadResult load(String nativePath, String nativeDir, boolean disabled, Arena arena) {
    try {
      if (disabled) {
        throw new UnavailableException("disabled by -D" + PROP_DISABLE + "=true");
      }
      if (!NativeLibrary.class.getModule().isNativeAccessEnabled()) {
        String module = NativeLibrary.class.getModule().getName();
        throw new UnavailableException(
            "native access not enabled: run with --enable-native-access=ALL-UNNAMED (or the module"
                + " name dev.accel.provider)"
                + (module == null ? "" : "; this code is in module " + module),
            new IllegalCallerException("Module.isNativeAccessEnabled() is false"));
      }
      Path path;
      if (nativePath != null && !nativePath.isBlank()) {
        path = Path.of(nativePath);
        if (!Files.isRegularFile(path)) {
          throw new UnavailableException(
              "-D" + PROP_PATH + "=" + nativePath + ": no such file");
        }
      } else {
        path = extract(platform(), nativeDir == null || nativeDir.isBlank() ? null : Path.of(nativeDir));
      }
      SymbolLookup lookup;
      try {
        lookup = SymbolLookup.libraryLookup(path, arena);
      } catch (IllegalArgumentException | IllegalCallerException e) {
        throw new UnavailableException("cannot load " + path + ": " + e.getMessage(), e);
      }
      checkAbi(lookup, path);
      return new LoadResult(lookup, path, null);
    } catch (UnavailableException e) {
      return new LoadResult(null, null, e);
    } catch (Throwable t) {
      // Anything unexpected (I/O, security, linkage) still must not escape class initialisation.
      return new LoadResult(null, null, new UnavailableException("cannot load native shim: " + t, t));
    }
  }

  /** {@code linux-x86_64} or {@code linux-aarch64}; the packaged resource directory. */
  static String platform() throws UnavailableException {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux")) {
      throw new UnavailableException("no native shim for OS " + os + " (Linux only)");
    }
    return switch (arch) {
      case "amd64", "x86_64" -> "linux-x86_64";
      case "aarch64", "arm64" -> "linux-aarch64";
      default -> throw new UnavailableException("no native shim for architecture " + arch);
    };
  }

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  /**
   * Copies the packaged shim into {@code dir} (or a fresh 0700 temporary directory) under a
   * unique name, read+execute for the owner only, deleted when the JVM exits. A unique name per
   * process keeps one process from truncating a library another process has mapped.
   */
  static Path extract(String platform, Path dir) throws IOException, UnavailableException {
    String resource = "/dev/accel/native/" + platform + "/" + LIB_NAME;
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnavailableException(
            "no packaged shim for " + platform + " (resource " + resource + " not found); set -D"
                + PROP_PATH);
      }
      boolean created = false;
      if (dir == null) {
        dir =
            Files.createTempDirectory(
                "accel-native", PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        created = true;
      } else if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR); // umask may have narrowed the mode
      }
      checkPrivateDir(dir);
      if (created) {
        dir.toFile().deleteOnExit(); // deleteOnExit runs in reverse order: the file goes first
      }
      Path file =
          Files.createTempFile(
              dir, "libaccelshim-", ".so",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-x------"));
      return file;
    }
  }

  /** The directory must be a real directory, ours, and writable by nobody else. */
  static void checkPrivateDir(Path dir) throws IOException, UnavailableException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new UnavailableException(dir + " is not a directory (or is a symbolic link)");
    }
    int ownerUid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    // /proc/self belongs to this process's uid: no JNI or user-name lookup needed.
    int myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (ownerUid != myUid) {
      throw new UnavailableException(
          dir + " is owned by uid " + ownerUid + ", not by this process (uid " + myUid + ")");
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new UnavailableException(
          dir + " is writable by group or others (" + PosixFilePermissions.toString(perms)
              + "); the native library directory must be private");
    }
  }

  private static void checkAbi(SymbolLookup lookup, Path path) throws Throwable {
    Linker linker = Linker.nativeLinker();
    MethodHandle version =
        linker.downcallHandle(
            find(lookup, "accel_abi_version", path), FunctionDescriptor.of(Layouts.C_INT));
    MethodHandle sizeOf =
        linker.downcallHandle(
            find(lookup, "accel_abi_sizeof", path),
            FunctionDescriptor.of(Layouts.C_INT, Layouts.C_INT));
    int v = (int) version.invokeExact();
    if (v != ABI_VERSION) {
      throw new UnavailableException(
          path + ": ABI version " + Integer.toUnsignedString(v) + ", this provider needs "
              + ABI_VERSION);
    }
    for (String name : REQUIRED_SYMBOLS) {
      find(lookup, name, path);
    }
    Object[][] structs = {
      {Opcode.STRUCT_DESC, Layouts.DESC},
      {Opcode.STRUCT_CQE, Layouts.CQE},
      {Opcode.STRUCT_CAPS, Layouts.CAPS},
      {Opcode.STRUCT_HEALTH, Layouts.HEALTH},
      {Opcode.STRUCT_DEV_CONFIG, Layouts.DEV_CONFIG},
      {Opcode.STRUCT_RSA_KEY, Layouts.RSA_KEY},
      {Opcode.STRUCT_BN, Layouts.BN},
    };
    for (Object[] s : structs) {
      int id = (Integer) s[0];
      MemoryLayout layout = (MemoryLayout) s[1];
      int nativeSize = (int) sizeOf.invokeExact(id);
      if (Integer.toUnsignedLong(nativeSize) != layout.byteSize()) {
        throw new UnavailableException(
            path + ": struct " + layout.name().orElse("#" + id) + " is "
                + Integer.toUnsignedString(nativeSize) + " bytes in the shim but "
                + layout.byteSize() + " in Layouts.java (ABI mismatch)");
      }
    }
  }

  /**
   * Every entry point {@link Shim} binds. Since ABI 3 the shim exports all of them on every
   * platform, so one missing means a broken build: unavailable, with the symbol's name.
   */
  static final java.util.List<String> REQUIRED_SYMBOLS = java.util.List.of(
      "accel_backend_probe", "accel_buf_alloc", "accel_buf_free", "accel_dev_caps",
      "accel_dev_close", "accel_dev_health", "accel_dev_open", "accel_emu_inject",
      "accel_emu_set_profile", "accel_execute_digest", "accel_execute_digest_batch",
      "accel_execute_gcm", "accel_execute_rsa", "accel_kernels", "accel_queue_create",
      "accel_queue_destroy", "accel_queue_eventfd", "accel_queue_inflight", "accel_reap",
      "accel_rsa_host", "accel_session_create", "accel_session_destroy", "accel_submit",
      "accel_uacce_list", "accel_wait", "accel_wait_limit", "accel_wait_n");

  private static MemorySegment find(SymbolLookup lookup, String name, Path path)
      throws UnavailableException {
    return lookup
        .find(name)
        .orElseThrow(() -> new UnavailableException(path + ": missing symbol " + name));
  }
}
