package dev.accel.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The native boundary is one package (STYLE.md "What that means here", 4): no main source file
 * outside {@code dev.accel.ffm} mentions {@code java.lang.foreign}, imported or fully qualified.
 */
class NativeBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Path FFM = MAIN.resolve("dev/accel/ffm");

  @Test
  void onlyFfmUsesJavaLangForeign() throws IOException {
    assertTrue(Files.isDirectory(FFM), "run from the provider module: " + FFM.toAbsolutePath());
    List<String> offenders;
    try (Stream<Path> files = Files.walk(MAIN)) {
      offenders =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> !p.startsWith(FFM))
              .filter(NativeBoundaryTest::mentionsForeign)
              .map(p -> MAIN.relativize(p).toString())
              .sorted()
              .toList();
    }
    assertEquals(List.of(), offenders, "java.lang.foreign outside dev.accel.ffm");
  }

  private static boolean mentionsForeign(Path p) {
    try {
      return Files.readString(p).contains("java.lang.foreign");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
