package dev.accel.router;

import dev.accel.config.AccelConfig;
import dev.accel.config.AccelConfig.Family;
import dev.accel.config.AccelConfig.RouteMode;
import dev.accel.core.DigestAlgorithm;
import dev.accel.device.BatchOutcome;
import dev.accel.device.Device;
import dev.accel.device.DeviceException;
import dev.accel.engine.Engine;
import dev.accel.engine.IncrementalDigest;
import dev.accel.engine.Op;
import dev.accel.metrics.RouteCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;

/**
 * The one place that chooses an engine for each {@link Op}, and nothing else: counting lives in
 * {@link RouteLedger}, health in {@link DeviceGate}, RSA protection in {@link RsaProtection}.
 *
 * <p>Engines, cheapest first (ARCHITECTURE.md "Engines and the router"):
 *
 * <ol>
 *   <li>asynchronous devices (uadk, emu), each for requests from its size threshold on, the size
 *       from which it beats the cheapest in-process engine (calibrated at start-up per family,
 *       {@link Calibration}; {@code accel.threshold.*} overrides), while its circuit breaker is
 *       closed and its in-flight budget has room (beyond it the device counts as busy);
 *   <li>the cpu device, which computes on the caller's thread with the faster of its native kernels
 *       and the JVM's intrinsics for each operation and size ({@link dev.accel.device.CpuDevice});
 *   <li>the software tier ({@code accel.software}: bc, jdk, or native with bc behind it), which
 *       serves when no device can be opened and ends every fallback.
 * </ol>
 *
 * An engine is offered an op only when it {@link Engine#supports} it. A failure (any {@link
 * DeviceException}: error, timeout, removal, a result that failed its check) re-runs the same op on
 * the next engine; the caller sees a correct result or the exception the JDK would throw, never a
 * device error. A runtime exception from an engine is a bug, not a fallback: it is counted as
 * {@code fallback-internal}, logged once per engine and exception type, and the op re-runs on the
 * next engine. {@code accel.route.<family>=software} skips the devices; {@code device} ignores the
 * thresholds. In {@code auto}, RSA public-key operations never go to an asynchronous device (a
 * small exponent is cheaper on the CPU than a round trip).
 *
 * <p>The router never parses JCA parameters: SPI classes validate every argument first. Thread-safe;
 * one instance per provider instance.
 */
public final class Router {
  private static final System.Logger LOG = System.getLogger("dev.accel");

  /** Counter labels of the routed operations ({@link Op.Kind#label()}). */
  public static final String ALG_GCM_SEAL = Op.Kind.GCM_SEAL.label();

  public static final String ALG_GCM_OPEN = Op.Kind.GCM_OPEN.label();
  public static final String ALG_RSA_PRIVATE = Op.Kind.RSA_PRIVATE.label();
  public static final String ALG_RSA_PUBLIC = Op.Kind.RSA_PUBLIC.label();

  /** Longest message a streaming digest buffers in Java while it may still go to a device in one shot. */
  static final int DIGEST_BUFFER_CAP_BYTES = 4 << 20;

  /**
   * A device with its gate and per-family thresholds (calibration may replace entries).
   *
   * @param engine the device as the router calls it (behind {@link RsaProtection})
   */
  record Slot(Device device, Engine engine, DeviceGate gate, long[] thresholdBytes, String[] thresholdSource, int index) {}

  private final AccelConfig config;
  private final Slot[] slots; // asynchronous devices first, then inline ones
  private final Engine[] software; // the software tier's chain, last = the final fallback
  private final String softwareLabel;
  private final RouteLedger ledger;
  private final CountDownLatch calibrated = new CountDownLatch(1);
  private final boolean inlineOnly;
  private final Set<String> loggedBugs = ConcurrentHashMap.newKeySet();

  /**
   * @param devices opened devices (may be empty); the router does not close them
   * @param software the software tier's engines in fallback order (at least one) and their counter
   *     labels ({@code bc}, {@code jdk}, {@code native}, {@code bc(native-unavailable)})
   * @param rsaHost a cpu engine for the host side of device RSA operations (blinding and the fault
   *     check in C), or null for Java
   */
  public Router(
      AccelConfig config, List<Device> devices, List<Engine> software, List<String> softwareLabels,
      RouteCounters counters, Device rsaHost) {
    this.config = Objects.requireNonNull(config);
    if (software.isEmpty() || software.size() != softwareLabels.size()) {
      throw new IllegalArgumentException("one label per software engine, at least one engine");
    }
    Device cpu = null;
    for (Device d : devices) {
      if (d.inline() && cpu == null) {
        cpu = d;
      }
    }
    Device host = "native".equals(config.rsaHost()) ? (rsaHost != null ? rsaHost : cpu) : null;
    Device check = cpu != null ? cpu : rsaHost;
    List<Device> ordered = new ArrayList<>();
    for (Device d : devices) {
      if (!d.inline()) {
        ordered.add(d);
      }
    }
    for (Device d : devices) {
      if (d.inline()) {
        ordered.add(d);
      }
    }
    List<Slot> s = new ArrayList<>();
    List<Slot> toCalibrate = new ArrayList<>();
    for (Device d : ordered) {
      long[] thresholds = new long[Family.values().length];
      String[] source = new String[Family.values().length];
      boolean calibrate = false;
      for (Family f : Family.values()) {
        long configured = config.thresholdBytes(f);
        thresholds[f.ordinal()] = d.inline() ? 0 : configured >= 0 ? configured : defaultThresholdBytes(d.backend(), f);
        source[f.ordinal()] = d.inline() ? "in-process" : configured >= 0 ? "configured" : "default";
        calibrate |= !d.inline() && configured < 0 && Calibration.applies(d, f);
      }
      Slot slot = new Slot(d, RsaProtection.around(d, host, check),
          new DeviceGate(d, config.breakerErrors(), config.breakerFailurePercent(), config.breakerProbeMs() * 1_000_000L,
              config.inflightMax()),
          thresholds, source, s.size());
      s.add(slot);
      if (calibrate && config.calibrate()) {
        toCalibrate.add(slot);
      }
    }
    this.slots = s.toArray(new Slot[0]);
    this.software = new Engine[software.size()];
    for (int i = 0; i < software.size(); i++) {
      this.software[i] = RsaProtection.around(software.get(i), host, check);
    }
    this.softwareLabel = softwareLabels.get(0);
    List<String> names = new ArrayList<>();
    boolean[] isSoftware = new boolean[slots.length + software.size()];
    boolean async = false;
    for (Slot slot : slots) {
      names.add(slot.device().name());
      async |= !slot.device().inline();
    }
    for (int i = 0; i < software.size(); i++) {
      names.add(softwareLabels.get(i));
      isSoftware[slots.length + i] = true;
    }
    this.inlineOnly = !async;
    this.ledger = new RouteLedger(Objects.requireNonNull(counters), names, isSoftware, async);
    // Synchronous and bounded (accel.calibrate.budget.ms per device, cached per device): an
    // asynchronous device is measured against the engine it competes with, the cpu device when
    // there is one, else the software tier.
    Engine rival = cpu != null ? cpu : this.software[0];
    String rivalLabel = cpu != null ? cpu.name() : softwareLabel;
    for (Slot slot : toCalibrate) {
      Calibration.run(slot, rival, rivalLabel, config);
    }
    calibrated.countDown();
  }

  /** Default size thresholds of asynchronous devices (DEVICE-MODEL.md): AES-GCM and SHA-2 from 16 KiB, RSA always. */
  public static long defaultThresholdBytes(String backend, Family family) {
    if ("cpu".equals(backend)) {
      return 0;
    }
    return switch (family) {
      case AES_GCM, SHA2 -> 16 * 1024;
      case RSA -> 0;
    };
  }

  private static Family family(Op.Kind k) {
    return k.isGcm() ? Family.AES_GCM : k.isDigest() ? Family.SHA2 : Family.RSA;
  }

  // ---- routing core --------------------------------------------------------------------------

  /** Every engine failed (only RSA can get here: a key whose CRT results fail every check). */
  private static final class Exhausted extends Exception {
    final RouteReason reason;

    Exhausted(RouteReason reason) {
      super(null, null, false, false);
      this.reason = reason;
    }
  }

  /** Why the devices were not offered {@code op} at all, or null when they may be. */
  private RouteReason skipDevices(Op op, RouteMode mode) {
    if (mode == RouteMode.SOFTWARE) {
      return RouteReason.ROUTE_SOFTWARE;
    }
    if (op instanceof Op.RsaPrivate r && !r.key().hasCrt()) {
      return RouteReason.NO_CRT;
    }
    if (slots.length == 0) {
      return RouteReason.NO_DEVICE;
    }
    return null;
  }

  /** Threshold, health and in-flight budget of a device that can take the op. */
  private static RouteReason admit(Slot s, Family family, RouteMode mode, Op op) {
    if (!s.device().inline()) {
      if (mode == RouteMode.AUTO && op instanceof Op.RsaPublic) {
        return RouteReason.PUBLIC_ON_CPU;
      }
      if (mode == RouteMode.AUTO && op.sizeBytes() < s.thresholdBytes()[family.ordinal()]) {
        return RouteReason.BELOW_THRESHOLD;
      }
    }
    if (!s.gate().admit()) {
      return RouteReason.UNHEALTHY;
    }
    if (!s.gate().acquireSlot()) {
      return RouteReason.BUSY; // in-flight budget spent: the next engine takes it at once
    }
    return RouteReason.OK;
  }

  private RouteReason failed(Slot s, DeviceException e) {
    s.gate().onFailure(e.reason(), e.getMessage());
    return RouteReason.ofDeviceFailure(e.reason());
  }

  /** A runtime exception from an engine is a bug there: counted, logged once, never the caller's. */
  private RouteReason bug(String engine, RuntimeException e) {
    if (loggedBugs.add(engine + ':' + e.getClass().getName())) {
      LOG.log(System.Logger.Level.ERROR,
          "Accel: engine " + engine + " failed with " + e + "; the request re-ran on the next engine"
              + " (counted as fallback-internal; further failures of this kind are counted, not logged)", e);
    }
    return RouteReason.FALLBACK_INTERNAL;
  }

  private int execute(Op op) throws AEADBadTagException, Exhausted {
    Op.Kind kind = op.kind();
    Family family = family(kind);
    RouteMode mode = config.route(family);
    long t0 = ledger.start();
    RouteReason why = skipDevices(op, mode);
    if (why == null) {
      why = RouteReason.UNSUPPORTED;
      for (Slot s : slots) {
        if (!s.device().supports(op)) {
          continue;
        }
        RouteReason r = admit(s, family, mode, op);
        if (r != RouteReason.OK) {
          why = r;
          continue;
        }
        try {
          int n = s.engine().run(op);
          s.gate().onSuccess();
          ledger.served(s.index(), kind, RouteReason.OK, op.sizeBytes(), t0, 1);
          return n;
        } catch (AEADBadTagException e) {
          // A verdict, not a failure: the engine checked the tag and left the output untouched.
          s.gate().onSuccess();
          ledger.served(s.index(), kind, RouteReason.OK, op.sizeBytes(), t0, 1);
          throw e;
        } catch (DeviceException e) {
          why = failed(s, e);
        } catch (RuntimeException e) {
          s.gate().onFailure(DeviceException.Reason.DEVICE_ERROR, e.toString());
          why = bug(s.device().name(), e);
        } finally {
          s.gate().releaseSlot();
        }
      }
    }
    int last = -1;
    for (int i = 0; i < software.length; i++) {
      Engine e = software[i];
      if (!e.supports(op)) {
        continue;
      }
      last = slots.length + i;
      try {
        int n = e.run(op);
        ledger.served(slots.length + i, kind, why, op.sizeBytes(), t0, 1);
        return n;
      } catch (AEADBadTagException bad) {
        ledger.served(slots.length + i, kind, why, op.sizeBytes(), t0, 1);
        throw bad;
      } catch (DeviceException ex) {
        why = RouteReason.ofDeviceFailure(ex.reason());
      } catch (RuntimeException ex) {
        if (i == software.length - 1) {
          throw ex; // the last tier's own exception is the answer (it never fails for device reasons)
        }
        why = bug(e.name(), ex);
      }
    }
    if (last >= 0) {
      // Refused, not served: counted on the last engine tried with the reason (a key whose every
      // result failed its check shows as fallback-verify-fault there).
      ledger.served(last, kind, why, op.sizeBytes(), t0, 1);
    }
    throw new Exhausted(why);
  }

  /**
   * Runs an AES-GCM or SHA-2 op on the cheapest engine that takes it (see the class comment).
   *
   * @return bytes written to the op's output
   * @throws AEADBadTagException a {@link Op.GcmOpen} whose tag did not verify (output untouched)
   */
  public int run(Op op) throws AEADBadTagException {
    try {
      return execute(op);
    } catch (Exhausted e) {
      throw new java.security.ProviderException("no engine could run " + op.kind().label() + " (" + e.reason.label() + ")");
    }
  }

  /**
   * Runs a raw RSA op (RFC 8017 RSADP/RSASP1 or RSAEP/RSAVP1) and returns its output ({@code
   * key.modulusBytes()} bytes). Every private-key result is blinded and checked before release
   * ({@link RsaProtection}).
   *
   * @throws BadPaddingException "RSA private key operation failed" (SunRsaSign's answer) when no
   *     engine produced a result that passed the check: the key itself is faulty
   */
  public byte[] rsa(Op op) throws BadPaddingException {
    if (!op.kind().isRsa()) {
      throw new IllegalArgumentException(op.kind() + " is not an RSA op");
    }
    try {
      execute(op);
      return dev.accel.engine.Engine.outputOf(op);
    } catch (AEADBadTagException notReachable) {
      throw new IllegalStateException(notReachable);
    } catch (Exhausted e) {
      throw new BadPaddingException("RSA private key operation failed");
    }
  }

  /** {@link #rsa} of RSADP / RSASP1 on {@code input} (exactly k bytes, below n). */
  public byte[] rsaPrivate(dev.accel.core.RsaKeyMaterial key, byte[] input) throws BadPaddingException {
    return rsa(Op.RsaPrivate.of(key, input));
  }

  /** {@link #rsa} of RSAEP / RSAVP1 on {@code input} (exactly k bytes, below n). */
  public byte[] rsaPublic(dev.accel.core.RsaKeyMaterial key, byte[] input) throws BadPaddingException {
    return rsa(Op.RsaPublic.of(key, input));
  }

  // ---- streaming digests ---------------------------------------------------------------------

  /**
   * How many message bytes a streaming digest should buffer in Java while the whole message may
   * still go to an asynchronous device in one shot; {@code 0} when none could take this hash (the
   * digest then streams from the first byte, {@link #openStream}).
   */
  public int digestBufferLimit(DigestAlgorithm alg) {
    if (config.route(Family.SHA2) == RouteMode.SOFTWARE || alg.deviceOpcode() == 0) {
      return 0;
    }
    long best = 0;
    for (Slot s : slots) {
      if (!s.device().inline() && s.device().capabilities().supportsDigest(alg, 0)) {
        best = Math.max(best, Math.min(s.device().capabilities().digestDataMaxBytes(), DIGEST_BUFFER_CAP_BYTES));
      }
    }
    return (int) best;
  }

  /** A digest streaming on one engine, with the counter it is counted under. */
  public record Stream(IncrementalDigest digest, int engine, RouteReason reason) {}

  /**
   * A streaming digest on the first engine that streams in-process (the cpu device's JVM kernel,
   * else the software tier), for a {@code MessageDigest} whose length is not known.
   */
  public Stream openStream(DigestAlgorithm alg) {
    RouteReason why = config.route(Family.SHA2) == RouteMode.SOFTWARE
        ? RouteReason.ROUTE_SOFTWARE
        : slots.length == 0 ? RouteReason.NO_DEVICE : alg.deviceOpcode() == 0 ? RouteReason.UNSUPPORTED : RouteReason.STREAMED;
    if (why == RouteReason.STREAMED || why == RouteReason.UNSUPPORTED) {
      for (Slot s : slots) {
        IncrementalDigest d = s.gate().admit() ? s.device().newDigest(alg) : null;
        if (d != null) {
          return new Stream(d, s.index(), RouteReason.OK);
        }
      }
    }
    for (int i = 0; i < software.length; i++) {
      IncrementalDigest d = software[i].newDigest(alg);
      if (d != null) {
        return new Stream(d, slots.length + i, why);
      }
    }
    throw new IllegalStateException("no software engine streams " + alg.jcaName());
  }

  /**
   * The JDK's own SPI for a {@code MessageDigest} of {@code alg}, or null: when no asynchronous
   * device could take the message in one shot ({@link #digestBufferLimit} is 0) and the engine that
   * would stream it computes it with the JDK's code anyway (the cpu device's JVM kernel, the jdk
   * tier), JCA gets that SPI and Accel adds nothing per message. Counted once per instance under
   * {@code jvm-direct}.
   */
  public java.security.MessageDigestSpi jvmDigestSpi(DigestAlgorithm alg) {
    if (digestBufferLimit(alg) != 0) {
      return null;
    }
    boolean skipDevices = config.route(Family.SHA2) == RouteMode.SOFTWARE;
    for (Slot s : slots) {
      if (skipDevices || !s.gate().admit()) {
        continue;
      }
      if (s.device().newDigest(alg) != null) { // the first streaming engine decides
        java.security.MessageDigestSpi spi = s.device().jvmDigestSpi(alg);
        if (spi != null) {
          ledger.streamed(s.index(), Op.Kind.of(alg), RouteReason.JVM_DIRECT, 0);
        }
        return spi;
      }
    }
    Engine first = software[0];
    java.security.MessageDigestSpi spi = first.jvmDigestSpi(alg);
    if (spi != null) {
      ledger.streamed(slots.length, Op.Kind.of(alg), RouteReason.JVM_DIRECT, 0);
    }
    return spi;
  }

  /** Counts a message hashed by a {@link #openStream} digest; {@code bufferExceeded}: it outgrew the buffer. */
  public void countStreamed(DigestAlgorithm alg, Stream stream, long totalBytes, boolean bufferExceeded) {
    RouteReason r = bufferExceeded && stream.reason() != RouteReason.OK ? RouteReason.STREAMED : stream.reason();
    ledger.streamed(stream.engine(), Op.Kind.of(alg), r, totalBytes);
  }

  /**
   * A streaming digest for padding code (PSS, OAEP, MGF1, DigestInfo): not counted, since internal
   * hashing is part of the operation that uses it.
   */
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    return openStream(alg).digest();
  }

  // ---- explicit batches (dev.accel.api.AccelCrypto) -------------------------------------------

  /**
   * Runs every op with the same routing as {@link #run}: the ops a device takes go to it together
   * (one submission), the rest and every failed one on the next engines. Element i is op i's
   * output array, or its failure ({@link AEADBadTagException} for a tag mismatch, {@link
   * BadPaddingException} for an RSA key whose results fail every check).
   */
  public List<BatchOutcome> runBatch(List<? extends Op> ops) {
    int n = ops.size();
    long t0 = System.nanoTime();
    BatchOutcome[] out = new BatchOutcome[n];
    RouteReason[] reasons = new RouteReason[n];
    boolean[] pending = new boolean[n];
    java.util.Arrays.fill(pending, true);
    for (int i = 0; i < n; i++) {
      Op op = ops.get(i);
      RouteReason skip = skipDevices(op, config.route(family(op.kind())));
      reasons[i] = skip == null ? RouteReason.UNSUPPORTED : skip;
    }
    for (Slot s : slots) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Op op = ops.get(i);
        if (!pending[i] || reasons[i] == RouteReason.ROUTE_SOFTWARE || reasons[i] == RouteReason.NO_CRT
            || !s.device().supports(op)) {
          continue;
        }
        RouteReason r = admit(s, family(op.kind()), config.route(family(op.kind())), op);
        if (r == RouteReason.OK) {
          s.gate().releaseSlot(); // the batch is one submission; its budget check is the queue's
          idx.add(i);
        } else {
          reasons[i] = r;
        }
      }
      if (idx.isEmpty()) {
        continue;
      }
      List<Op> sub = new ArrayList<>(idx.size());
      for (int i : idx) {
        sub.add(ops.get(i));
      }
      List<BatchOutcome> res;
      try {
        res = s.engine().runBatch(sub);
      } catch (RuntimeException e) {
        RouteReason r = bug(s.device().name(), e);
        for (int i : idx) {
          reasons[i] = r;
        }
        continue;
      }
      for (int j = 0; j < idx.size(); j++) {
        int i = idx.get(j);
        BatchOutcome o = res.get(j);
        if (o.ok() || o.failure() instanceof AEADBadTagException) {
          s.gate().onSuccess();
          out[i] = o;
          pending[i] = false;
          ledger.served(s.index(), ops.get(i).kind(), RouteReason.OK, ops.get(i).sizeBytes(), t0, n);
        } else if (o.failure() instanceof DeviceException de) {
          reasons[i] = failed(s, de);
        } else {
          reasons[i] = RouteReason.FALLBACK_REJECTED;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (!pending[i]) {
        continue;
      }
      Op op = ops.get(i);
      try {
        out[i] = BatchOutcome.of(runOnSoftware(op, reasons[i], t0, n));
      } catch (BadPaddingException | RuntimeException e) { // AEADBadTagException included
        out[i] = BatchOutcome.failed(e);
      }
    }
    return List.of(out);
  }

  private byte[] runOnSoftware(Op op, RouteReason why, long t0, int batch) throws AEADBadTagException, BadPaddingException {
    for (int i = 0; i < software.length; i++) {
      Engine e = software[i];
      if (!e.supports(op)) {
        continue;
      }
      try {
        e.run(op);
        ledger.served(slots.length + i, op.kind(), why, op.sizeBytes(), t0, batch);
        return Engine.outputOf(op);
      } catch (AEADBadTagException bad) {
        ledger.served(slots.length + i, op.kind(), why, op.sizeBytes(), t0, batch);
        throw bad;
      } catch (DeviceException ex) {
        why = RouteReason.FAULT_VERIFY;
      }
    }
    throw new BadPaddingException("RSA private key operation failed");
  }

  // ---- diagnostics ---------------------------------------------------------------------------

  /** Waits until start-up calibration finished (today it completes inside the constructor). */
  public boolean awaitCalibration(long timeout, TimeUnit unit) throws InterruptedException {
    return calibrated.await(timeout, unit);
  }

  /** The size threshold in bytes the router applies to {@code family} on device {@code index}. */
  public long thresholdBytes(int index, Family family) {
    return slots[index].thresholdBytes()[family.ordinal()];
  }

  /** One line per device: thresholds per family and where they came from. */
  public List<String> describeThresholds() {
    List<String> out = new ArrayList<>();
    for (Slot s : slots) {
      StringBuilder sb = new StringBuilder(s.device().name()).append(':');
      for (Family f : Family.values()) {
        long t = s.thresholdBytes()[f.ordinal()];
        sb.append(' ').append(f.configName()).append('=')
            .append(t == Long.MAX_VALUE ? "never" : Long.toString(t))
            .append(" (").append(s.thresholdSource()[f.ordinal()]).append(')');
      }
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * A device as the router sees it.
   *
   * @param usable false while its circuit breaker is open
   * @param reason why the breaker is open (empty when usable)
   * @param inflight requests the router has on it now
   * @param breakerOpens how often the breaker opened; {@code breakerCloses} how often a re-probe
   *     closed it
   */
  public record DeviceState(
      String name, String backend, boolean usable, String reason, int inflight, long breakerOpens, long breakerCloses) {}

  /** Health of each device as the router sees it: name, breaker state and reason. */
  public List<DeviceState> deviceStates() {
    List<DeviceState> out = new ArrayList<>();
    for (Slot s : slots) {
      DeviceGate g = s.gate();
      out.add(new DeviceState(s.device().name(), s.device().backend(), !g.isOpen(), g.reason(),
          g.inflight(), g.opens(), g.closes()));
    }
    return out;
  }

  public RouteCounters counters() {
    return ledger.counters();
  }

  /** The software tier's counter label. */
  public String softwareLabel() {
    return softwareLabel;
  }

  /** The software tier's first engine (for known-answer self-tests). */
  public Engine softwareEngine() {
    return software[0];
  }

  /** True when every device computes on the caller's thread (or there is none). */
  public boolean inlineOnly() {
    return inlineOnly;
  }

  /** The devices this router may use, in the order it offers them requests. */
  public List<Device> devices() {
    List<Device> out = new ArrayList<>();
    for (Slot s : slots) {
      out.add(s.device());
    }
    return out;
  }

  /** Devices in order, with their gate state, for diagnostics. */
  public List<String> describeDevices() {
    List<String> out = new ArrayList<>();
    for (Slot s : slots) {
      out.add(s.device().backend() + ":" + s.device().name() + " " + s.gate().state());
    }
    return out;
  }
}
