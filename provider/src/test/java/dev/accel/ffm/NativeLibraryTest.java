package dev.accel.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  @Test
  void extractsIntoAFreshOwnerOnlyDirectory() throws Exception {
    Path lib = NativeLibrary.extract(NativeLibrary.platform(), null);
    try {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
      assertEquals("r-x------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib)));
      assertTrue(lib.getParent().getFileName().toString().startsWith("accel-native"));
      assertTrue(Files.size(lib) > 0);
    } finally {
      Files.deleteIfExists(lib);
      Files.deleteIfExists(lib.getParent());
    }
  }

  @Test
  void extractsIntoTheConfiguredDirectoryAndLoadsWithAbiCheck() {
    Path dir = tmp.resolve("native");
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, dir.toString(), false, arena);
      assertTrue(r.available(), () -> "cause: " + r.cause());
      assertEquals(dir, r.path().getParent());
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
      assertTrue(r.lookup().find("accel_submit").isPresent());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void refusesAGroupWritableDirectory() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    try (Arena arena = Arena.ofShared()) {
      NativeLibrary.LoadResult r = NativeLibrary.load(null, dir.toString(), false, arena);
      assertFalse(r.available());
      assertTrue(r.cause().getMessage().contains("writable by group or others"), r.cause().getMessage());
    }
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "nothing extracted into an unsafe directory");
    }
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
