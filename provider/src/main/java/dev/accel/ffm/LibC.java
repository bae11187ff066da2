package dev.accel.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The few libc calls {@link NativeLibrary} needs to load the shim without leaving a file behind:
 * {@code memfd_create}, {@code open(O_CREAT|O_EXCL)}, {@code write}, {@code fcntl(F_ADD_SEALS)}
 * and {@code close}, bound through the linker's default lookup (the JVM's own libc) and reporting
 * {@code errno}. Java has no API that returns a file descriptor, and only a descriptor lets the
 * loader hand {@code dlopen} exactly the bytes it wrote ({@code /proc/self/fd/N}) whatever happens
 * to directory entries meanwhile.
 *
 * <p>Every wrapper validates its arguments before the downcall and throws {@link LibCException}
 * (with {@code errno}) on failure; none of them is used on a hot path.
 */
@SuppressWarnings("restricted")
final class LibC {
  private LibC() {}

  // Linux values, identical on x86_64 and aarch64 (asm-generic), the two platforms with a shim.
  static final int O_RDWR = 02;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_CLOEXEC = 02000000;
  static final int MFD_CLOEXEC = 0x1;
  static final int MFD_ALLOW_SEALING = 0x2;
  /** Linux 6.3+: ask for an executable memfd even where {@code vm.memfd_noexec=1}. */
  static final int MFD_EXEC = 0x10;
  static final int F_ADD_SEALS = 1033;
  static final int F_SEAL_SEAL = 0x1;
  static final int F_SEAL_SHRINK = 0x2;
  static final int F_SEAL_GROW = 0x4;
  static final int F_SEAL_WRITE = 0x8;
  static final int EPERM = 1;
  static final int EINTR = 4;
  static final int EACCES = 13;
  static final int EINVAL = 22;
  static final int ENOSYS = 38;

  /** A failed libc call: the call's name and {@code errno}. */
  static final class LibCException extends Exception {
    final int errno;

    LibCException(String call, int errno) {
      super(call + " failed: errno " + errno + describe(errno));
      this.errno = errno;
    }

    /** A call that returned without an errno but did not do its job (a write of 0 bytes). */
    LibCException(String message) {
      super(message);
      this.errno = 0;
    }

    private static String describe(int errno) {
      return switch (errno) {
        case EPERM -> " (EPERM)";
        case EACCES -> " (EACCES)";
        case EINVAL -> " (EINVAL)";
        case ENOSYS -> " (ENOSYS)";
        default -> "";
      };
    }
  }

  private static final Linker LINKER = Linker.nativeLinker();
  private static final ValueLayout.OfInt C_INT = Layouts.C_INT;
  private static final ValueLayout.OfLong C_SIZE_T =
      (ValueLayout.OfLong) LINKER.canonicalLayouts().get("size_t");
  private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");

  private static Optional<MethodHandle> bind(String name, FunctionDescriptor fd, Linker.Option... opts) {
    return LINKER.defaultLookup().find(name).map(sym -> LINKER.downcallHandle(sym, fd, opts));
  }

  // One holder per function: memfd_create is missing from libc before glibc 2.27, and only the
  // memfd path must notice that.
  private static final class MemfdCreate {
    static final Optional<MethodHandle> MH =
        bind("memfd_create", FunctionDescriptor.of(C_INT, Layouts.C_POINTER, C_INT), ERRNO_OPT);
  }

  private static final class Open {
    // int open(const char *path, int flags, ...): mode_t travels as a variadic (promoted) int.
    static final MethodHandle MH =
        bind("open", FunctionDescriptor.of(C_INT, Layouts.C_POINTER, C_INT, C_INT),
                ERRNO_OPT, Linker.Option.firstVariadicArg(2))
            .orElseThrow(() -> new UnsatisfiedLinkError("libc: no open"));
  }

  private static final class Write {
    static final MethodHandle MH =
        bind("write", FunctionDescriptor.of(C_SIZE_T, C_INT, Layouts.C_POINTER, C_SIZE_T), ERRNO_OPT)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc: no write"));
  }

  private static final class Fcntl {
    // int fcntl(int fd, int cmd, ...): the seal mask is the variadic int.
    static final MethodHandle MH =
        bind("fcntl", FunctionDescriptor.of(C_INT, C_INT, C_INT, C_INT),
                ERRNO_OPT, Linker.Option.firstVariadicArg(2))
            .orElseThrow(() -> new UnsatisfiedLinkError("libc: no fcntl"));
  }

  private static final class Close {
    static final MethodHandle MH =
        bind("close", FunctionDescriptor.of(C_INT, C_INT), ERRNO_OPT)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc: no close"));
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  private static MemorySegment cString(Arena arena, String s, String what) {
    if (s == null || s.isEmpty() || s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " must be non-empty and without NUL: " + s);
    }
    return arena.allocateFrom(s, StandardCharsets.UTF_8);
  }

  private static void checkFd(int fd) {
    if (fd < 0) {
      throw new IllegalArgumentException("bad file descriptor " + fd);
    }
  }

  /** True when this libc exports {@code memfd_create} (glibc 2.27+, musl 1.1.20+). */
  static boolean hasMemfdCreate() {
    return MemfdCreate.MH.isPresent();
  }

  /** {@code memfd_create(name, flags)}: the new descriptor. */
  static int memfdCreate(String name, int flags) throws LibCException {
    MethodHandle mh = MemfdCreate.MH.orElseThrow(() -> new LibCException("memfd_create (not in libc)", ENOSYS));
    // The kernel takes at most 249 bytes of name; ours is a short constant.
    if (name == null || name.length() > 200) {
      throw new IllegalArgumentException("memfd name: " + name);
    }
    if ((flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC)) != 0) {
      throw new IllegalArgumentException("memfd flags 0x" + Integer.toHexString(flags));
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      int fd = (int) mh.invokeExact(state, cString(a, name, "memfd name"), flags);
      if (fd < 0) {
        throw new LibCException("memfd_create", errno(state));
      }
      return fd;
    } catch (LibCException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * {@code open(path, O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, mode)}: creates a file that did not exist.
   * {@code O_EXCL} also refuses a symbolic link in its place (POSIX: EEXIST), so the descriptor is
   * always the new inode, owned by this process.
   */
  static int createExclusive(Path path, int mode) throws LibCException {
    if (path == null || !path.isAbsolute()) {
      throw new IllegalArgumentException("absolute path required: " + path);
    }
    if ((mode & ~0700) != 0) {
      throw new IllegalArgumentException("owner-only mode required: 0" + Integer.toOctalString(mode));
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      int fd =
          (int) Open.MH.invokeExact(
              state, cString(a, path.toString(), "path"), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
      if (fd < 0) {
        throw new LibCException("open(" + path + ", O_CREAT|O_EXCL)", errno(state));
      }
      return fd;
    } catch (LibCException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Writes all of {@code data} to {@code fd}, retrying short writes and EINTR. */
  static void writeFully(int fd, byte[] data) throws LibCException {
    checkFd(fd);
    if (data == null || data.length == 0) {
      throw new IllegalArgumentException("nothing to write");
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      MemorySegment buf = a.allocate(data.length);
      MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
      long off = 0;
      while (off < data.length) {
        MemorySegment rest = buf.asSlice(off); // bounds-checked: off < data.length
        long n = (long) Write.MH.invokeExact(state, fd, rest, rest.byteSize());
        if (n < 0) {
          int e = errno(state);
          if (e == EINTR) {
            continue;
          }
          throw new LibCException("write", e);
        }
        if (n == 0 || n > rest.byteSize()) {
          throw new LibCException("write returned " + n + " for " + rest.byteSize() + " bytes");
        }
        off += n;
      }
    } catch (LibCException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** {@code fcntl(fd, F_ADD_SEALS, seals)}. */
  static void addSeals(int fd, int seals) throws LibCException {
    checkFd(fd);
    if (seals == 0 || (seals & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)) != 0) {
      throw new IllegalArgumentException("seals 0x" + Integer.toHexString(seals));
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      int rc = (int) Fcntl.MH.invokeExact(state, fd, F_ADD_SEALS, seals);
      if (rc != 0) {
        throw new LibCException("fcntl(F_ADD_SEALS)", errno(state));
      }
    } catch (LibCException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** {@code close(fd)}; an error is returned, not thrown: callers close on their way out. */
  static int close(int fd) {
    checkFd(fd);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment state = a.allocate(CAPTURE);
      int rc = (int) Close.MH.invokeExact(state, fd);
      return rc == 0 ? 0 : errno(state);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
