package dev.accel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every {@code properties} snippet in docs/ is a configuration a user may copy: each must parse
 * and validate as an Accel configuration, and the "old default" of configuration.md must do what
 * the text says (accelerators only, Bouncy Castle for everything else).
 */
class DocsPropertiesSnippetsTest {
  private static final Pattern BLOCK = Pattern.compile("```properties\\n(.*?)```", Pattern.DOTALL);

  private static Map<String, String> snippets() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    Path docs = Path.of("..", "docs");
    try (var files = Files.list(docs)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        Matcher m = BLOCK.matcher(Files.readString(f));
        for (int i = 0; m.find(); i++) {
          out.put(f.getFileName() + "#" + i, m.group(1));
        }
      }
    }
    return out;
  }

  private static Map<String, String> accelKeys(String text) throws Exception {
    Properties p = new Properties();
    p.load(new java.io.StringReader(text));
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("accel.")) {
        m.put(k, p.getProperty(k));
      }
    }
    return m;
  }

  @Test
  void everyPropertiesSnippetIsAValidConfiguration() throws Exception {
    Map<String, String> s = snippets();
    assertFalse(s.isEmpty(), "docs/ has properties snippets");
    List<String> checked = new ArrayList<>();
    for (var e : s.entrySet()) {
      Map<String, String> keys = accelKeys(e.getValue());
      if (keys.isEmpty()) {
        continue; // a java.security snippet (security.provider.N=...), not an Accel file
      }
      AccelConfig.fromText(e.getValue()); // throws InvalidParameterException on any bad key or value
      checked.add(e.getKey());
    }
    assertFalse(checked.isEmpty(), "no Accel configuration snippet found in " + s.keySet());
  }

  @Test
  void theOldDefaultSendsEverythingToBouncyCastleWithoutAnAccelerator() throws Exception {
    String old = snippets().get("configuration.md#0");
    Map<String, String> keys = accelKeys(old);
    assertEquals(Map.of("accel.devices", "uadk", "accel.software", "bc"), keys, old);
    AccelProvider p = AccelProvider.withConfig(keys);
    java.security.MessageDigest.getInstance("SHA-256", p).digest(new byte[64]);
    assertTrue(p.router().devices().isEmpty() || p.router().devices().get(0).backend().equals("uadk"),
        p.deviceStatus().toString());
    if (p.router().devices().isEmpty()) {
      assertEquals(1, p.stats().ops("SHA-256", "software"), p.renderStats());
    }
  }
}
