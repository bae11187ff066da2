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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, loads and checks the native shim, once per process, and keeps the reason when it cannot.
 *
 * <p>Where the library comes from:
 *
 * <ul>
 *   <li>{@code -Daccel.native.path=/path/libaccelshim.so}: that file (system-library mode, no
 *       copy);
 *   <li>{@code -Daccel.native.dir=/dir}: the copy packaged in the jar under {@code
 *       /dev/accel/native/<platform>/} is written to a new file with an unpredictable name in that
 *       directory ({@code O_CREAT|O_EXCL}, mode {@code 0500}), unlinked, and loaded through the
 *       descriptor that wrote it ({@code /proc/self/fd/N}). The directory must exist (it is never
 *       created) and it and every ancestor must be owned by root or by this user and not writable
 *       by group or others unless sticky (like {@code /tmp}); every refusal names the key;
 *   <li>otherwise the packaged copy is written to an anonymous, sealed {@code memfd} and loaded
 *       from {@code /proc/self/fd/N}: no file exists at any time. Where the kernel refuses a memfd
 *       (older than 3.17, seccomp, {@code vm.memfd_noexec=2}) or {@code dlopen} refuses one, it is
 *       written into a fresh {@code 0700} directory {@code accel-native-<pid>-<start>-<random>}
 *       under {@code java.io.tmpdir}, and the file and the directory are removed before this
 *       method returns (as Netty's native loader does).
 * </ul>
 *
 * <p>Before loading, directories {@code accel-native-<pid>-<start>-*} of this user in {@code
 * java.io.tmpdir} whose process is gone (a {@code kill -9} between creating and removing them)
 * are deleted, without following symbolic links.
 *
 * <p>{@code -Daccel.native.disable=true} opts out. Nothing here throws during class
 * initialisation: a missing library, a platform without a packaged shim, native access not granted
 * ({@code --enable-native-access}), an unsafe directory or an ABI mismatch all leave {@link
 * #isAvailable()} false and {@link #unavailabilityCause()} saying why, and the provider serves
 * everything in software.
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
  /** Prefix of the fallback directories in java.io.tmpdir; the stale-directory sweep parses it. */
  static final String TEMP_PREFIX = "accel-native-";

  private static final System.Logger LOG = System.getLogger("dev.accel");

  /**
   * The outcome of one load attempt: a lookup and where it came from, or the reason there is none.
   * {@code path} is the file named by {@code accel.native.path}; null for a packaged copy, which
   * never outlives the load.
   */
  record LoadResult(SymbolLookup lookup, String source, Path path, Throwable cause) {
    boolean available() {
      return lookup != null;
    }
  }

  /** A loaded library before its ABI check. */
  private record Loaded(SymbolLookup lookup, String source) {}

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
            Arena.global(),
            tempRoot(),
            true);
  }

  /** True when the shim is loaded and its ABI matches this Java code. */
  public static boolean isAvailable() {
    return Holder.RESULT.available();
  }

  /** Why the shim is unavailable, or {@code null} when it is available. */
  public static Throwable unavailabilityCause() {
    return Holder.RESULT.cause();
  }

  /**
   * The file the shim was loaded from when {@code accel.native.path} names one; {@code null} when
   * it was loaded from the jar (from memory, or from a file removed right after loading) or is
   * unavailable. {@link #describe()} says which.
   */
  public static Path loadedPath() {
    return Holder.RESULT.path();
  }

  /** One-line description for logs and the command-line tool. */
  public static String describe() {
    LoadResult r = Holder.RESULT;
    return r.available() ? "loaded from " + r.source() : "unavailable: " + r.cause().getMessage();
  }

  /** The shim's symbols; throws {@link IllegalStateException} (with the cause) when unavailable. */
  static SymbolLookup lookup() {
    LoadResult r = Holder.RESULT;
    if (!r.available()) {
      throw new IllegalStateException("accel native shim " + describe(), r.cause());
    }
    return r.lookup();
  }

  /** java.io.tmpdir; called during class initialisation, so it never throws. */
  static Path tempRoot() {
    try {
      return Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
    } catch (InvalidPathException e) {
      return Path.of("/tmp");
    }
  }

  /** {@link #load(String, String, boolean, Arena, Path, boolean)} with the process's temp dir. */
  static LoadResult load(String nativePath, String nativeDir, boolean disabled, Arena arena) {
    return load(nativePath, nativeDir, disabled, arena, tempRoot(), true);
  }

  /**
   * Loads the shim without touching the process-wide state (tests call it with their own
   * arguments: {@code tempRoot} stands for java.io.tmpdir, {@code tryMemfd=false} models a kernel
   * that refuses a memfd). Never throws: failures come back as {@link LoadResult#cause()}.
   */
  static LoadResult load(
      String nativePath, String nativeDir, boolean disabled, Arena arena, Path tempRoot,
      boolean tryMemfd) {
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
      // Whatever this process loads, what killed processes left goes first. This process leaves
      // nothing itself: its own fallback directory is removed before load returns.
      removeStaleDirs(tempRoot);
      if (nativePath != null && !nativePath.isBlank()) {
        Path path = Path.of(nativePath);
        if (!Files.isRegularFile(path)) {
          throw new UnavailableException(
              "-D" + PROP_PATH + "=" + nativePath + ": no such file");
        }
        SymbolLookup lookup;
        try {
          lookup = SymbolLookup.libraryLookup(path, arena);
        } catch (IllegalArgumentException | IllegalCallerException e) {
          throw new UnavailableException("cannot load " + path + ": " + e.getMessage(), e);
        }
        checkAbi(lookup, path.toString());
        return new LoadResult(lookup, path.toString(), path, null);
      }
      byte[] lib = packagedShim(platform());
      Loaded loaded =
          nativeDir != null && !nativeDir.isBlank()
              ? loadFromConfiguredDir(nativeDir, lib, arena)
              : loadFromMemoryOrTemp(lib, arena, tempRoot, tryMemfd);
      checkAbi(loaded.lookup(), loaded.source());
      return new LoadResult(loaded.lookup(), loaded.source(), null, null);
    } catch (UnavailableException e) {
      return new LoadResult(null, null, null, e);
    } catch (Throwable t) {
      // Anything unexpected (I/O, security, linkage) still must not escape class initialisation.
      return new LoadResult(
          null, null, null, new UnavailableException("cannot load native shim: " + t, t));
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

  /** The shim packaged for {@code platform}, read whole (about 1.4 MB, once per process). */
  static byte[] packagedShim(String platform) throws IOException, UnavailableException {
    String resource = "/dev/accel/native/" + platform + "/" + LIB_NAME;
    try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UnavailableException(
            "no packaged shim for " + platform + " (resource " + resource + " not found); set -D"
                + PROP_PATH);
      }
      byte[] lib = in.readAllBytes();
      if (lib.length == 0) {
        throw new UnavailableException("packaged shim " + resource + " is empty");
      }
      return lib;
    }
  }

  // ---- loading from a descriptor ----

  private static final String PROC_FD = "/proc/self/fd/";

  /** dlopen needs a name; /proc/self/fd/N names exactly the open descriptor's inode. */
  private static boolean procFdUsable() {
    return Files.isDirectory(Path.of(PROC_FD));
  }

  private static SymbolLookup dlopen(String name, Arena arena, String shown)
      throws UnavailableException {
    try {
      // The String form goes to dlopen as is; the Path form would resolve /proc/self/fd/N to
      // "/memfd:... (deleted)", which does not exist.
      return SymbolLookup.libraryLookup(name, arena);
    } catch (IllegalArgumentException | IllegalCallerException e) {
      throw new UnavailableException("cannot load " + shown + ": " + e.getMessage(), e);
    }
  }

  /**
   * dlopen of {@code /proc/self/fd/fd}; on success the descriptor stays open as long as the
   * library stays loaded (until {@code arena} closes; never for the process-wide one). glibc
   * finds an already loaded library by the name string first: were N closed and reused, another
   * loader's {@code dlopen("/proc/self/fd/N")} would get this library instead of its own.
   */
  private static SymbolLookup dlopenFd(int fd, Arena arena, String shown)
      throws UnavailableException {
    SymbolLookup lookup = dlopen(PROC_FD + fd, arena, shown);
    MemorySegment.NULL.reinterpret(arena, unused -> LibC.close(fd));
    return lookup;
  }

  private static final int SEAL_ALL =
      LibC.F_SEAL_SEAL | LibC.F_SEAL_SHRINK | LibC.F_SEAL_GROW | LibC.F_SEAL_WRITE;

  /**
   * The packaged shim from a memfd: no file at any time, so nothing can be left behind. The memfd
   * is sealed before loading, so not even this user's other processes (through /proc/PID/fd) can
   * change the code between the write and dlopen, or afterwards.
   */
  private static Loaded loadFromMemfd(byte[] lib, Arena arena)
      throws LibC.LibCException, UnavailableException {
    if (!procFdUsable()) {
      throw new UnavailableException(PROC_FD + " is not available");
    }
    if (!LibC.hasMemfdCreate()) {
      throw new UnavailableException("libc has no memfd_create");
    }
    int flags = LibC.MFD_CLOEXEC | LibC.MFD_ALLOW_SEALING;
    int fd;
    try {
      // MFD_EXEC keeps the memfd executable where vm.memfd_noexec=1 would make it noexec.
      fd = LibC.memfdCreate(LIB_NAME, flags | LibC.MFD_EXEC);
    } catch (LibC.LibCException e) {
      if (e.errno != LibC.EINVAL) {
        throw e;
      }
      fd = LibC.memfdCreate(LIB_NAME, flags); // before Linux 6.3 MFD_EXEC is unknown: EINVAL
    }
    boolean kept = false;
    try {
      LibC.writeFully(fd, lib);
      LibC.addSeals(fd, SEAL_ALL);
      SymbolLookup lookup = dlopenFd(fd, arena, "memfd:" + LIB_NAME);
      kept = true;
      return new Loaded(lookup, "memfd:" + LIB_NAME + " (in memory, no file)");
    } finally {
      if (!kept) {
        LibC.close(fd);
      }
    }
  }

  /**
   * Writes the shim to a new file in {@code dir} (unpredictable name, {@code O_EXCL}, mode 0500)
   * and loads it through the descriptor that wrote it, after unlinking it: whatever happens to
   * directory entries, dlopen maps exactly these bytes, and a crash during dlopen leaves nothing.
   * Without /proc the file is loaded by name (the directory was checked) and removed right after.
   */
  private static Loaded loadFromFile(Path dir, byte[] lib, Arena arena)
      throws LibC.LibCException, IOException, UnavailableException {
    Path file =
        dir.resolve(
            "libaccelshim-" + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".so");
    int fd = LibC.createExclusive(file, 0500);
    boolean linked = true;
    boolean kept = false;
    try {
      LibC.writeFully(fd, lib);
      if (procFdUsable()) {
        Files.delete(file);
        linked = false;
        SymbolLookup lookup = dlopenFd(fd, arena, file.toString());
        kept = true;
        return new Loaded(lookup, file + " (removed before loading; loaded through its descriptor)");
      }
      return new Loaded(dlopen(file.toString(), arena, file.toString()), file + " (removed after loading)");
    } finally {
      if (!kept) {
        LibC.close(fd);
      }
      if (linked) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private static Loaded loadFromMemoryOrTemp(byte[] lib, Arena arena, Path tempRoot, boolean tryMemfd)
      throws IOException, UnavailableException {
    String refused = "not tried";
    if (tryMemfd) {
      try {
        return loadFromMemfd(lib, arena);
      } catch (LibC.LibCException | UnavailableException e) {
        refused = e.getMessage();
        LOG.log(
            System.Logger.Level.INFO,
            "Accel: the native shim cannot be loaded from memory (" + refused + "); it is written to"
                + " a private directory in " + tempRoot + " and removed right after loading");
      }
    }
    Path root;
    try {
      root = checkDirChain(tempRoot.toAbsolutePath());
    } catch (UnavailableException e) {
      throw new UnavailableException(
          "java.io.tmpdir=" + tempRoot + ": " + e.getMessage() + " (memfd: " + refused
              + "); set -D" + PROP_DIR + " to a private directory",
          e);
    }
    Path dir =
        Files.createTempDirectory(
            root,
            TEMP_PREFIX + ProcessHandle.current().pid() + "-" + SELF_START + "-",
            PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
    try {
      Loaded l = loadFromFile(dir, lib, arena);
      return new Loaded(l.lookup(), l.source() + "; memfd: " + refused);
    } catch (LibC.LibCException e) {
      throw new UnavailableException("cannot write the native shim into " + dir + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(dir); // empty: loadFromFile removed the file in every case
    }
  }

  private static Loaded loadFromConfiguredDir(String value, byte[] lib, Arena arena)
      throws UnavailableException {
    String key = "-D" + PROP_DIR + "=" + value;
    Path dir = checkConfiguredDir(value);
    try {
      return loadFromFile(dir, lib, arena);
    } catch (UnavailableException e) {
      throw new UnavailableException(key + ": " + e.getMessage(), e);
    } catch (LibC.LibCException | IOException e) {
      throw new UnavailableException(key + ": cannot write the native shim: " + e.getMessage(), e);
    }
  }

  // ---- directory checks ----

  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final int S_IFMT = 0170000;
  private static final int S_IFDIR = 0040000;
  private static final int S_ISVTX = 01000;

  /**
   * The real path of {@code accel.native.dir} after checking it and every ancestor; every
   * refusal names the key. The directory itself must not be a symbolic link (a link's target
   * could be changed by whoever owns the link); links among the ancestors are resolved and the
   * resolved chain is what gets checked and used.
   */
  static Path checkConfiguredDir(String value) throws UnavailableException {
    String key = "-D" + PROP_DIR + "=" + value;
    try {
      Path dir = Path.of(value).toAbsolutePath();
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new UnavailableException(
            key + ": no such directory (it is never created: create it, owned by this user, mode"
                + " 0700)");
      }
      if (Files.isSymbolicLink(dir)) {
        throw new UnavailableException(key + ": is a symbolic link; name the directory itself");
      }
      return checkDirChain(dir.toRealPath());
    } catch (UnavailableException e) {
      if (e.getMessage().startsWith(key)) {
        throw e;
      }
      throw new UnavailableException(key + ": " + e.getMessage(), e);
    } catch (IOException | InvalidPathException e) {
      throw new UnavailableException(key + ": " + e, e);
    }
  }

  /**
   * Checks {@code dir} (already absolute) and every ancestor, from the root down: each a real
   * directory, owned by root or this user, and not writable by group or others unless sticky.
   * Anyone else who could write one of them could rename the library's directory away and put
   * their own in its place before dlopen. Returns the directory's real path.
   */
  static Path checkDirChain(Path dir) throws IOException, UnavailableException {
    Path real = dir.toRealPath();
    int myUid = myUid();
    List<Path> chain = new ArrayList<>();
    for (Path p = real; p != null; p = p.getParent()) {
      chain.addFirst(p);
    }
    for (Path p : chain) {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      int uid = (Integer) a.get("uid");
      if ((mode & S_IFMT) != S_IFDIR) {
        throw new UnavailableException(p + " is not a directory");
      }
      if (uid != 0 && uid != myUid) {
        throw new UnavailableException(
            p + " is owned by uid " + uid + ", neither root nor this process (uid " + myUid + ")");
      }
      if ((mode & 022) != 0 && (mode & S_ISVTX) == 0) {
        throw new UnavailableException(
            p + " is writable by group or others (mode 0" + Integer.toOctalString(mode & 07777)
                + ") without the sticky bit");
      }
    }
    return real;
  }

  private static int myUid() throws IOException {
    // /proc/self belongs to this process's uid: no JNI or user-name lookup needed.
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }

  // ---- stale directories ----

  private static final Pattern STALE = Pattern.compile("accel-native-(\\d{1,10})-(\\d{1,20})-\\d+");

  /** This process's start in clock ticks since boot (0 when /proc cannot tell). */
  static final long SELF_START = startTicks(ProcessHandle.current().pid());

  /**
   * Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. Unlike
   * {@code ProcessHandle.Info#startInstant()} it does not move when the wall clock is set, and
   * with the pid it tells a process from a later one that reuses the pid (in a container the JVM
   * is often pid 1 on every run). 0 when unknown, -1 when there is no such process.
   */
  static long startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // comm (field 2) may contain spaces and parentheses: fields restart after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      return Long.parseLong(f[19]); // field 22 is the 20th after comm
    } catch (NoSuchFileException e) {
      return -1;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The pid of a stale directory's name, with its start ticks, is gone (or was reused). */
  static boolean processGone(long pid, long start) {
    long now = startTicks(pid);
    if (now < 0) {
      return true;
    }
    return start != 0 && now != 0 && now != start;
  }

  /**
   * Removes {@code accel-native-<pid>-<start>-*} directories in {@code tempRoot} owned by this
   * user whose process is gone; returns their names. Works through a {@link
   * SecureDirectoryStream} (openat/unlinkat relative to the opened directories, no symbolic link
   * followed): a link with a matching name is not a directory and is left alone, as is anything
   * owned by another user or not made by this code (older versions' {@code accel-native<digits>}).
   */
  static List<String> removeStaleDirs(Path tempRoot) {
    List<String> removed = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    IOException firstFailure = null;
    if (!Files.isDirectory(tempRoot)) {
      return removed;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tempRoot, TEMP_PREFIX + "*")) {
      if (!(ds instanceof SecureDirectoryStream<Path> sds)) {
        LOG.log(System.Logger.Level.DEBUG, "Accel: no secure directory stream; stale directories in "
            + tempRoot + " are not removed");
        return removed;
      }
      UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
      for (Path entry : sds) {
        Path name = entry.getFileName();
        Matcher m = STALE.matcher(name.toString());
        if (!m.matches()) {
          continue;
        }
        try {
          PosixFileAttributes a =
              sds.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                  .readAttributes();
          if (!a.isDirectory() || !a.owner().equals(me)
              || !processGone(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))) {
            continue;
          }
          try (SecureDirectoryStream<Path> sub = sds.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            for (Path child : sub) {
              sub.deleteFile(child.getFileName()); // unlinkat: a link goes, never its target
            }
          }
          sds.deleteDirectory(name);
          removed.add(name.toString());
        } catch (IOException e) {
          failed.add(name.toString());
          firstFailure = firstFailure == null ? e : firstFailure;
        }
      }
    } catch (IOException e) {
      failed.add(tempRoot.toString());
      firstFailure = e;
    }
    if (!removed.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "Accel: removed " + removed.size() + " native-library"
          + " director" + (removed.size() == 1 ? "y" : "ies") + " left in " + tempRoot
          + " by processes that are gone: " + removed);
    }
    if (!failed.isEmpty()) {
      LOG.log(System.Logger.Level.WARNING, "Accel: cannot remove stale native-library directories "
          + failed + " in " + tempRoot + ": " + firstFailure);
    }
    return removed;
  }

  private static void checkAbi(SymbolLookup lookup, String path) throws Throwable {
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

  private static MemorySegment find(SymbolLookup lookup, String name, String path)
      throws UnavailableException {
    return lookup
        .find(name)
        .orElseThrow(() -> new UnavailableException(path + ": missing symbol " + name));
  }
}
