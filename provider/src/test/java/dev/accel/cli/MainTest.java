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
