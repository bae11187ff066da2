package dev.accel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryCommand() {
    assertEquals(0, run("help"));
    assertTrue(out().contains("devices") && out().contains("selftest") && out().contains("help"), out());
    assertEquals(0, run());
  }

  @Test
  void helpAndVersionFlagsEverywhere() {
    assertEquals(0, run("--help"));
    assertTrue(out().contains("usage: accel <command>"), out());
    assertEquals(0, run("-h"));
    assertEquals(0, run("--version"));
    assertTrue(out().contains("accel " + dev.accel.AccelProvider.VERSION), out());
    out.reset();
    assertEquals(0, run("speed", "--help"));
    assertTrue(out().startsWith("usage: accel speed"), out());
  }

  /** Issue 18: an option without its value crashed with IndexOutOfBoundsException (exit 1). */
  @Test
  void aMissingOrBadOptionValueIsAUsageErrorWithoutAStackTrace() {
    for (String[] args : new String[][] {
        {"speed", "--seconds"}, {"stats", "--seconds"}, {"stats", "--threads", "--seconds", "1"},
        {"speed", "--seconds", "soon"}, {"speed", "--sizes", "16,big"}}) {
      err.reset();
      assertEquals(2, run(args), String.join(" ", args));
      String e = err.toString(StandardCharsets.UTF_8);
      assertTrue(e.startsWith("accel " + args[0] + ": --"), e);
      assertTrue(!e.contains("Exception"), e);
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
  }

  @Test
  void devicesDescribesEveryBackend() {
    assertEquals(0, run("devices"));
    String s = out();
    assertTrue(s.contains("emu: available"), s);
    assertTrue(s.contains("cpu: available"), s);
    assertTrue(s.lines().anyMatch(l -> l.startsWith("uadk: not available: ")), s);
    assertTrue(s.contains("opcodes     gcm-seal gcm-open sha224 sha256 sha384 sha512 rsa-priv-crt rsa-pub"), s);
    assertTrue(s.contains("health      OK"), s);
    assertTrue(s.contains("profile     fast"), s);
    // which kernel serves each operation, and why (issue 6)
    assertTrue(s.contains("kernels (cpu engine and emu):"), s);
    for (String op : new String[] {"aes-gcm ", "sha-2 ", "sha-2 batch ", "rsa private ", "rsa public "}) {
      assertTrue(s.lines().anyMatch(l -> l.startsWith("    " + op)), op + " in " + s);
    }
  }

  @Test
  void selftestPassesOnEveryAvailableDevice() {
    assertEquals(0, run("selftest"));
    String s = out();
    assertTrue(s.contains("selftest: 2 device(s), 30 passed, 0 failed"), s);
    assertEquals(30, s.lines().filter(l -> l.endsWith("PASS")).count(), s);
  }
}
