package dev.accel.router;

import dev.accel.config.AccelConfig;
import dev.accel.device.Device;
import dev.accel.soft.BcTier;
import dev.accel.soft.JdkTier;
import dev.accel.soft.NativeTier;
import dev.accel.soft.SoftwareTier;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the devices {@code accel.devices} names and picks the software tier {@code
 * accel.software} names. Never throws for native reasons: a backend that cannot be opened is left
 * out and the reason kept in {@link #status()}.
 *
 * <p>{@code auto} opens UADK when present and nothing else (the emulator is only used when named).
 * {@code accel.software=native} uses the {@code cpu} backend; when it cannot be opened the tier is
 * Bouncy Castle and its counter label says so ({@code bc(native-unavailable)}).
 */
public final class DeviceSelection {
  private final List<Device> devices;
  private final SoftwareTier software;
  private final String softwareLabel;
  private final Device rsaHostEngine;
  private final List<String> status;

  private DeviceSelection(
      List<Device> devices, SoftwareTier software, String softwareLabel, Device rsaHostEngine, List<String> status) {
    this.devices = List.copyOf(devices);
    this.rsaHostEngine = rsaHostEngine;
    this.software = software;
    this.softwareLabel = softwareLabel;
    this.status = List.copyOf(status);
  }

  /**
   * @param injected devices to use instead of opening the configured ones (tests), or null
   */
  public static DeviceSelection open(AccelConfig config, List<Device> injected) {
    List<String> status = new ArrayList<>();
    List<Device> devices = new ArrayList<>();
    if (injected != null) {
      devices.addAll(injected);
      for (Device d : injected) {
        status.add(d.backend() + ": injected device " + d.name());
      }
    } else {
      List<String> wanted = config.devices();
      if (wanted.equals(List.of("auto"))) {
        if (DeviceBackends.probe("uadk", config)) {
          tryOpen("uadk", config, devices, status);
        } else {
          status.add("auto: no UADK accelerator present; software only");
        }
      } else if (!wanted.equals(List.of("none"))) {
        for (String backend : wanted) {
          tryOpen(backend, config, devices, status);
        }
      } else {
        status.add("none: devices disabled by configuration");
      }
    }

    SoftwareTier bc = new BcTier();
    SoftwareTier software;
    String label;
    switch (config.software()) {
      case "jdk" -> {
        software = new JdkTier();
        label = "jdk";
      }
      case "native" -> {
        Device cpu = null;
        for (Device d : devices) {
          if ("cpu".equals(d.backend())) {
            cpu = d;
          }
        }
        if (cpu == null) {
          try {
            cpu = DeviceBackends.open("cpu", config);
          } catch (DeviceBackends.UnavailableException e) {
            status.add("software native: cpu engine unavailable (" + e.getMessage() + "); using bc");
          }
        }
        if (cpu != null) {
          software = new NativeTier(cpu, bc, config.deviceTimeoutMs() * 1_000_000L);
          label = "native";
        } else {
          software = bc;
          label = "bc(native-unavailable)";
        }
      }
      default -> {
        software = bc;
        label = "bc";
      }
    }
    Device host = openRsaHostEngine(config, devices, software, status);
    return new DeviceSelection(devices, software, label, host, status);
  }

  /**
   * A cpu engine for the host's part of RSA private-key operations on devices that neither blind
   * nor check (emu, uadk), when {@code accel.rsa.host=native} and no cpu engine is at hand already
   * (the native software tier's, or a cpu device's): blinding, the CRT fault check and unblinding
   * then run in C instead of {@link java.math.BigInteger}, about a tenth of the host CPU per
   * signature (docs/benchmarks-device.md). Null when not needed or not available (then Java does it).
   */
  private static Device openRsaHostEngine(
      AccelConfig config, List<Device> devices, SoftwareTier software, List<String> status) {
    if (!"native".equals(config.rsaHost()) || !config.enabled(AccelConfig.Family.RSA)) {
      return null;
    }
    boolean needed = false;
    for (Device d : devices) {
      if ("cpu".equals(d.backend())) {
        return null; // the cpu device does it
      }
      needed |= d.capabilities().rsaMaxBits() > 0 && !d.capabilities().engineBlindsAndVerifies();
    }
    if (!needed || software instanceof NativeTier) {
      return null;
    }
    try {
      Device cpu = DeviceBackends.open("cpu", config);
      status.add("rsa host: cpu engine " + cpu.name() + " blinds and checks device RSA results");
      return cpu;
    } catch (DeviceBackends.UnavailableException e) {
      status.add("rsa host: cpu engine unavailable (" + e.getMessage() + "); blinding and checks in Java");
      return null;
    }
  }

  private static void tryOpen(String backend, AccelConfig config, List<Device> devices, List<String> status) {
    try {
      Device d = DeviceBackends.open(backend, config);
      devices.add(d);
      status.add(backend + ": opened " + d.name());
    } catch (DeviceBackends.UnavailableException e) {
      status.add(backend + ": unavailable (" + e.getMessage() + ")");
    }
  }

  public List<Device> devices() {
    return devices;
  }

  public SoftwareTier software() {
    return software;
  }

  public String softwareLabel() {
    return softwareLabel;
  }

  /** The cpu engine opened for device RSA host work ({@link #openRsaHostEngine}), or null. */
  public Device rsaHostEngine() {
    return rsaHostEngine;
  }

  /** One line per backend: opened, or why not. */
  public List<String> status() {
    return status;
  }
}
