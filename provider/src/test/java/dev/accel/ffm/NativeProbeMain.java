package dev.accel.ffm;

import dev.accel.device.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Run in a child JVM by {@link NativeLibraryTest}: reports availability without throwing. */
public final class NativeProbeMain {
  private NativeProbeMain() {}

  public static void main(String[] args) throws IOException {
    System.out.println("available=" + NativeLibrary.isAvailable());
    Throwable cause = NativeLibrary.unavailabilityCause();
    System.out.println("cause=" + (cause == null ? "" : cause.getMessage()));
    System.out.println("describe=" + NativeLibrary.describe());
    // While this process still runs and has the shim mapped: what loading left in the temp dir.
    try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      System.out.println(
          "leftovers="
              + tmp.map(p -> p.getFileName().toString())
                  .filter(n -> n.startsWith("accel-native") || n.startsWith("libaccelshim"))
                  .sorted()
                  .toList());
    }
    System.out.println("emu=" + Devices.probe("emu"));
  }
}
