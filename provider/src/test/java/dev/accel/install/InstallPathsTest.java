package dev.accel.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every installation path of JCA-CONTRACT.md, each proven in a child JVM (the JDK's java) that
 * runs {@link ChildMain}.
 */
class InstallPathsTest {
  @TempDir Path dir;

  private static Path codeSource(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static Path providerClasses() throws Exception {
    return codeSource(AccelProvider.class);
  }

  private static Path bcJar() throws Exception {
    return codeSource(Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider"));
  }

  private static Path testClasses() throws Exception {
    return codeSource(ChildMain.class);
  }

  private static String classPath() throws Exception {
    return String.join(File.pathSeparator, providerClasses().toString(), bcJar().toString(), testClasses().toString());
  }

  private static String run(List<String> jvmArgs, String mode) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.addAll(jvmArgs);
    cmd.add(ChildMain.class.getName());
    cmd.add(mode);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
    }
    assertTrue(done, "child JVM timed out: " + out);
    assertEquals(0, p.exitValue(), "child JVM failed (" + cmd + "):\n" + out);
    assertTrue(out.contains("OK " + mode), out);
    return out;
  }

  private List<String> classPathArgs() throws Exception {
    return List.of("--enable-native-access=ALL-UNNAMED", "-Daccel.devices=none", "-cp", classPath());
  }

  @Test
  void securityAddProvider() throws Exception {
    run(classPathArgs(), "addProvider");
  }

  @Test
  void securityInsertProviderAtOne() throws Exception {
    run(classPathArgs(), "insertProviderAt");
  }

  @Test
  void serviceLoaderOnTheClassPath() throws Exception {
    run(classPathArgs(), "serviceLoader");
  }

  /** A java.security override: Accel first with {@code conf} as its argument, then the JDK's list. */
  private Path securityProperties(Path conf) throws Exception {
    Path props = dir.resolve("java.security.override");
    // Accel becomes provider 1 (its line carries the config path, the Provider.configure
    // argument); the JDK's own list follows, shifted by one.
    StringBuilder sb = new StringBuilder();
    sb.append("security.provider.1=dev.accel.AccelProvider ")
        .append(conf.toString().replace("\\", "/"))
        .append("\n");
    Path jdkSecurity = Path.of(System.getProperty("java.home"), "conf", "security", "java.security");
    java.util.regex.Pattern line = java.util.regex.Pattern.compile("^security\\.provider\\.(\\d+)=(.*)$");
    for (String l : Files.readAllLines(jdkSecurity)) {
      java.util.regex.Matcher m = line.matcher(l.trim());
      if (m.matches()) {
        sb.append("security.provider.").append(Integer.parseInt(m.group(1)) + 1).append('=').append(m.group(2)).append("\n");
      }
    }
    Files.writeString(props, sb.toString());
    return props;
  }

  @Test
  void securityPropertiesFileWithConfigPath() throws Exception {
    Path conf = dir.resolve("accel.conf");
    Files.writeString(conf, "accel.devices=none\naccel.families=aes-gcm\n");
    List<String> args = new ArrayList<>(classPathArgs());
    args.add("-Djava.security.properties=" + securityProperties(conf));
    run(args, "securityProperties");
  }

  /** Exactly the java.security snippet of docs/configuration.md, with a real configuration path. */
  @Test
  void theDocsJavaSecuritySnippetKeepsTheJdkProviders() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("```java-security\\n(.*?)```", java.util.regex.Pattern.DOTALL).matcher(doc);
    assertTrue(m.find(), "docs/configuration.md has a java-security snippet");
    Path conf = dir.resolve("accel.conf");
    Files.writeString(conf, "# empty: the defaults\n");
    String snippet = m.group(1);
    assertTrue(snippet.contains("/path/to/accel.conf"), snippet);
    Path props = dir.resolve("accel.security");
    Files.writeString(props, snippet.replace("/path/to/accel.conf", conf.toString().replace("\\", "/")));
    List<String> args = new ArrayList<>(classPathArgs());
    args.add("-Djava.security.properties=" + props);
    run(args, "docsJavaSecurity");
  }

  /** Issue 18: with no Bouncy Castle at run time the jdk tier serves, and the status says so. */
  @Test
  void withoutBouncyCastleTheJdkTierServes() throws Exception {
    String cp = String.join(File.pathSeparator, providerClasses().toString(), testClasses().toString());
    String out = run(List.of("--enable-native-access=ALL-UNNAMED", "-Daccel.devices=none", "-cp", cp), "noBouncyCastle");
    assertEquals(1, out.lines().filter(l -> l.startsWith("WARNING: Accel: Bouncy Castle")).count(), out);
  }

  /** Issue 18: a bad file on the java.security line used to make Accel vanish without a word. */
  @Test
  void aMissingConfigFileOnAJavaSecurityLineIsLoggedOnceAndKeptByName() throws Exception {
    Path conf = dir.resolve("no-such-accel.conf");
    List<String> args = new ArrayList<>(classPathArgs());
    args.add("-Djava.security.properties=" + securityProperties(conf));
    String out = run(args, "badConfigFile");
    long errors = out.lines().filter(l -> l.startsWith("SEVERE: Accel: configuration failed")).count();
    assertEquals(1, errors, "one ERROR (JUL: SEVERE) line:\n" + out);
    assertTrue(out.contains("no-such-accel.conf"), out);
  }

  @Test
  void preferredProviderProperty() throws Exception {
    Path props = dir.resolve("preferred.security");
    Files.writeString(props, "jdk.security.provider.preferred=AES/GCM/NoPadding:Accel\n");
    List<String> args = new ArrayList<>(classPathArgs());
    args.add("-Djava.security.properties=" + props);
    run(args, "preferred");
  }

  @Test
  void modulePath() throws Exception {
    // Surefire runs before packaging, so the module is target/classes (it carries module-info).
    assertTrue(Files.exists(providerClasses().resolve("module-info.class")), "module-info.class compiled");
    String modulePath = providerClasses() + File.pathSeparator + bcJar();
    run(
        List.of(
            "--enable-native-access=dev.accel.provider",
            "-Daccel.devices=none",
            "--module-path", modulePath,
            // BC is a static dependency: resolved only when added (else the jdk tier serves)
            "--add-modules", "dev.accel.provider,org.bouncycastle.provider",
            "-cp", testClasses().toString()),
        "modulePath");
  }
}
