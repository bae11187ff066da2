package dev.accel.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.accel.AccelProvider;
import dev.accel.device.Device;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tiers every conformance suite runs on: the emulated device (fast profile), the CPU device,
 * the uadk backend bound to the UADK TEST DOUBLE, and the software tiers {@code bc} and {@code
 * jdk}. Device tiers route every request a device supports to it (thresholds 0). A device tier
 * whose device cannot be opened FAILS the test: it never silently degrades to software.
 *
 * <p>{@link #UADK} needs the double and a fake UACCE tree named in the environment before the
 * shim loads (ACCEL_UADK_LIBWD, ACCEL_UADK_LIBWD_CRYPTO, ACCEL_UACCE_SYSFS_ROOT,
 * ACCEL_UACCE_DEV_ROOT): its suites ({@code *Uadk*Test}) run only in provider/pom.xml's surefire
 * execution {@code uadk-double}. Its device takes less than emu's (IV exactly 12 bytes, open tag
 * 16, AAD up to 65535, no empty payload, RSA 1024/2048/3072/4096 only); the rest goes to
 * software, which {@link RouteLedger} derives from the device's capabilities.
 */
public enum Tier {
  EMU("emu", true),
  CPU("cpu", true),
  UADK("uadk", true),
  BC("bc", false),
  JDK("jdk", false);

  private final String label;
  private final boolean device;

  Tier(String label, boolean device) {
    this.label = label;
    this.device = device;
  }

  /** {@code emu}, {@code cpu}, {@code uadk}, {@code bc}, {@code jdk}. */
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
      case UADK -> {
        c.put("accel.devices", "uadk");
        c.put("accel.software", "bc");
        // also RSA public operations (the auto route keeps them on the CPU): the double serves them
        c.put("accel.route.aes-gcm", "device");
        c.put("accel.route.sha2", "device");
        c.put("accel.route.rsa", "device");
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
      fail("tier " + label + " needs its device, but none was opened: " + p.deviceStatus()
          + (this == UADK ? " (the uadk tier runs only in provider/pom.xml's surefire execution"
              + " uadk-double, which points the shim at the UADK test double and a fake UACCE tree)" : ""));
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
