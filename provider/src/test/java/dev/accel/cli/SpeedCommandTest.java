package dev.accel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code accel speed}: argument handling and the table's shape (never its numbers). */
class SpeedCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsOneRowPerAlgorithmAndSizeWithRatios() {
    assertEquals(0, run("speed", "sha256", "aes-gcm", "--sizes", "64,1024", "--seconds", "0.01"));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("APPROXIMATE"), text);
    assertTrue(text.contains("Accel/JDK"), text);
    assertEquals(4, text.lines().filter(l -> l.startsWith("sha256 ") || l.startsWith("aes-256-gcm ")).count(), text);
  }

  @Test
  void rejectsUnknownAlgorithmsAndBadOptions() {
    assertEquals(2, run("speed", "md5"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown algorithm"));
    assertEquals(2, run("speed", "sha256", "--seconds", "0"));
    assertEquals(2, run("speed", "sha256", "--config", "novalue"));
  }

  @Test
  void listedInHelp() {
    assertEquals(0, run("help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("speed"));
  }
}
