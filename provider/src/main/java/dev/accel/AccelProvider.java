package dev.accel;

import dev.accel.config.AccelConfig;
import dev.accel.device.Device;
import dev.accel.metrics.RouteCounters;
import dev.accel.metrics.RouteStats;
import dev.accel.router.DeviceSelection;
import dev.accel.router.Router;
import dev.accel.spi.Services;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Accel JCA/JCE provider: AES-GCM, SHA-2 and RSA served by crypto-accelerator queues when a
 * device can take a request, and by a software tier otherwise.
 *
 * <p>Installation: {@code Security.addProvider(new AccelProvider())}, {@code
 * security.provider.N=dev.accel.AccelProvider [config-file]} in a {@code java.security} file, the
 * module path ({@code provides java.security.Provider}) or {@code ServiceLoader} on the class
 * path. The no-arg constructor reads {@code accel.*} system properties and the file named by
 * {@code accel.conf}; {@link #configure(String)} returns a new provider configured from a file;
 * {@link #withConfig(Map)} and {@link #builder()} configure programmatically.
 *
 * <p>Construction never fails because of native problems (missing library, no device, no native
 * access): the cause is kept ({@link #deviceStatus()}) and every request is served in software.
 * It does fail, with {@link InvalidParameterException}, on an invalid configuration.
 */
public final class AccelProvider extends Provider {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "Accel";
  public static final String VERSION = "0.1";
  private static final String INFO =
      "Accel provider (AES-GCM, SHA-2, RSA on crypto-accelerator queues, software fallback)";

  private final transient AccelConfig config;
  private final transient DeviceSelection selection;
  private final transient Router router;
  private final transient RouteCounters counters;

  /** A provider configured from {@code accel.*} system properties and {@code accel.conf}. */
  public AccelProvider() {
    this(AccelConfig.fromEnvironment(), null);
  }

  private AccelProvider(AccelConfig config, List<Device> injectedDevices) {
    super(NAME, VERSION, INFO);
    this.config = config;
    this.counters = new RouteCounters();
    this.selection = DeviceSelection.open(config, injectedDevices);
    this.router =
        new Router(config, selection.devices(), selection.software(), selection.softwareLabel(), counters);
    for (Services.Row row : Services.rows()) {
      if (config.enabled(row.family())) {
        putService(new AccelService(this, row));
      }
    }
  }

  /** A provider configured by {@code settings} ({@code accel.*} keys) over the environment. */
  public static AccelProvider withConfig(Map<String, String> settings) {
    return builder().config(settings).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Programmatic construction, e.g. for tests that hand in their own (emulated) device. */
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Path file;
    private List<Device> devices;

    private Builder() {}

    /** {@code accel.*} settings; they win over the file and system properties. */
    public Builder config(Map<String, String> values) {
      settings.putAll(values);
      return this;
    }

    /** A properties file, read before system properties and {@link #config}. */
    public Builder configFile(Path path) {
      this.file = path;
      return this;
    }

    /**
     * Devices to route to, in preference order, instead of opening the ones {@code accel.devices}
     * names. The provider does not close them. An empty list means no device.
     */
    public Builder devices(List<Device> list) {
      this.devices = List.copyOf(list);
      return this;
    }

    /** Shorthand for {@code accel.software}: {@code bc}, {@code jdk} or {@code native}. */
    public Builder software(String tier) {
      settings.put(AccelConfig.KEY_SOFTWARE, tier);
      return this;
    }

    /**
     * @throws InvalidParameterException when a setting is invalid (message names key and values)
     */
    public AccelProvider build() {
      return new AccelProvider(AccelConfig.load(file, settings), devices);
    }
  }

  /**
   * Returns a new provider configured by {@code configArg}: the path of an Accel properties file
   * (the same keys as the system properties; docs/configuration.md), or, after a {@code --}
   * prefix, the text of such a file inline (like SunPKCS11's inline configuration). This provider
   * is not changed.
   *
   * @throws NullPointerException if {@code configArg} is null
   * @throws InvalidParameterException if the file cannot be read or holds an invalid setting; no
   *     provider is built from a bad file
   */
  @Override
  public Provider configure(String configArg) {
    Objects.requireNonNull(configArg, "configArg");
    String arg = configArg.trim();
    AccelConfig parsed;
    if (arg.startsWith("--")) {
      parsed = AccelConfig.fromText(arg.substring(2).replace("\\n", "\n"));
    } else {
      if (arg.isEmpty()) {
        throw new InvalidParameterException("Accel configuration path is empty");
      }
      parsed = AccelConfig.load(Path.of(arg), Map.of());
    }
    return new AccelProvider(parsed, null);
  }

  /** Always true: the provider is usable as constructed (in software when no device is). */
  @Override
  public boolean isConfigured() {
    return true;
  }

  /** The router that serves this provider's SPI instances. */
  public Router router() {
    return router;
  }

  public AccelConfig config() {
    return config;
  }

  /** A snapshot of the route counters (algorithm x route x tier x reason). */
  public RouteStats stats() {
    return counters.snapshot();
  }

  /** Zeroes the route counters. */
  public void resetStats() {
    counters.reset();
  }

  /**
   * One line per configured device backend: opened (and its health) or why it is unavailable;
   * plus the software tier in use.
   */
  public List<String> deviceStatus() {
    List<String> out = new ArrayList<>(selection.status());
    out.addAll(router.describeDevices());
    out.add("software tier: " + router.softwareLabel());
    return out;
  }

  /** What {@code accel stats} prints: configuration, devices and route counters. */
  public String renderStats() {
    StringBuilder sb = new StringBuilder();
    sb.append("Accel ").append(VERSION).append(System.lineSeparator());
    sb.append("configuration: ").append(config.effective()).append(System.lineSeparator());
    for (String line : deviceStatus()) {
      sb.append("  ").append(line).append(System.lineSeparator());
    }
    sb.append(stats().render());
    return sb.toString();
  }

  /**
   * A service created from a table row. {@link #newInstance} constructs the SPI directly (no
   * reflective lookup by the JDK), which also works when the provider sits on the module path.
   */
  private static final class AccelService extends Provider.Service {
    private final String className;
    private volatile Constructor<?> ctor;
    private volatile boolean ctorTakesProvider;

    AccelService(AccelProvider p, Services.Row row) {
      super(p, row.type(), row.algorithm(), row.className(), row.allAliases(), row.attributes());
      this.className = row.className();
    }

    @Override
    public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
      if (constructorParameter != null) {
        throw new InvalidParameterException(
            "constructorParameter not used with " + getType() + " engines");
      }
      try {
        Constructor<?> c = ctor;
        if (c == null) {
          Class<?> cls = Class.forName(className, true, AccelProvider.class.getClassLoader());
          try {
            c = cls.getConstructor(AccelProvider.class);
            ctorTakesProvider = true;
          } catch (NoSuchMethodException e) {
            c = cls.getConstructor();
            ctorTakesProvider = false;
          }
          ctor = c;
        }
        return ctorTakesProvider ? c.newInstance((AccelProvider) getProvider()) : c.newInstance();
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new NoSuchAlgorithmException(
            "Error constructing implementation (algorithm: " + getAlgorithm() + ", provider: Accel)", cause);
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new NoSuchAlgorithmException(
            "Error constructing implementation (algorithm: " + getAlgorithm() + ", provider: Accel)", e);
      }
    }
  }
}
