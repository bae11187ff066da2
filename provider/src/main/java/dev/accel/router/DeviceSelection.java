package dev.accel.router;

import dev.accel.config.AccelConfig;
import dev.accel.device.CpuDevice;
import dev.accel.device.Device;
import dev.accel.device.NativeDevice;
import dev.accel.engine.Engine;
import dev.accel.soft.BcTier;
import dev.accel.soft.JdkTier;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the devices {@code accel.devices} names and builds the software tier {@code
 * accel.software} names. Never throws for native reasons: a backend that cannot be opened is left
 * out and the reason kept in {@link #status()}.
 *
 * <p>{@code auto} (the default) opens the accelerators present on this host (uadk) <em>and the
 * cpu device</em> (the CPU's own instructions behind the same ABI, with the JVM's intrinsics where
 * they are faster); the emulator opens only when named. When nothing can be opened (no native
 * access, no libcrypto, an unsupported platform) the software tier serves everything. The software
 * tier is {@code bc} (Bouncy Castle, default), {@code jdk}, or {@code native}: the cpu device's
 * engine with Bouncy Castle behind it; when the cpu device cannot be opened, {@code native}
 * serves as {@code bc} and its counter label says so ({@code bc(native-unavailable)}).
 */
public final class DeviceSelection {
  private static final System.Logger LOG = System.getLogger("dev.accel");
  /** Causes already logged in this process: a provider built three times says it once. */
  private static final java.util.Set<String> LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final List<Device> devices;
  private final List<Engine> software;
  private final List<String> softwareLabels;
  private final Device rsaHostEngine;
  private final List<String> status;

  private DeviceSelection(
      List<Device> devices, List<Engine> software, List<String> softwareLabels, Device rsaHostEngine, List<String> status) {
    this.devices = List.copyOf(devices);
    this.software = List.copyOf(software);
    this.softwareLabels = List.copyOf(softwareLabels);
    this.rsaHostEngine = rsaHostEngine;
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
          status.add("auto: no UADK accelerator present");
        }
        if (!tryOpen("cpu", config, devices, status) && devices.isEmpty()) {
          String why = status.get(status.size() - 1);
          if (LOGGED.add(why)) {
            LOG.log(System.Logger.Level.WARNING, "Accel: no device could be opened (" + why + "); every request"
                + " runs on the software tier (" + config.software() + "), slower than the JDK's own providers for"
                + " AES-GCM and SHA-2. See docs/configuration.md, accel.devices.");
          }
        }
      } else if (!wanted.equals(List.of("none"))) {
        for (String backend : wanted) {
          tryOpen(backend, config, devices, status);
        }
      } else {
        status.add("none: devices disabled by configuration");
      }
    }

    List<Engine> software = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    switch (config.software()) {
      case "jdk" -> {
        software.add(new JdkTier());
        labels.add("jdk");
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
            cpu = openCpu(config);
          } catch (DeviceBackends.UnavailableException e) {
            status.add("software native: cpu engine unavailable (" + e.getMessage() + "); using bc");
          }
        }
        if (cpu != null) {
          software.add(cpu);
          labels.add("native");
        }
      }
      default -> {}
    }
    if (bouncyCastlePresent()) {
      software.add(new BcTier());
      labels.add(labels.isEmpty() && "native".equals(config.software()) ? "bc(native-unavailable)" : "bc");
    } else if (!(software.size() == 1 && software.get(0) instanceof JdkTier)) {
      // No BC at run time (a site on bc-fips, a slim deployment): the JDK's providers end the chain.
      software.add(new JdkTier());
      labels.add("jdk(no-bc)");
      String why = "Bouncy Castle (bcprov) is not on the class path or not resolved on the module path"
          + " (--add-modules org.bouncycastle.provider): the jdk software tier (SunJCE, SUN, SunRsaSign)"
          + " serves instead of bc";
      status.add("software tier: " + why);
      boolean bcAsked = "bc".equals(config.software());
      if (LOGGED.add(why)) {
        LOG.log(bcAsked ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
            "Accel: " + why + (bcAsked ? " (accel.software=bc)" : ""));
      }
    }
    Device host = openRsaHostEngine(config, devices, software, status);
    return new DeviceSelection(devices, software, labels, host, status);
  }

  /**
   * Whether Bouncy Castle's lightweight API can be loaded, checked without touching {@link BcTier}
   * (loading that class links against BC). On the module path BC is a {@code requires static}
   * dependency: present only when resolved (for example {@code --add-modules org.bouncycastle.provider}).
   */
  static boolean bouncyCastlePresent() {
    try {
      Class.forName("org.bouncycastle.crypto.InvalidCipherTextException", false, DeviceSelection.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The cpu device: the shared native engine with this configuration's kernel plan. */
  static Device openCpu(AccelConfig config) throws DeviceBackends.UnavailableException {
    Device d = DeviceBackends.open("cpu", config);
    if (!(d instanceof NativeDevice nat)) {
      return d;
    }
    return new CpuDevice(nat, new JdkTier("jvm"), CpuDevice.plan(config.cpuKernels()));
  }

  /**
   * A cpu engine for the host's part of RSA private-key operations on devices that neither blind
   * nor check (emu, uadk), when {@code accel.rsa.host=native} and no cpu engine is at hand already:
   * blinding, the CRT fault check and unblinding then run in C instead of {@link
   * java.math.BigInteger}, about a tenth of the host CPU per signature
   * (docs/benchmarks-device.md). Null when not needed or not available (then Java does it).
   */
  private static Device openRsaHostEngine(
      AccelConfig config, List<Device> devices, List<Engine> software, List<String> status) {
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
    for (Engine e : software) {
      if (e instanceof Device d && "cpu".equals(d.backend())) {
        return d; // the native tier's engine
      }
    }
    if (!needed) {
      return null;
    }
    try {
      Device cpu = openCpu(config);
      status.add("rsa host: cpu engine " + cpu.name() + " blinds and checks device RSA results");
      return cpu;
    } catch (DeviceBackends.UnavailableException e) {
      status.add("rsa host: cpu engine unavailable (" + e.getMessage() + "); blinding and checks in Java");
      return null;
    }
  }

  /** Opens {@code backend} into {@code devices}; false (and why in {@code status}) when it cannot. */
  private static boolean tryOpen(String backend, AccelConfig config, List<Device> devices, List<String> status) {
    try {
      Device d = "cpu".equals(backend) ? openCpu(config) : DeviceBackends.open(backend, config);
      devices.add(d);
      status.add(backend + ": opened " + d.name());
      return true;
    } catch (DeviceBackends.UnavailableException e) {
      status.add(backend + ": unavailable (" + e.getMessage() + ")");
      return false;
    }
  }

  public List<Device> devices() {
    return devices;
  }

  /** The software tier's engines in fallback order; Bouncy Castle is always last. */
  public List<Engine> software() {
    return software;
  }

  /** Counter labels of {@link #software()}, one per engine. */
  public List<String> softwareLabels() {
    return softwareLabels;
  }

  public String softwareLabel() {
    return softwareLabels.get(0);
  }

  /** The cpu engine for device RSA host work ({@link #openRsaHostEngine}), or null. */
  public Device rsaHostEngine() {
    return rsaHostEngine;
  }

  /** One line per backend: opened, or why not. */
  public List<String> status() {
    return status;
  }
}
