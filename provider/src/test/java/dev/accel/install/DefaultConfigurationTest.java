package dev.accel.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default configuration as a new user meets it (issue 16): a child JVM with no {@code accel.*}
 * setting at all and Accel inserted first runs one AES-GCM, SHA-256 and RSA round through the JCA
 * defaults. With native access the cpu device serves all three (the CPU's instructions, not Bouncy
 * Castle); without it Bouncy Castle serves, the provider's status says why, and one warning is
 * logged.
 */
class DefaultConfigurationTest {

  private static String classPath() throws Exception {
    List<String> parts = new ArrayList<>();
    for (Class<?> c : List.of(dev.accel.AccelProvider.class, org.bouncycastle.jce.provider.BouncyCastleProvider.class,
        ChildMain.class)) {
      parts.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    }
    return String.join(File.pathSeparator, parts);
  }

  private static String child(boolean nativeAccess) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (nativeAccess) {
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    cmd.addAll(List.of("-cp", classPath(), ChildMain.class.getName(), "defaultRound"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("ACCEL_")); // no test double, no overrides
    Process p = pb.start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done, "child JVM timed out: " + out);
    assertEquals(0, p.exitValue(), "child JVM failed:\n" + out);
    assertTrue(out.contains("OK defaultRound"), out);
    return out;
  }

  private static long served(String out, String alg, String route, String tier) {
    long n = 0;
    for (String line : out.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length == 6 && f[0].equals("ROW") && f[1].equals(alg) && f[2].equals(route) && f[3].equals(tier)) {
        n += Long.parseLong(f[5]);
      }
    }
    return n;
  }

  @Test
  void withNativeAccessTheCpuDeviceServesEveryFamily() throws Exception {
    String out = child(true);
    assertTrue(out.contains("STATUS cpu: opened cpu0"), out);
    assertEquals(1, served(out, "AES-GCM-encrypt", "device", "cpu0"), out);
    assertEquals(1, served(out, "AES-GCM-decrypt", "device", "cpu0"), out);
    assertTrue(served(out, "SHA-256", "device", "cpu0") >= 1, out);
    assertEquals(1, served(out, "RSA-private", "device", "cpu0"), out);
    assertEquals(1, served(out, "RSA-public", "device", "cpu0"), out);
    assertTrue(!out.contains("software bc"), "nothing on Bouncy Castle:\n" + out);
    assertTrue(!out.contains("WARNING"), "quiet when healthy:\n" + out);
  }

  @Test
  void withoutNativeAccessBouncyCastleServesAndTheReasonIsReported() throws Exception {
    String out = child(false);
    assertTrue(out.contains("STATUS cpu: unavailable (") && out.contains("native access not enabled"), out);
    assertEquals(1, served(out, "AES-GCM-encrypt", "software", "bc"), out);
    assertTrue(served(out, "SHA-256", "software", "bc") >= 1, out);
    assertEquals(1, served(out, "RSA-private", "software", "bc"), out);
    long warnings = out.lines().filter(l -> l.contains("Accel: no device could be opened")).count();
    assertEquals(1, warnings, "one warning, once:\n" + out);
  }
}
