package dev.accel.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Library loading. Fresh {@link NativeLibrary#load} calls (own arena) and child JVMs keep the
 * process-wide state untouched.
 */
class NativeLibraryTest {
  @TempDir Path tmp;

  @Test
  void theSharedLibraryIsAvailableInTests() {
    assertTrue(NativeLibrary.isAvailable(), () -> "cause: " + NativeLibrary.unavailabilityCause());
    assertNull(NativeLibrary.unavailabilityCause());
    assertTrue(NativeLibrary.describe().startsWith("loaded from "));
  }

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void loadsFromASealedMemfdAndWritesNoFile() throws Exception {
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, null, false, arena, tmp, true);
      assertTrue(r.available(), () -> "cause: " + r.cause());
      assertEquals("memfd:libaccelshim.so (in memory, no file)", r.source());
      assertNull(r.path(), "no file to name");
      assertTrue(r.lookup().find("accel_submit").isPresent());
    }
    assertEquals(List.of(), entries(tmp), "nothing written to the temp dir");
  }

  @Test
  void withoutMemfdTheFileAndItsPrivateDirectoryAreGoneRightAfterLoading() throws Exception {
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, null, false, arena, tmp, false);
      assertTrue(r.available(), () -> "cause: " + r.cause());
      // checked while the library is loaded: nothing waits for the JVM's exit
      assertEquals(List.of(), entries(tmp));
      String dir = tmp.toRealPath().resolve("accel-native-" + ProcessHandle.current().pid() + "-"
          + NativeLibrary.SELF_START + "-").toString();
      assertTrue(r.source().startsWith(dir), r.source());
      assertTrue(r.source().endsWith(".so (removed before loading; loaded through its descriptor);"
          + " memfd: not tried"), r.source());
      assertTrue(r.lookup().find("accel_submit").isPresent());
    }
  }

  @Test
  void aChildJvmLeavesNothingInItsTempDirWhileItRuns() throws Exception {
    Path childTmp = Files.createDirectory(tmp.resolve("child-tmp"));
    List<String> out =
        childJvm(List.of("--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + childTmp));
    assertTrue(out.contains("available=true"), out.toString());
    assertTrue(out.contains("describe=loaded from memfd:libaccelshim.so (in memory, no file)"), out.toString());
    assertTrue(out.contains("leftovers=[]"), out.toString());
    assertTrue(entries(childTmp).stream().noneMatch(n -> n.startsWith("accel-native")), entries(childTmp).toString());
  }

  /**
   * A pid no process can have: Linux pids stay below pid_max, which is at most PID_MAX_LIMIT
   * (4194304 on 64-bit). (Reading /proc/sys/kernel/pid_max with Files.readString returns only its
   * first digit: sysctl files answer nothing to a read at a nonzero offset.)
   */
  private static long impossiblePid() {
    return 4_194_305L;
  }

  @Test
  void staleDirectoriesOfGoneProcessesAreRemovedAtStartUpAndLiveOnesKept() throws Exception {
    long dead = impossiblePid();
    long me = ProcessHandle.current().pid();
    long start = NativeLibrary.SELF_START;
    assertTrue(start > 0, "this process's start time from /proc/self/stat");
    assertEquals(-1, NativeLibrary.startTicks(dead));
    assertEquals(start, NativeLibrary.startTicks(me));

    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Path outsideFile = Files.writeString(outside.resolve("keep.so"), "not ours to delete");
    Path deadDir = Files.createDirectory(tmp.resolve("accel-native-" + dead + "-0-1"));
    Files.writeString(deadDir.resolve("libaccelshim-1.so"), "left by kill -9");
    Files.createSymbolicLink(deadDir.resolve("link.so"), outsideFile);
    Path reused = Files.createDirectory(tmp.resolve("accel-native-" + me + "-" + (start + 1) + "-2"));
    Files.writeString(reused.resolve("libaccelshim-2.so"), "same pid, earlier process");
    Path live = Files.createDirectory(tmp.resolve("accel-native-" + me + "-" + start + "-3"));
    Files.writeString(live.resolve("libaccelshim-3.so"), "a process that still runs");
    Path liveNoStart = Files.createDirectory(tmp.resolve("accel-native-" + me + "-0-4"));
    Path link = Files.createSymbolicLink(tmp.resolve("accel-native-" + dead + "-0-5"), outside);
    Path plainFile = Files.writeString(tmp.resolve("accel-native-" + dead + "-0-6"), "a file");
    Path oldFormat = Files.createDirectory(tmp.resolve("accel-native123456"));

    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, null, false, arena, tmp, true);
      assertTrue(r.available(), () -> "cause: " + r.cause());
    }
    assertFalse(Files.exists(deadDir, LinkOption.NOFOLLOW_LINKS), "dead pid's directory removed");
    assertFalse(Files.exists(reused, LinkOption.NOFOLLOW_LINKS), "reused pid's directory removed");
    assertTrue(Files.exists(live.resolve("libaccelshim-3.so")), "live process's directory kept");
    assertTrue(Files.isDirectory(liveNoStart), "live pid without a start time kept");
    assertTrue(Files.isSymbolicLink(link), "a symbolic link is not a directory of ours");
    assertEquals(List.of("keep.so"), entries(outside), "nothing followed through links");
    assertTrue(Files.isRegularFile(plainFile), "a plain file is not a directory of ours");
    assertTrue(Files.isDirectory(oldFormat), "names without a pid are not decided");
    assertEquals(List.of(), NativeLibrary.removeStaleDirs(tmp), "second sweep finds nothing");
  }

  /** Loads with {@code -Daccel.native.dir=value}; returns the refusal, which must name the key. */
  private String refusal(String value) {
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, value, false, arena, tmp, true);
      assertFalse(r.available(), value);
      String msg = r.cause().getMessage();
      assertTrue(msg.startsWith("-Daccel.native.dir=" + value + ": "), msg);
      return msg;
    }
  }

  @Test
  void extractsIntoTheConfiguredDirectoryAndRemovesTheFileBeforeLoading() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("native"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, dir.toString(), false, arena, tmp, true);
      assertTrue(r.available(), () -> "cause: " + r.cause());
      assertTrue(r.source().startsWith(dir.toRealPath().resolve("libaccelshim-" + ProcessHandle.current().pid() + "-").toString()), r.source());
      assertEquals(List.of(), entries(dir), "the file is gone while the library is loaded");
      assertTrue(r.lookup().find("accel_submit").isPresent());
    }
  }

  @Test
  void aMissingDirectoryIsRefusedAndNotCreated() {
    Path dir = tmp.resolve("missing");
    String msg = refusal(dir.toString());
    assertTrue(msg.contains("no such directory (it is never created"), msg);
    assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void refusesAGroupWritableDirectory() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    String msg = refusal(dir.toString());
    assertTrue(msg.contains(dir.toRealPath() + " is writable by group or others (mode 0770) without the sticky bit"), msg);
    assertEquals(List.of(), entries(dir), "nothing extracted into an unsafe directory");
  }

  @Test
  void refusesAGroupWritableAncestor() throws Exception {
    Path parent = Files.createDirectory(tmp.resolve("parent"));
    Path dir = Files.createDirectory(parent.resolve("private"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxr-x"));
    String msg = refusal(dir.toString());
    assertTrue(msg.contains(parent.toRealPath() + " is writable by group or others (mode 0775)"), msg);
    assertEquals(List.of(), entries(dir));
  }

  @Test
  void refusesAWorldWritableAncestorWithoutTheStickyBitButAcceptsOneWithIt() throws Exception {
    Path parent = Files.createDirectory(tmp.resolve("world"));
    Path dir = Files.createDirectory(parent.resolve("private"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(parent, "unix:mode", 0777);
    String msg = refusal(dir.toString());
    assertTrue(msg.contains(parent.toRealPath() + " is writable by group or others (mode 0777)"), msg);

    Files.setAttribute(parent, "unix:mode", 01777); // like /tmp: others cannot rename our entries
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, dir.toString(), false, arena, tmp, true);
      assertTrue(r.available(), () -> "cause: " + r.cause());
    }
    assertEquals(List.of(), entries(dir));
  }

  @Test
  void refusesASymbolicLinkAndAFile() throws Exception {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertTrue(refusal(link.toString()).endsWith("is a symbolic link; name the directory itself"));
    Path file = Files.writeString(tmp.resolve("file"), "x");
    String msg = refusal(file.toString());
    assertTrue(msg.endsWith(file.toRealPath() + " is not a directory"), msg);
  }

  @Test
  void childJvmWithAMissingNativeDirNamesTheKey() throws Exception {
    String missing = tmp.resolve("absent").toString();
    List<String> out = childJvm(List.of("--enable-native-access=ALL-UNNAMED", "-Daccel.native.dir=" + missing));
    assertTrue(out.contains("available=false"), out.toString());
    assertTrue(out.stream().anyMatch(l -> l.startsWith("cause=-Daccel.native.dir=" + missing + ": no such directory")), out.toString());
    assertFalse(Files.exists(Path.of(missing)));
  }

  @Test
  void missingNativePathIsReportedNotThrown() {
    String missing = tmp.resolve("nope/libaccelshim.so").toString();
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(missing, null, false, arena);
      assertFalse(r.available());
      assertEquals("-Daccel.native.path=" + missing + ": no such file", r.cause().getMessage());
    }
  }

  @Test
  void optOutPropertyDisables() {
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, null, true, arena);
      assertFalse(r.available());
      assertTrue(r.cause().getMessage().contains("accel.native.disable=true"));
    }
  }

  @Test
  void aNonLibraryFileIsReportedWithItsPath() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("libaccelshim.so"), "not an ELF file");
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(bogus.toString(), null, false, arena);
      assertFalse(r.available());
      assertTrue(r.cause().getMessage().startsWith("cannot load " + bogus), r.cause().getMessage());
    }
  }

  private static List<String> childJvm(List<String> jvmArgs) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NativeProbeMain.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }

  @Test
  void childJvmWithoutNativeAccessReportsTheCause() throws Exception {
    List<String> out = childJvm(List.of());
    assertTrue(out.contains("available=false"), out.toString());
    assertTrue(
        out.contains(
            "cause=native access not enabled: run with --enable-native-access=ALL-UNNAMED (or the"
                + " module name dev.accel.provider)"),
        out.toString());
    assertTrue(out.stream().anyMatch(l -> l.startsWith("emu=Probe[backend=emu, available=false, reason=native shim unavailable: native access not enabled")), out.toString());
    assertFalse(out.stream().anyMatch(l -> l.contains("Exception") || l.contains("WARNING")), out.toString());
  }

  @Test
  void childJvmWithAMissingNativePathReportsIt() throws Exception {
    List<String> out = childJvm(List.of("--enable-native-access=ALL-UNNAMED", "-Daccel.native.path=/nonexistent/libaccelshim.so"));
    assertTrue(out.contains("available=false"), out.toString());
    assertTrue(out.contains("cause=-Daccel.native.path=/nonexistent/libaccelshim.so: no such file"), out.toString());
  }
}
