package dev.accel.ffm;

import dev.accel.device.Devices;

/** Run in a child JVM by {@link NativeLibraryTest}: reports availability without throwing. */
public final class NativeProbeMain {
  private NativeProbeMain() {}

  public static void main(String[] args) {
    System.out.println("available=" + NativeLibrary.isAvailable());
    Throwable cause = NativeLibrary.unavailabilityCause();
    System.out.println("cause=" + (cause == null ? "" : cause.getMessage()));
    System.out.println("emu=" + Devices.probe("emu"));
  }
}
