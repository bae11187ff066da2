package dev.accel.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider's configuration: every {@code accel.*} key, validated as a whole before anything is
 * built from it, so a bad file is never half-applied. Documented key by key in {@code
 * docs/configuration.md}.
 *
 * <p>Layers, later ones winning: built-in defaults, the properties file (named by the {@code
 * accel.conf} system property or by the {@code Provider.configure(String)} argument), {@code
 * accel.*} system properties, and finally the map handed to {@code AccelProvider.withConfig} or
 * the builder (the most specific, so tests are not disturbed by the environment).
 *
 * <p>Every invalid value fails with an {@link InvalidParameterException} (what {@code
 * Provider.configure} is specified to throw) whose message names the key and the allowed values.
 */
public final class AccelConfig {

  /** A family of services that can be registered or not as a whole. */
  public enum Family {
    AES_GCM("aes-gcm"),
    SHA2("sha2"),
    RSA("rsa");

    private final String configName;

    Family(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    static Family ofConfigName(String name) {
      for (Family f : values()) {
        if (f.configName.equals(name)) {
          return f;
        }
      }
      return null;
    }
  }

  /** Per-family routing policy. */
  public enum RouteMode {
    /** Device when it can take the request and the request is at or above the threshold. */
    AUTO,
    /** Device whenever it can take the request, whatever its size (threshold ignored). */
    DEVICE,
    /** Never the device. */
    SOFTWARE
  }

  public static final String KEY_CONF = "accel.conf";
  public static final String KEY_DEVICES = "accel.devices";
  public static final String KEY_EMU_PROFILE = "accel.emu.profile";
  public static final String KEY_EMU_ENGINES = "accel.emu.engines";
  public static final String KEY_SOFTWARE = "accel.software";
  public static final String KEY_RSA_HOST = "accel.rsa.host";
  public static final String KEY_CPU_KERNELS = "accel.cpu.kernels";
  public static final String KEY_FAMILIES = "accel.families";
  public static final String KEY_TIMEOUT_MS = "accel.device.timeout.ms";
  public static final String KEY_QUEUE_DEPTH = "accel.device.queue.depth";
  public static final String KEY_QUEUES = "accel.device.queues";
  public static final String KEY_BUSY_US = "accel.device.busy.us";
  public static final String KEY_INFLIGHT_MAX = "accel.device.inflight.max";
  public static final String KEY_POISON = "accel.device.poison-freed";
  public static final String KEY_CALIBRATE = "accel.calibrate";
  public static final String KEY_CALIBRATE_BUDGET_MS = "accel.calibrate.budget.ms";
  public static final String KEY_BREAKER_ERRORS = "accel.breaker.errors";
  public static final String KEY_BREAKER_PROBE_MS = "accel.breaker.probe.ms";
  public static final String KEY_BREAKER_FAILURE_PERCENT = "accel.breaker.failure.percent";
  public static final String KEY_QUARANTINE_REQUESTS = "accel.device.quarantine.requests";
  public static final String KEY_QUARANTINE_KIB = "accel.device.quarantine.kib";

  static final List<String> DEVICE_VALUES = List.of("auto", "emu", "cpu", "uadk", "none");
  static final List<String> PROFILE_VALUES = List.of("fast", "sec-920", "hpre-920");
  static final List<String> SOFTWARE_VALUES = List.of("bc", "jdk", "native");
  static final List<String> RSA_HOST_VALUES = List.of("native", "java");
  static final List<String> CPU_KERNEL_VALUES = List.of("auto", "native", "jvm");
  static final List<String> BOOLEAN_VALUES = List.of("true", "false");
  static final List<String> ROUTE_VALUES = List.of("auto", "device", "software");

  /** Key prefixes owned by other components (native loader, logging); passed through unchecked. */
  private static final List<String> RESERVED_PREFIXES =
      List.of("accel.native.", "accel.log.", "accel.jmx.", "accel.jfr.", "accel.test.");

  private final List<String> devices;
  private final String emuProfile;
  private final int emuEngines;
  private final String software;
  private final String rsaHost;
  private final String cpuKernels;
  private final EnumMap<Family, Boolean> enabled;
  private final EnumMap<Family, Long> thresholdBytes; // absent: the device's default
  private final EnumMap<Family, RouteMode> routes;
  private final long deviceTimeoutMs;
  private final int queueDepth;
  private final int queues;
  private final long busyUs;
  private final int inflightMax;
  private final boolean poisonFreed;
  private final boolean calibrate;
  private final int breakerErrors;
  private final long breakerProbeMs;
  private final int breakerFailurePercent;
  private final int quarantineRequests;
  private final long quarantineKib;
  private final long calibrateBudgetMs;
  private final Map<String, String> effective;

  private AccelConfig(Map<String, String> raw) {
    Map<String, String> eff = new TreeMap<>();
    devices = parseDevices(raw.getOrDefault(KEY_DEVICES, "auto"));
    eff.put(KEY_DEVICES, String.join(",", devices));
    emuProfile = oneOf(KEY_EMU_PROFILE, raw.getOrDefault(KEY_EMU_PROFILE, "fast"), PROFILE_VALUES);
    eff.put(KEY_EMU_PROFILE, emuProfile);
    emuEngines = (int) integer(KEY_EMU_ENGINES, raw.getOrDefault(KEY_EMU_ENGINES, "4"), 1, 256);
    eff.put(KEY_EMU_ENGINES, Integer.toString(emuEngines));
    software = oneOf(KEY_SOFTWARE, raw.getOrDefault(KEY_SOFTWARE, "bc"), SOFTWARE_VALUES);
    eff.put(KEY_SOFTWARE, software);
    rsaHost = oneOf(KEY_RSA_HOST, raw.getOrDefault(KEY_RSA_HOST, "native"), RSA_HOST_VALUES);
    eff.put(KEY_RSA_HOST, rsaHost);
    cpuKernels = oneOf(KEY_CPU_KERNELS, raw.getOrDefault(KEY_CPU_KERNELS, "auto"), CPU_KERNEL_VALUES);
    eff.put(KEY_CPU_KERNELS, cpuKernels);
    deviceTimeoutMs =
        integer(KEY_TIMEOUT_MS, raw.getOrDefault(KEY_TIMEOUT_MS, "5000"), 1, 600_000);
    eff.put(KEY_TIMEOUT_MS, Long.toString(deviceTimeoutMs));
    queueDepth = (int) integer(KEY_QUEUE_DEPTH, raw.getOrDefault(KEY_QUEUE_DEPTH, "0"), 0, 65536);
    if (queueDepth != 0 && (queueDepth < 2 || Integer.bitCount(queueDepth) != 1)) {
      throw invalid(KEY_QUEUE_DEPTH, raw.get(KEY_QUEUE_DEPTH), "0 (backend default) or a power of two from 2 to 65536");
    }
    eff.put(KEY_QUEUE_DEPTH, Integer.toString(queueDepth));
    queues = (int) integer(KEY_QUEUES, raw.getOrDefault(KEY_QUEUES, "1"), 1, 64);
    eff.put(KEY_QUEUES, Integer.toString(queues));
    busyUs = integer(KEY_BUSY_US, raw.getOrDefault(KEY_BUSY_US, "2000"), 0, 10_000_000);
    eff.put(KEY_BUSY_US, Long.toString(busyUs));
    inflightMax = (int) integer(KEY_INFLIGHT_MAX, raw.getOrDefault(KEY_INFLIGHT_MAX, "4096"), 1, 1 << 20);
    eff.put(KEY_INFLIGHT_MAX, Integer.toString(inflightMax));
    poisonFreed = Boolean.parseBoolean(oneOf(KEY_POISON, raw.getOrDefault(KEY_POISON, "false"), BOOLEAN_VALUES));
    eff.put(KEY_POISON, Boolean.toString(poisonFreed));
    calibrate = Boolean.parseBoolean(oneOf(KEY_CALIBRATE, raw.getOrDefault(KEY_CALIBRATE, "true"), BOOLEAN_VALUES));
    eff.put(KEY_CALIBRATE, Boolean.toString(calibrate));
    calibrateBudgetMs = integer(KEY_CALIBRATE_BUDGET_MS, raw.getOrDefault(KEY_CALIBRATE_BUDGET_MS, "50"), 1, 60_000);
    eff.put(KEY_CALIBRATE_BUDGET_MS, Long.toString(calibrateBudgetMs));
    breakerErrors = (int) integer(KEY_BREAKER_ERRORS, raw.getOrDefault(KEY_BREAKER_ERRORS, "16"), 1, 1_000_000);
    eff.put(KEY_BREAKER_ERRORS, Integer.toString(breakerErrors));
    breakerProbeMs = integer(KEY_BREAKER_PROBE_MS, raw.getOrDefault(KEY_BREAKER_PROBE_MS, "100"), 1, 3_600_000);
    eff.put(KEY_BREAKER_PROBE_MS, Long.toString(breakerProbeMs));
    breakerFailurePercent =
        (int) integer(KEY_BREAKER_FAILURE_PERCENT, raw.getOrDefault(KEY_BREAKER_FAILURE_PERCENT, "10"), 0, 100);
    eff.put(KEY_BREAKER_FAILURE_PERCENT, Integer.toString(breakerFailurePercent));
    quarantineRequests =
        (int) integer(KEY_QUARANTINE_REQUESTS, raw.getOrDefault(KEY_QUARANTINE_REQUESTS, "32"), 1, 1 << 20);
    eff.put(KEY_QUARANTINE_REQUESTS, Integer.toString(quarantineRequests));
    quarantineKib = integer(KEY_QUARANTINE_KIB, raw.getOrDefault(KEY_QUARANTINE_KIB, "8192"), 1, 64L << 20);
    eff.put(KEY_QUARANTINE_KIB, Long.toString(quarantineKib));

    enabled = new EnumMap<>(Family.class);
    String familiesValue = raw.get(KEY_FAMILIES);
    List<String> familyNames = new ArrayList<>();
    for (Family f : Family.values()) {
      familyNames.add(f.configName());
    }
    if (familiesValue != null) {
      for (Family f : Family.values()) {
        enabled.put(f, false);
      }
      for (String item : splitList(familiesValue)) {
        Family f = Family.ofConfigName(item);
        if (f == null) {
          throw invalid(KEY_FAMILIES, familiesValue, "a comma list of " + familyNames);
        }
        enabled.put(f, true);
      }
    } else {
      for (Family f : Family.values()) {
        enabled.put(f, true);
      }
    }
    thresholdBytes = new EnumMap<>(Family.class);
    routes = new EnumMap<>(Family.class);
    for (Family f : Family.values()) {
      String enabledKey = enabledKey(f);
      if (raw.containsKey(enabledKey)) {
        enabled.put(f, Boolean.parseBoolean(oneOf(enabledKey, raw.get(enabledKey), BOOLEAN_VALUES)));
      }
      eff.put(enabledKey, enabled.get(f).toString());
      String thresholdKey = thresholdKey(f);
      if (raw.containsKey(thresholdKey)) {
        thresholdBytes.put(f, integer(thresholdKey, raw.get(thresholdKey), 0, Integer.MAX_VALUE));
        eff.put(thresholdKey, thresholdBytes.get(f).toString());
      } else {
        eff.put(thresholdKey, "device-default");
      }
      String routeKey = routeKey(f);
      routes.put(
          f,
          RouteMode.valueOf(
              oneOf(routeKey, raw.getOrDefault(routeKey, "auto"), ROUTE_VALUES)
                  .toUpperCase(Locale.ROOT)));
      eff.put(routeKey, routes.get(f).name().toLowerCase(Locale.ROOT));
    }
    effective = Collections.unmodifiableMap(eff);

    Set<String> known = knownKeys();
    for (String key : raw.keySet()) {
      if (!known.contains(key) && RESERVED_PREFIXES.stream().noneMatch(key::startsWith)) {
        throw new InvalidParameterException(
            "Unknown configuration key " + key + "; known keys: " + new TreeMap<>(toMap(known)).keySet());
      }
    }
  }

  private static Map<String, String> toMap(Set<String> keys) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : keys) {
      m.put(k, "");
    }
    return m;
  }

  public static String enabledKey(Family f) {
    return "accel." + f.configName() + ".enabled";
  }

  public static String thresholdKey(Family f) {
    return "accel.threshold." + f.configName();
  }

  public static String routeKey(Family f) {
    return "accel.route." + f.configName();
  }

  /** Every key this class understands. */
  public static Set<String> knownKeys() {
    Set<String> keys = new java.util.TreeSet<>();
    keys.addAll(
        List.of(
            KEY_CONF,
            KEY_DEVICES,
            KEY_EMU_PROFILE,
            KEY_EMU_ENGINES,
            KEY_SOFTWARE,
            KEY_RSA_HOST,
            KEY_CPU_KERNELS,
            KEY_FAMILIES,
            KEY_TIMEOUT_MS,
            KEY_QUEUE_DEPTH,
            KEY_QUEUES,
            KEY_BUSY_US,
            KEY_INFLIGHT_MAX,
            KEY_POISON,
            KEY_CALIBRATE,
            KEY_CALIBRATE_BUDGET_MS,
            KEY_BREAKER_ERRORS,
            KEY_BREAKER_PROBE_MS,
            KEY_BREAKER_FAILURE_PERCENT,
            KEY_QUARANTINE_REQUESTS,
            KEY_QUARANTINE_KIB));
    for (Family f : Family.values()) {
      keys.add(enabledKey(f));
      keys.add(thresholdKey(f));
      keys.add(routeKey(f));
    }
    return keys;
  }

  // ---- construction -------------------------------------------------------------------------

  /** Defaults, then the {@code accel.conf} file if set, then {@code accel.*} system properties. */
  public static AccelConfig fromEnvironment() {
    return load(null, Map.of());
  }

  /**
   * Builds a configuration from {@code file} (null: the file named by the {@code accel.conf}
   * system property, if any), then {@code accel.*} system properties, then {@code overrides}.
   *
   * @throws InvalidParameterException for an unreadable file, an unknown key or a bad value
   */
  public static AccelConfig load(Path file, Map<String, String> overrides) {
    Map<String, String> raw = new LinkedHashMap<>();
    Path confFile = file;
    if (confFile == null) {
      String named = overrides.get(KEY_CONF);
      if (named == null) {
        named = System.getProperty(KEY_CONF);
      }
      if (named != null && !named.isBlank()) {
        confFile = Path.of(named.trim());
      }
    }
    if (confFile != null) {
      raw.putAll(readFile(confFile));
    }
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("accel.")) {
        raw.put(name, System.getProperty(name));
      }
    }
    raw.putAll(overrides);
    return new AccelConfig(trimAll(raw));
  }

  /** Parses the text of a properties file (the inline form of {@code configure("--...")}). */
  public static AccelConfig fromText(String propertiesText) {
    Map<String, String> raw = new LinkedHashMap<>();
    raw.putAll(parseProperties(new StringReader(propertiesText), "inline configuration"));
    Map<String, String> merged = new LinkedHashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("accel.")) {
        merged.put(name, System.getProperty(name));
      }
    }
    // The explicit inline text is more specific than the environment.
    merged.putAll(raw);
    return new AccelConfig(trimAll(merged));
  }

  private static Map<String, String> trimAll(Map<String, String> raw) {
    Map<String, String> out = new LinkedHashMap<>();
    raw.forEach(
        (k, v) -> {
          if (v == null) {
            throw new InvalidParameterException("Configuration key " + k + " has no value");
          }
          out.put(k.trim(), v.trim());
        });
    return out;
  }

  private static Map<String, String> readFile(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parseProperties(r, file.toString());
    } catch (IOException e) {
      InvalidParameterException ipe =
          new InvalidParameterException("Cannot read Accel configuration file " + file + ": " + e);
      ipe.initCause(e);
      throw ipe;
    }
  }

  private static Map<String, String> parseProperties(Reader r, String source) {
    Properties p = new Properties();
    try {
      p.load(r);
    } catch (IOException | IllegalArgumentException e) {
      InvalidParameterException ipe =
          new InvalidParameterException("Malformed Accel configuration in " + source + ": " + e.getMessage());
      ipe.initCause(e);
      throw ipe;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      out.put(name, p.getProperty(name));
    }
    return out;
  }

  // ---- validation helpers --------------------------------------------------------------------

  private static InvalidParameterException invalid(String key, String value, String allowed) {
    return new InvalidParameterException(
        "Invalid value '" + value + "' for " + key + "; allowed: " + allowed);
  }

  private static String oneOf(String key, String value, List<String> allowed) {
    String v = value.toLowerCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw invalid(key, value, "one of " + allowed);
    }
    return v;
  }

  private static long integer(String key, String value, long min, long max) {
    long v;
    try {
      v = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw invalid(key, value, "an integer from " + min + " to " + max);
    }
    if (v < min || v > max) {
      throw invalid(key, value, "an integer from " + min + " to " + max);
    }
    return v;
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String item : value.split(",")) {
      String t = item.trim().toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static List<String> parseDevices(String value) {
    List<String> items = splitList(value);
    String allowed = "auto, none, or a comma list of emu, cpu, uadk";
    if (items.isEmpty()) {
      throw invalid(KEY_DEVICES, value, allowed);
    }
    for (String item : items) {
      if (!DEVICE_VALUES.contains(item)) {
        throw invalid(KEY_DEVICES, value, allowed);
      }
    }
    if ((items.contains("none") || items.contains("auto")) && items.size() > 1) {
      throw invalid(KEY_DEVICES, value, allowed + " (auto and none stand alone)");
    }
    return List.copyOf(new java.util.LinkedHashSet<>(items));
  }

  // ---- accessors -----------------------------------------------------------------------------

  /**
   * Device backends to open, in routing-preference order: {@code [auto]} (UADK when present, else
   * none; the emulator is never opened unless named), {@code [none]}, or backends.
   */
  public List<String> devices() {
    return devices;
  }

  public String emuProfile() {
    return emuProfile;
  }

  public int emuEngines() {
    return emuEngines;
  }

  /** {@code bc}, {@code jdk} or {@code native}. */
  public String software() {
    return software;
  }

  /**
   * Where the host's part of an RSA private-key operation on a device that neither blinds nor
   * checks (emu, uadk) runs: {@code native} (the shim's cpu engine: blinding, the CRT fault check
   * and unblinding in C) or {@code java} ({@link java.math.BigInteger}). {@code native} falls back
   * to {@code java} when the cpu engine cannot be opened.
   */
  public String rsaHost() {
    return rsaHost;
  }

  /**
   * Which kernels the cpu device uses: {@code auto} (per operation and size, the faster of its
   * native kernels and the JVM's intrinsics; {@code accel devices} shows the plan), {@code native}
   * or {@code jvm} (every operation the other side can also do).
   */
  public String cpuKernels() {
    return cpuKernels;
  }

  public boolean enabled(Family f) {
    return enabled.get(f);
  }

  /** The configured threshold in bytes, or {@code -1} for the device's own default. */
  public long thresholdBytes(Family f) {
    Long v = thresholdBytes.get(f);
    return v == null ? -1 : v;
  }

  public RouteMode route(Family f) {
    return routes.get(f);
  }

  public long deviceTimeoutMs() {
    return deviceTimeoutMs;
  }

  /** Ring entries per device queue; 0 = the backend's default. */
  public int queueDepth() {
    return queueDepth;
  }

  /** Queues opened per device ({@code accel.device.queues}); requests spread round-robin. */
  public int queues() {
    return queues;
  }

  /** How long a full queue (EAGAIN) is retried before the request spills to software. */
  public long busyRetryNanos() {
    return busyUs * 1000L;
  }

  /** Requests the router keeps in flight on one device before spilling to software. */
  public int inflightMax() {
    return inflightMax;
  }

  /** Debug: open devices with ACCEL_DEV_POISON_FREED (freed buffers poisoned, late writes reported). */
  public boolean poisonFreed() {
    return poisonFreed;
  }

  /** Calibrate size thresholds against the software tier at start-up. */
  public boolean calibrate() {
    return calibrate;
  }

  /** Consecutive device failures that open a device's circuit breaker. */
  public int breakerErrors() {
    return breakerErrors;
  }

  /**
   * The share of failed requests, in percent, among an asynchronous device's last {@code 64} that
   * opens its breaker even when successes come between the failures (0: off).
   */
  public int breakerFailurePercent() {
    return breakerFailurePercent;
  }

  /** Abandoned requests a device queue may hold before it is retired. */
  public int quarantineRequests() {
    return quarantineRequests;
  }

  /** Bytes of device buffers those abandoned requests may hold before the queue is retired. */
  public long quarantineBytes() {
    return quarantineKib * 1024L;
  }

  /** How often an open breaker re-probes its device. */
  public long breakerProbeMs() {
    return breakerProbeMs;
  }

  /**
   * How long start-up calibration may measure each asynchronous device, all families together;
   * sizes not reached in time keep the device default and say so.
   */
  public long calibrateBudgetMs() {
    return calibrateBudgetMs;
  }

  /** Every effective setting, for {@code accel stats} and diagnostics (no secrets here). */
  public Map<String, String> effective() {
    return effective;
  }

  @Override
  public String toString() {
    return effective.toString();
  }
}
