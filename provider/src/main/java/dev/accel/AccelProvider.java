package dev.accel;

import dev.accel.api.AccelCrypto;
import dev.accel.config.AccelConfig;
import dev.accel.device.Device;
import dev.accel.device.DeviceHealth;
import dev.accel.device.DeviceSelfTest;
import dev.accel.ffm.NativeLibrary;
import dev.accel.metrics.GcmCallCounters;
import dev.accel.metrics.RouteCounters;
import dev.accel.api.RouteStats;
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
import java.util.Optional;

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

  private static final System.Logger LOG = System.getLogger(AccelProvider.class.getName());

  public static final String NAME = "Accel";
  public static final String VERSION = "0.1";
  private static final String INFO =
      "Accel provider (AES-GCM, SHA-2, RSA on crypto-accelerator queues, software fallback)";

  private final transient AccelConfig config;
  private final transient DeviceSelection selection;
  private final transient Router router;
  private final transient RouteCounters counters;
  private final transient GcmCallCounters gcmCalls = new GcmCallCounters();
  private final transient ProviderMetrics metrics;
  private final transient String mbeanName;
  private final transient boolean devicesRequested; // accel.devices names backends explicitly
  /** Why the configuration named on a java.security line could not be used, or null. */
  private final transient String configError;
  private transient volatile AccelCrypto crypto;

  /** A provider configured from {@code accel.*} system properties and {@code accel.conf}. */
  public AccelProvider() {
    this(AccelConfig.fromEnvironment(), null);
  }

  private AccelProvider(AccelConfig config, List<Device> injectedDevices) {
    this(config, injectedDevices, null);
  }

  /** With {@code configError}: no device, no service (the JDK's providers answer), the error kept. */
  private AccelProvider(AccelConfig config, List<Device> injectedDevices, String configError) {
    super(NAME, VERSION, INFO);
    this.configError = configError;
    this.config = config;
    this.counters = new RouteCounters();
    this.selection = DeviceSelection.open(config, injectedDevices);
    this.router =
        new Router(config, selection.devices(), selection.software(), selection.softwareLabels(), counters,
            selection.rsaHostEngine());
    for (Services.Row row : Services.rows()) {
      if (configError == null && config.enabled(row.family())) {
        putService(new AccelService(this, row));
      }
    }
    this.devicesRequested =
        injectedDevices == null && !config.devices().equals(List.of("auto")) && !config.devices().equals(List.of("none"));
    this.metrics = new ProviderMetrics(router, counters, gcmCalls);
    this.mbeanName =
        Boolean.parseBoolean(System.getProperty("accel.jmx.enabled", "true"))
            ? ProviderMetrics.register(this, metrics, System.getProperty("accel.jmx.name"))
            : "not registered: accel.jmx.enabled=false";
  }

  /** The explicit batch and asynchronous API ({@code docs/api.md}); same routing as JCA. */
  public AccelCrypto crypto() {
    AccelCrypto c = crypto;
    if (c == null) {
      synchronized (this) {
        c = crypto;
        if (c == null) {
          c = new AccelCryptoImpl(this, router);
          crypto = c;
        }
      }
    }
    return c;
  }

  /**
   * Why native or device loading failed, if it did: the native library could not be loaded, or a
   * backend that {@code accel.devices} names could not be opened. Empty when everything configured
   * is in use (with {@code accel.devices=auto}, "no accelerator present" is not an error).
   */
  public Optional<String> loadingError() {
    List<String> problems = new ArrayList<>();
    if (configError != null) {
      problems.add("configuration: " + configError + " (this provider serves nothing)");
    }
    boolean wantsNative = devicesRequested || config.software().equals("native");
    if (wantsNative && !NativeLibrary.isAvailable()) {
      problems.add("native shim " + NativeLibrary.describe());
    }
    for (String line : selection.status()) {
      if (line.contains("unavailable")) {
        problems.add(line);
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /** The exception behind a failed native library load, if any. */
  public Optional<Throwable> loadingErrorCause() {
    return NativeLibrary.isAvailable() ? Optional.empty() : Optional.ofNullable(NativeLibrary.unavailabilityCause());
  }

  /**
   * Known-answer tests (AES-GCM 128/192/256, SHA-224/256/384/512, RSA-2048 private CRT and
   * public) through every route this provider has: each device, then the software tier.
   * Device failures are results, never exceptions.
   */
  public List<dev.accel.api.SelfTestResult> runSelfTests() {
    List<dev.accel.api.SelfTestResult> out = new ArrayList<>();
    for (Device d : router.devices()) {
      out.addAll(DeviceSelfTest.run(d));
    }
    out.addAll(DeviceSelfTest.run(router.softwareEngine(), "software:" + router.softwareLabel()));
    return out;
  }

  /**
   * A device's health as this provider sees it.
   *
   * @param state the device's own report ({@code accel_dev_health})
   * @param usable whether the router sends it requests (health usable and breaker closed)
   * @param reason why not, or the device's own reason text; empty when all is well
   */
  public record DeviceHealthReport(
      String name, String backend, String state, boolean usable, String reason, int inflight) {}

  /** Per-device health with reason. */
  public List<DeviceHealthReport> deviceHealth() {
    List<DeviceHealthReport> out = new ArrayList<>();
    List<Device> devices = router.devices();
    List<Router.DeviceState> states = router.deviceStates();
    for (int i = 0; i < devices.size(); i++) {
      Device d = devices.get(i);
      Router.DeviceState st = states.get(i);
      DeviceHealth h = d.health();
      boolean usable = h.usable() && st.usable();
      String reason = !st.usable() ? st.reason() : h.reason();
      out.add(new DeviceHealthReport(d.name(), d.backend(), h.state().name(), usable, reason == null ? "" : reason, st.inflight()));
    }
    return out;
  }

  /**
   * Throws {@link IllegalStateException} naming the reason when this provider is not healthy: a
   * loading error, a device that is unusable (breaker open, removed, isolated), or a failed
   * known-answer test on any route. Returns normally otherwise.
   */
  public void assertHealthy() {
    List<String> problems = new ArrayList<>();
    loadingError().ifPresent(e -> problems.add("loading: " + e));
    for (DeviceHealthReport h : deviceHealth()) {
      if (!h.usable()) {
        problems.add(h.name() + " unusable: " + h.state() + (h.reason().isEmpty() ? "" : " (" + h.reason() + ")"));
      }
    }
    for (dev.accel.api.SelfTestResult r : runSelfTests()) {
      if (r.failed()) {
        problems.add("self-test " + r);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("Accel provider unhealthy: " + String.join("; ", problems));
    }
  }

  /** The JMX name of this provider's metrics MBean, or "not registered: why". */
  public String metricsMBeanName() {
    return mbeanName;
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
     * Devices to route to instead of opening the ones {@code accel.devices} names. The provider
     * does not close them, and they keep their own {@link dev.accel.device.DeviceOptions}
     * (deadlines included: {@code accel.device.timeout.ms} applies to devices the provider opens).
     * An empty list means no device.
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
    try {
      if (arg.startsWith("--")) {
        parsed = AccelConfig.fromText(arg.substring(2).replace("\\n", "\n"));
      } else {
        if (arg.isEmpty()) {
          throw new InvalidParameterException("Accel configuration path is empty");
        }
        parsed = AccelConfig.load(Path.of(arg), Map.of());
      }
    } catch (InvalidParameterException | java.nio.file.InvalidPathException e) {
      if (!calledByTheJdkProviderLoader()) {
        throw e;
      }
      // The JDK swallows an exception from configure() on a java.security line, and the provider
      // then vanishes without a word (NoSuchProviderException later). So: say why, once, loudly,
      // and stay findable by name with the error in loadingError() / assertHealthy(), serving
      // nothing: a configuration that could not be read must not be replaced by defaults.
      String why = "java.security line 'dev.accel.AccelProvider " + arg + "': " + e.getMessage();
      LOG.log(System.Logger.Level.ERROR, "Accel: configuration failed on the " + why
          + "; Accel serves no algorithm until it is fixed (the JDK's providers answer)");
      return new AccelProvider(AccelConfig.fromText("accel.devices=none"), null, why);
    }
    return new AccelProvider(parsed, null);
  }

  /**
   * True when {@code configure} was called by the JDK while it loads the providers listed in
   * {@code java.security} ({@code sun.security.jca.ProviderConfig}), which discards its exception.
   */
  private static boolean calledByTheJdkProviderLoader() {
    return StackWalker.getInstance()
        .walk(frames -> frames.limit(8).anyMatch(f -> f.getClassName().equals("sun.security.jca.ProviderConfig")));
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

  /**
   * Inits and doFinals of this provider's {@code AES/GCM/NoPadding} ciphers, per direction (read
   * with {@code snapshot()}): with the route counters, proof that a TLS stack's records went
   * through Accel's {@code Cipher} ({@code init == doFinal}, one per record). The AES-GCM SPI
   * counts into it; nothing else should.
   */
  public GcmCallCounters gcmCalls() {
    return gcmCalls;
  }

  /** Zeroes the route counters and the AES-GCM call counters. */
  public void resetStats() {
    counters.reset();
    gcmCalls.reset();
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
    sb.append("metrics MBean: ").append(mbeanName).append(System.lineSeparator());
    sb.append(metrics.render());
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
      if ("MessageDigest".equals(getType())) {
        // The JDK's own SPI when Accel would only stream into it (see Router#jvmDigestSpi).
        dev.accel.core.DigestAlgorithm alg = dev.accel.core.DigestAlgorithm.lookup(getAlgorithm());
        Object direct = alg == null ? null : ((AccelProvider) getProvider()).router().jvmDigestSpi(alg);
        if (direct != null) {
          return direct;
        }
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
