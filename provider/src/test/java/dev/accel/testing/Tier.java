package dev.accel.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.accel.AccelProvider;
import dev.accel.device.Device;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tiers every conformance suite runs on: the emulated device (fast profile), the CPU device,
 * and the software tiers {@code bc} and {@code jdk}. Device tiers route every request a device
 * supports to it (thresholds 0). A device tier whose device cannot be opened FAILS the test: it
 * never silently degrades to software.
 */
public enum Tier {
  EMU("emu", true),
  CPU("cpu", true),
  BC("bc", false),
  JDK("jdk", false);

  private final String label;
  private final boolean device;

  Tier(String label, boolean device) {
    this.label = label;
    this.device = device;
  }

  /** {@code emu}, {@code cpu}, {@code bc}, {@code jdk}. */
  public String label() {
    return label;
  }

  public boolean isDevice() {
    return device;
  }

  public Map<String, String> config() {
    Map<String, String> c = new LinkedHashMap<>();
    switch (this) {
      case EMU -> {
        c.put("accel.devices", "emu");
        c.put("accel.emu.profile", "fast");
        c.put("accel.software", "bc");
      }
      case CPU -> {
        c.put("accel.devices", "cpu");
        c.put("accel.software", "bc");
      }
      case BC -> {
        c.put("accel.devices", "none");
        c.put("accel.software", "bc");
      }
      case JDK -> {
        c.put("accel.devices", "none");
        c.put("accel.software", "jdk");
      }
    }
    c.put("accel.threshold.aes-gcm", "0");
    c.put("accel.threshold.sha2", "0");
    c.put("accel.threshold.rsa", "0");
    return c;
  }

  /** A provider for this tier; fails the test when a device tier has no device. */
  public AccelProvider newProvider() {
    AccelProvider p = AccelProvider.withConfig(config());
    List<Device> devices = p.router().devices();
    if (device && (devices.isEmpty() || !devices.get(0).backend().equals(label))) {
      fail("tier " + label + " needs its device, but none was opened: " + p.deviceStatus());
    }
    if (!device && !p.router().softwareLabel().equals(label)) {
      fail("tier " + label + " runs on software tier " + p.router().softwareLabel());
    }
    return p;
  }

  /** The software tier label that serves this tier's fallbacks. */
  public String softwareLabel() {
    return device ? "bc" : label;
  }
}
