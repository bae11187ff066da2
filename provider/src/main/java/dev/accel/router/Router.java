package dev.accel.router;

import dev.accel.config.AccelConfig;
import dev.accel.config.AccelConfig.Family;
import dev.accel.config.AccelConfig.RouteMode;
import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.BatchOutcome;
import dev.accel.device.Device;
import dev.accel.device.DeviceCapabilities;
import dev.accel.device.DeviceException;
import dev.accel.device.GcmItem;
import dev.accel.metrics.AccelRequestEvent;
import dev.accel.metrics.RouteCounters;
import dev.accel.soft.RsaMath;
import dev.accel.soft.SoftwareTier;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;

/**
 * The one place that decides, per request, whether a device or the software tier serves it:
 *
 * <ol>
 *   <li>the family's route ({@code accel.route.<family>}): {@code software} never uses a device;
 *   <li>capability: the first configured device whose {@link DeviceCapabilities} cover the
 *       request (algorithm, key size, IV/tag/AAD/data length);
 *   <li>size threshold: in {@code auto} route, requests smaller than the family's threshold go to
 *       software (small requests are faster on the CPU than a device round trip);
 *   <li>health: the device's {@link DeviceGate} must admit it;
 *   <li>queue admission: a device that answers {@link DeviceException.Reason#BUSY} hands the
 *       request to software.
 * </ol>
 *
 * Any {@link DeviceException} re-runs the request on the software tier with the same inputs, so a
 * caller sees a correct result or the exception the software tier throws, never a device error.
 * Every request is counted (algorithm x route x tier x reason) in {@link RouteCounters}.
 *
 * <p>Adaptive parts (ARCHITECTURE.md "Router and tiers"): size thresholds per device and family
 * are calibrated at start-up against the software tier ({@link Calibration}, bounded, cached per
 * device; {@code accel.calibrate=false} keeps the profile defaults; {@code accel.threshold.*}
 * overrides); each device has a circuit breaker and an in-flight budget ({@link DeviceGate});
 * every device wait has a deadline ({@code accel.device.timeout.ms}) and a missed one re-runs the
 * request in software ({@code fallback-timeout}).
 *
 * <p>The router never parses JCA parameters: SPI classes validate every argument first.
 * Thread-safe; one instance per provider instance.
 */
public final class Router {

  /** Counter labels of the algorithms the router serves. */
  public static final String ALG_GCM_SEAL = "AES-GCM-encrypt";

  public static final String ALG_GCM_OPEN = "AES-GCM-decrypt";
  public static final String ALG_RSA_PRIVATE = "RSA-private";
  public static final String ALG_RSA_PUBLIC = "RSA-public";

  /** Longest message a digest buffers in Java while it may still go to a device. */
  static final int DIGEST_BUFFER_CAP_BYTES = 4 << 20;

  /** One device with its gate and per-family thresholds (calibration may replace entries). */
  record Slot(Device device, DeviceGate gate, long[] thresholdBytes, String[] thresholdSource, int index) {}

  // Counter cells, looked up once and kept (RouteCounters.Cell): counting allocates nothing.
  private static final int A_GCM_SEAL = 0;
  private static final int A_GCM_OPEN = 1;
  private static final int A_RSA_PRIVATE = 2;
  private static final int A_RSA_PUBLIC = 3;
  private static final int A_DIGEST0 = 4; // + DigestAlgorithm.ordinal()
  private static final DigestAlgorithm[] DIGESTS = DigestAlgorithm.values();
  private static final int ALGS = A_DIGEST0 + DIGESTS.length;
  private static final RouteReason[] REASONS = RouteReason.values();

  /** {@link #startTimer()} result for a request whose latency is not sampled. */
  private static final long UNTIMED = Long.MIN_VALUE;

  private final AccelConfig config;
  private final List<Slot> slots;
  private final SoftwareTier software;
  private final String softwareLabel;
  private final RouteCounters counters;
  private final long timeoutNanos;
  private final CountDownLatch calibrated = new CountDownLatch(1);
  private final RouteCounters.Cell[][] deviceCells; // [slot][alg], reason ok
  private final RouteCounters.Cell[][] softwareCells; // [alg][reason], filled on first use
  private final Decision[] slotDecisions; // [slot]: the decision "this device", preallocated
  private final Decision[] softwareDecisions; // [reason]: "software, because ..."
  /**
   * 0: time every request; else one request in (mask + 1) is timed for the latency histograms.
   * Only CPU-speed routers sample (cpu engine, software tiers): there one {@code nanoTime()} pair
   * costs as much as a 64-byte hash; device round trips are always timed.
   */
  private final int sampleMask;
  private final boolean inlineOnly;
  private final Device hostEngine; // may be null; see rsaHostEngine()

  /**
   * @param devices opened devices in preference order (may be empty); the router does not close
   *     them
   * @param software the software tier
   * @param softwareLabel the tier label for counters (e.g. {@code bc}, or {@code
   *     bc(native-unavailable)} when {@code accel.software=native} could not be honoured)
   * @param hostEngine a cpu engine opened only for the host's part of device RSA operations
   *     ({@code accel.rsa.host=native} when neither the software tier nor a device slot is one),
   *     or null
   */
  public Router(
      AccelConfig config,
      List<Device> devices,
      SoftwareTier software,
      String softwareLabel,
      RouteCounters counters,
      Device hostEngine) {
    this.config = Objects.requireNonNull(config);
    this.hostEngine = hostEngine;
    this.software = Objects.requireNonNull(software);
    this.softwareLabel = Objects.requireNonNull(softwareLabel);
    this.counters = Objects.requireNonNull(counters);
    this.timeoutNanos = config.deviceTimeoutMs() * 1_000_000L;
    List<Slot> s = new ArrayList<>();
    List<Slot> toCalibrate = new ArrayList<>();
    for (Device d : devices) {
      long[] thresholds = new long[Family.values().length];
      String[] source = new String[Family.values().length];
      boolean calibrate = false;
      for (Family f : Family.values()) {
        long configured = config.thresholdBytes(f);
        thresholds[f.ordinal()] =
            configured >= 0 ? configured : defaultThresholdBytes(d.backend(), f);
        source[f.ordinal()] = configured >= 0 ? "configured" : "default";
        calibrate |= configured < 0 && Calibration.applies(d, f);
      }
      Slot slot =
          new Slot(
              d,
              new DeviceGate(
                  d, config.breakerErrors(), config.breakerProbeMs() * 1_000_000L, config.inflightMax()),
              thresholds,
              source,
              s.size());
      s.add(slot);
      if (calibrate && config.calibrate()) {
        toCalibrate.add(slot);
      }
    }
    this.slots = List.copyOf(s);
    this.deviceCells = new RouteCounters.Cell[slots.size()][ALGS];
    this.softwareCells = new RouteCounters.Cell[ALGS][REASONS.length];
    this.slotDecisions = new Decision[slots.size()];
    boolean asyncDevice = false;
    for (Slot slot : slots) {
      slotDecisions[slot.index()] = new Decision(slot, RouteReason.OK);
      asyncDevice |= !"cpu".equals(slot.device().backend());
    }
    this.softwareDecisions = new Decision[REASONS.length];
    for (RouteReason r : REASONS) {
      softwareDecisions[r.ordinal()] = new Decision(null, r);
    }
    this.inlineOnly = !asyncDevice;
    this.sampleMask = asyncDevice ? 0 : 15;
    // Synchronous and bounded (Calibration.BUDGET_NANOS per device, cached per device), so no
    // calibration request overlaps the provider's own traffic.
    for (Slot slot : toCalibrate) {
      Calibration.run(slot, software, softwareLabel, config);
    }
    calibrated.countDown();
  }

  /** Waits until start-up calibration finished (today it completes inside the constructor). */
  public boolean awaitCalibration(long timeout, TimeUnit unit) throws InterruptedException {
    return calibrated.await(timeout, unit);
  }

  /** The size threshold in bytes the router applies to {@code family} on device {@code index}. */
  public long thresholdBytes(int index, Family family) {
    return slots.get(index).thresholdBytes()[family.ordinal()];
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

  /**
   * Default size thresholds per backend (DEVICE-MODEL.md): the run-to-completion CPU engine has no
   * round trip, so it takes every size; an asynchronous accelerator pays off for AES-GCM and SHA-2
   * from about 16 KiB, and for every RSA private-key operation.
   */
  public static long defaultThresholdBytes(String backend, Family family) {
    if ("cpu".equals(backend)) {
      return 0;
    }
    return switch (family) {
      case AES_GCM, SHA2 -> 16 * 1024;
      case RSA -> 0;
    };
  }

  public RouteCounters counters() {
    return counters;
  }

  /** The software tier's counter label. */
  public String softwareLabel() {
    return softwareLabel;
  }

  /** The software tier seen as a {@link Device}, for known-answer self-tests only. */
  public Device softwareAsDevice() {
    return new SoftwareTierDevice(software, softwareLabel);
  }

  /**
   * True when no device of this router is asynchronous: every device computes on the caller's
   * thread (the cpu engine) or there is none, so a batch never waits for a completion.
   */
  public boolean inlineOnly() {
    return inlineOnly;
  }

  /** The devices this router may use, in preference order. */
  public List<Device> devices() {
    List<Device> out = new ArrayList<>();
    for (Slot s : slots) {
      out.add(s.device());
    }
    return out;
  }

  /** Devices in preference order, with their gate state, for diagnostics. */
  public List<String> describeDevices() {
    List<String> out = new ArrayList<>();
    for (Slot s : slots) {
      out.add(s.device().backend() + ":" + s.device().name() + " " + s.gate().state());
    }
    return out;
  }

  // ---- routing core --------------------------------------------------------------------------

  /** Outcome of the routing decision: a device slot, or null with the reason for software. */
  private record Decision(Slot slot, RouteReason reason) {}

  @FunctionalInterface
  private interface Shape {
    boolean supported(DeviceCapabilities caps);
  }

  /** One request: takes an in-flight slot on the chosen device (the caller releases it). */
  private Decision decide(Family family, long requestBytes, Shape shape) {
    return decide(family, requestBytes, shape, true);
  }

  /** Like {@link #decide} for a batch: no in-flight slot is taken (the batch takes n). */
  private Decision decideShape(Family family, long requestBytes, Shape shape) {
    return decide(family, requestBytes, shape, false);
  }

  private Decision decide(Family family, long requestBytes, Shape shape, boolean takeSlot) {
    RouteMode mode = config.route(family);
    if (mode == RouteMode.SOFTWARE) {
      return softwareDecisions[RouteReason.ROUTE_SOFTWARE.ordinal()];
    }
    if (slots.isEmpty()) {
      return softwareDecisions[RouteReason.NO_DEVICE.ordinal()];
    }
    RouteReason why = RouteReason.UNSUPPORTED;
    for (int i = 0, n = slots.size(); i < n; i++) {
      Slot s = slots.get(i);
      if (!shape.supported(s.device().capabilities())) {
        continue;
      }
      RouteReason r = admit(s, family, mode, requestBytes, takeSlot);
      if (r == RouteReason.OK) {
        return slotDecisions[i];
      }
      why = r;
    }
    return softwareDecisions[why.ordinal()];
  }

  /**
   * AES-GCM decision without a capturing lambda (the per-request hot path allocates nothing);
   * same rules as {@link #decide(Family, long, Shape, boolean)}.
   */
  private Decision decideGcm(
      int keyLen, int ivLen, int tagLen, int aadLen, int dataLen, boolean open, boolean takeSlot) {
    RouteMode mode = config.route(Family.AES_GCM);
    if (mode == RouteMode.SOFTWARE) {
      return softwareDecisions[RouteReason.ROUTE_SOFTWARE.ordinal()];
    }
    RouteReason why = slots.isEmpty() ? RouteReason.NO_DEVICE : RouteReason.UNSUPPORTED;
    for (int i = 0, n = slots.size(); i < n; i++) {
      Slot s = slots.get(i);
      if (!s.device().capabilities().supportsGcm(keyLen, ivLen, tagLen, aadLen, dataLen, open)) {
        continue;
      }
      RouteReason r = admit(s, Family.AES_GCM, mode, (long) dataLen + aadLen, takeSlot);
      if (r == RouteReason.OK) {
        return slotDecisions[i];
      }
      why = r;
    }
    return softwareDecisions[why.ordinal()];
  }

  /** SHA-2 decision without a capturing lambda; same rules as {@link #decideGcm}. */
  private Decision decideDigest(DigestAlgorithm alg, int len, boolean takeSlot) {
    RouteMode mode = config.route(Family.SHA2);
    if (mode == RouteMode.SOFTWARE) {
      return softwareDecisions[RouteReason.ROUTE_SOFTWARE.ordinal()];
    }
    RouteReason why = slots.isEmpty() ? RouteReason.NO_DEVICE : RouteReason.UNSUPPORTED;
    for (int i = 0, n = slots.size(); i < n; i++) {
      Slot s = slots.get(i);
      if (!s.device().capabilities().supportsDigest(alg, len)) {
        continue;
      }
      RouteReason r = admit(s, Family.SHA2, mode, len, takeSlot);
      if (r == RouteReason.OK) {
        return slotDecisions[i];
      }
      why = r;
    }
    return softwareDecisions[why.ordinal()];
  }

  /** Threshold, health and in-flight budget of a device that can take the request. */
  private static RouteReason admit(Slot s, Family family, RouteMode mode, long requestBytes, boolean takeSlot) {
    if (mode == RouteMode.AUTO && requestBytes < s.thresholdBytes()[family.ordinal()]) {
      return RouteReason.BELOW_THRESHOLD;
    }
    if (!s.gate().admit()) {
      return RouteReason.UNHEALTHY;
    }
    if (takeSlot && !s.gate().acquireSlot()) {
      return RouteReason.BUSY; // in-flight budget spent: spill to software at once
    }
    return RouteReason.OK;
  }

  /**
   * Starts timing a request: {@link System#nanoTime()}, or {@link #UNTIMED} for a request outside
   * the latency sample (see {@link #sampleMask}).
   */
  private long startTimer() {
    if (sampleMask == 0
        || (ThreadLocalRandom.current().nextInt() & sampleMask) == 0
        || AccelRequestEvent.recording()) {
      return System.nanoTime();
    }
    return UNTIMED;
  }

  private static long elapsed(long t0) {
    return t0 == UNTIMED ? -1 : System.nanoTime() - t0;
  }

  private static int algIndex(String alg) {
    switch (alg) {
      case ALG_GCM_SEAL:
        return A_GCM_SEAL;
      case ALG_GCM_OPEN:
        return A_GCM_OPEN;
      case ALG_RSA_PRIVATE:
        return A_RSA_PRIVATE;
      case ALG_RSA_PUBLIC:
        return A_RSA_PUBLIC;
      default:
        for (DigestAlgorithm d : DIGESTS) {
          if (d.jcaName().equals(alg)) {
            return A_DIGEST0 + d.ordinal();
          }
        }
        throw new IllegalArgumentException("no counters for " + alg);
    }
  }

  private static String algLabel(int a) {
    return switch (a) {
      case A_GCM_SEAL -> ALG_GCM_SEAL;
      case A_GCM_OPEN -> ALG_GCM_OPEN;
      case A_RSA_PRIVATE -> ALG_RSA_PRIVATE;
      case A_RSA_PUBLIC -> ALG_RSA_PUBLIC;
      default -> DIGESTS[a - A_DIGEST0].jcaName();
    };
  }

  private RouteCounters.Cell deviceCell(int alg, Slot s) {
    RouteCounters.Cell c = deviceCells[s.index()][alg];
    if (c == null) {
      // benign race: every thread gets the same cell from the counters' map
      c = counters.cell(algLabel(alg), RouteCounters.DEVICE, s.device().name(), RouteReason.OK.label());
      deviceCells[s.index()][alg] = c;
    }
    return c;
  }

  private RouteCounters.Cell softwareCell(int alg, RouteReason reason) {
    RouteCounters.Cell c = softwareCells[alg][reason.ordinal()];
    if (c == null) {
      c = counters.cell(algLabel(alg), RouteCounters.SOFTWARE, softwareLabel, reason.label());
      softwareCells[alg][reason.ordinal()] = c;
    }
    return c;
  }

  private void countDevice(String alg, Slot s, long bytes, long startNanos) {
    countDevice(alg, s, bytes, startNanos, 1);
  }

  private void countDevice(String alg, Slot s, long bytes, long startNanos, int batch) {
    deviceCell(algIndex(alg), s).count(bytes, elapsed(startNanos), batch);
  }

  private void countSoftware(String alg, RouteReason reason, long bytes, long startNanos) {
    countSoftware(alg, reason, bytes, startNanos, 1);
  }

  private void countSoftware(String alg, RouteReason reason, long bytes, long startNanos, int batch) {
    softwareCell(algIndex(alg), reason).count(bytes, elapsed(startNanos), batch);
  }

  private RouteReason failed(Slot s, DeviceException e) {
    s.gate().onFailure(e.reason(), e.getMessage());
    return RouteReason.ofDeviceFailure(e.reason());
  }

  private static void release(Decision d) {
    if (d.slot() != null) {
      d.slot().gate().releaseSlot();
    }
  }

  // ---- AES-GCM -------------------------------------------------------------------------------

  /**
   * AES-GCM seal of {@code in} (NIST SP 800-38D section 7.1): ciphertext then tag at {@code
   * out[outOff..]}; returns {@code inLen + tagLenBytes}. Arguments are validated by the caller;
   * {@code out} may overlap {@code in}.
   */
  public int gcmSeal(
      AesKeyMaterial key,
      byte[] iv,
      int tagLenBytes,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff) {
    long t0 = startTimer();
    Decision d = decideGcm(key.lengthBytes(), iv.length, tagLenBytes, aadLen, inLen, false, true);
    RouteReason reason = d.reason();
    if (d.slot() != null) {
      try {
        int n =
            d.slot()
                .device()
                .gcmSeal(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff, timeoutNanos);
        d.slot().gate().onSuccess();
        deviceCell(A_GCM_SEAL, d.slot()).count(inLen, elapsed(t0), 1);
        return n;
      } catch (DeviceException e) {
        reason = failed(d.slot(), e);
      } catch (RuntimeException e) {
        reason = RouteReason.FALLBACK_INTERNAL;
      } finally {
        release(d);
      }
    }
    try {
      return software.gcmSeal(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
    } finally {
      softwareCell(A_GCM_SEAL, reason).count(inLen, elapsed(t0), 1);
    }
  }

  /**
   * AES-GCM open (NIST SP 800-38D section 7.2): {@code in} is ciphertext followed by the tag;
   * writes the plaintext only if the tag verifies, otherwise throws and leaves {@code out}
   * untouched.
   */
  public int gcmOpen(
      AesKeyMaterial key,
      byte[] iv,
      int tagLenBytes,
      byte[] aad,
      int aadOff,
      int aadLen,
      byte[] in,
      int inOff,
      int inLen,
      byte[] out,
      int outOff)
      throws AEADBadTagException {
    int dataLen = inLen - tagLenBytes;
    long t0 = startTimer();
    Decision d = decideGcm(key.lengthBytes(), iv.length, tagLenBytes, aadLen, dataLen, true, true);
    RouteReason reason = d.reason();
    if (d.slot() != null) {
      try {
        int n =
            d.slot()
                .device()
                .gcmOpen(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff, timeoutNanos);
        d.slot().gate().onSuccess();
        deviceCell(A_GCM_OPEN, d.slot()).count(inLen, elapsed(t0), 1);
        return n;
      } catch (AEADBadTagException e) {
        // A verdict, not a failure: the device checked the tag and left out untouched.
        d.slot().gate().onSuccess();
        deviceCell(A_GCM_OPEN, d.slot()).count(inLen, elapsed(t0), 1);
        throw e;
      } catch (DeviceException e) {
        reason = failed(d.slot(), e);
      } catch (RuntimeException e) {
        reason = RouteReason.FALLBACK_INTERNAL;
      } finally {
        release(d);
      }
    }
    try {
      return software.gcmOpen(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
    } finally {
      softwareCell(A_GCM_OPEN, reason).count(inLen, elapsed(t0), 1);
    }
  }

  // ---- SHA-2 ---------------------------------------------------------------------------------

  /**
   * How many message bytes a streaming digest should buffer in Java while the whole message may
   * still go to a device in one shot; {@code 0} when no device could take this hash (the digest
   * then streams straight into {@link #newDigest(DigestAlgorithm)}).
   */
  public int digestBufferLimit(DigestAlgorithm alg) {
    if (config.route(Family.SHA2) == RouteMode.SOFTWARE) {
      return 0;
    }
    long best = 0;
    for (Slot s : slots) {
      DeviceCapabilities c = s.device().capabilities();
      if (c.supportsDigest(alg, 0)) {
        best = Math.max(best, Math.min(c.digestDataMaxBytes(), DIGEST_BUFFER_CAP_BYTES));
      }
    }
    return (int) best;
  }

  /** One-shot hash of {@code in[off..off+len)} into {@code out[outOff..]}, routed. */
  public void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) {
    long t0 = startTimer();
    Decision d = decideDigest(alg, len, true);
    RouteReason reason = d.reason();
    if (d.slot() != null) {
      try {
        d.slot().device().digest(alg, in, off, len, out, outOff, timeoutNanos);
        d.slot().gate().onSuccess();
        deviceCell(A_DIGEST0 + alg.ordinal(), d.slot()).count(len, elapsed(t0), 1);
        return;
      } catch (DeviceException e) {
        reason = failed(d.slot(), e);
      } catch (RuntimeException e) {
        reason = RouteReason.FALLBACK_INTERNAL;
      } finally {
        release(d);
      }
    }
    try {
      software.digest(alg, in, off, len, out, outOff);
    } finally {
      softwareCell(A_DIGEST0 + alg.ordinal(), reason).count(len, elapsed(t0), 1);
    }
  }

  /**
   * A streaming software digest (for padding code: PSS, OAEP, MGF1, DigestInfo). Not counted:
   * internal hashing is part of the operation that uses it.
   */
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    return software.newDigest(alg);
  }

  /**
   * Counts a message hashed by a streaming software digest from {@link #newDigest} on behalf of a
   * {@code MessageDigest} (the message outgrew {@link #digestBufferLimit} or no device could take
   * it).
   */
  public void countStreamedDigest(DigestAlgorithm alg, long totalBytes, boolean bufferExceeded) {
    RouteReason reason;
    if (bufferExceeded) {
      reason = RouteReason.STREAMED;
    } else if (config.route(Family.SHA2) == RouteMode.SOFTWARE) {
      reason = RouteReason.ROUTE_SOFTWARE;
    } else if (slots.isEmpty()) {
      reason = RouteReason.NO_DEVICE;
    } else {
      reason = RouteReason.UNSUPPORTED;
    }
    // A streamed digest has no single start time: counted without latency; its JFR event has 0.
    softwareCell(A_DIGEST0 + alg.ordinal(), reason).count(totalBytes);
    dev.accel.metrics.AccelRequestEvent.emit(
        alg.jcaName(), RouteCounters.SOFTWARE, softwareLabel, reason.label(), totalBytes, 1, 0);
  }

  // ---- RSA -----------------------------------------------------------------------------------

  private static void checkedInput(RsaKeyMaterial key, byte[] input) throws BadPaddingException {
    Objects.requireNonNull(input, "input");
    if (input.length != key.modulusBytes()) {
      throw new IllegalArgumentException(
          "RSA input must be exactly " + key.modulusBytes() + " bytes, got " + input.length);
    }
    if (!key.isBelowModulus(input)) {
      // RFC 8017 section 5.1.2 step 1 / 5.2.1 step 1: the representative must be below n.
      throw new BadPaddingException("Message is larger than modulus");
    }
  }

  /**
   * A run-to-completion cpu engine reachable from this router (the native software tier's, else a
   * cpu device), or null: it makes the Bellcore check of a device result cheaper than BigInteger
   * (see {@link RsaMath#unblindChecked}) and serves {@code auto}-routed public-key operations.
   */
  private Device cpuEngine() {
    if (software instanceof dev.accel.soft.NativeTier nt) {
      return nt.engine();
    }
    Slot s = cpuSlot();
    return s == null ? null : s.device();
  }

  /**
   * The engine that does the host's part (blinding, fault check, unblinding) of a private-key
   * operation on a device that does neither, in C ({@code accel.rsa.host=native}): the cpu engine
   * of the software tier or of a slot, else the one opened for this purpose; null for {@code java}.
   */
  private Device rsaHostEngine() {
    if (!"native".equals(config.rsaHost())) {
      return null;
    }
    Device c = cpuEngine();
    return c != null ? c : hostEngine;
  }

  /** The first slot whose device computes on the calling thread (cpu backend), or null. */
  private Slot cpuSlot() {
    for (int i = 0, n = slots.size(); i < n; i++) {
      if ("cpu".equals(slots.get(i).device().backend())) {
        return slots.get(i);
      }
    }
    return null;
  }

  /**
   * One private-key CRT operation on {@code dev}; null when the result is rejected (wrong length,
   * or the fault check failed). A device that blinds and checks its results itself ({@link
   * DeviceCapabilities#engineBlindsAndVerifies()}, the cpu engine) gets the input as is: blinding
   * and checking again on the host would double the cost for no added protection. Any other
   * device gets a blinded input and its result is checked with the public key here.
   */
  private byte[] deviceRsaPrivate(Device dev, RsaKeyMaterial key, byte[] input) throws DeviceException {
    if (dev.capabilities().engineBlindsAndVerifies()) {
      byte[] out = dev.rsaPrivateCrt(key, input, timeoutNanos);
      return out.length == key.modulusBytes() ? out : null;
    }
    RsaMath.DeviceBlinding b = RsaMath.blindForDevice(key, input, rsaHostEngine(), cpuEngine(), timeoutNanos);
    try {
      return b.finish(dev.rsaPrivateCrt(key, b.input(), timeoutNanos));
    } finally {
      b.wipe();
    }
  }

  /**
   * Raw RSADP / RSASP1 (RFC 8017 sections 5.1.2 and 5.2.1). {@code input} is exactly {@code
   * key.modulusBytes()} long; the result has the same length. Every path blinds the input. A
   * result computed on a device with CRT is verified with the public key before it is returned; on
   * mismatch it is recomputed in software and the fault counted (the Bellcore attack recovers the
   * key from one faulty CRT signature). Keys without two-prime CRT parts (non-CRT, multi-prime)
   * always run in software with the private exponent.
   *
   * @throws BadPaddingException "Message is larger than modulus" when the input is not below n
   * @throws IllegalArgumentException when the key is not private or the input length is wrong
   */
  public byte[] rsaPrivate(RsaKeyMaterial key, byte[] input) throws BadPaddingException {
    Objects.requireNonNull(key, "key");
    if (!key.isPrivate()) {
      throw new IllegalArgumentException("rsaPrivate needs a private key");
    }
    checkedInput(key, input);
    long t0 = System.nanoTime();
    int k = key.modulusBytes();
    RouteReason reason;
    if (!key.hasCrt()) {
      reason = config.route(Family.RSA) == RouteMode.SOFTWARE ? RouteReason.ROUTE_SOFTWARE : RouteReason.NO_CRT;
    } else {
      Decision d = decide(Family.RSA, k, caps -> caps.supportsRsa(key.modulusBits(), true));
      reason = d.reason();
      if (d.slot() != null) {
        try {
          byte[] out = deviceRsaPrivate(d.slot().device(), key, input);
          if (out != null) {
            d.slot().gate().onSuccess();
            countDevice(ALG_RSA_PRIVATE, d.slot(), k, t0);
            return out;
          }
          d.slot().gate().onFailure(DeviceException.Reason.DEVICE_ERROR);
          reason = RouteReason.FAULT_VERIFY;
        } catch (DeviceException e) {
          reason = failed(d.slot(), e);
        } catch (RuntimeException e) {
          reason = RouteReason.FALLBACK_INTERNAL;
        } finally {
          release(d);
        }
      }
    }
    try {
      return software.rsaPrivate(key, input);
    } finally {
      countSoftware(ALG_RSA_PRIVATE, reason, k, t0);
    }
  }

  /**
   * Raw RSAEP / RSAVP1 (RFC 8017 sections 5.1.1 and 5.2.2), same length rules as {@link
   * #rsaPrivate}. In {@code auto} route public-key operations stay on the CPU (a small exponent
   * makes them cheaper than a device round trip); {@code accel.route.rsa=device} sends them to the
   * device.
   */
  public byte[] rsaPublic(RsaKeyMaterial key, byte[] input) throws BadPaddingException {
    Objects.requireNonNull(key, "key");
    if (key.publicExponent() == null) {
      throw new IllegalArgumentException("rsaPublic needs the public exponent");
    }
    checkedInput(key, input);
    long t0 = System.nanoTime();
    int k = key.modulusBytes();
    RouteReason reason;
    RouteMode mode = config.route(Family.RSA);
    Slot cpu;
    if (mode == RouteMode.AUTO
        && (cpu = cpuSlot()) != null
        && cpu.device().capabilities().supportsRsa(key.modulusBits(), false)
        && cpu.gate().admit()) {
      // A cpu device computes on this thread: a public-key operation there stays on the CPU (the
      // reason auto keeps them off devices) and is faster than the Java software tiers.
      try {
        byte[] out = cpu.device().rsaPublic(key, input, timeoutNanos);
        if (out.length == k) {
          cpu.gate().onSuccess();
          countDevice(ALG_RSA_PUBLIC, cpu, k, t0);
          return out;
        }
        reason = RouteReason.FALLBACK_DEVICE_ERROR;
      } catch (DeviceException e) {
        reason = failed(cpu, e);
      } catch (RuntimeException e) {
        reason = RouteReason.FALLBACK_INTERNAL;
      }
    } else if (mode == RouteMode.AUTO) {
      reason = slots.isEmpty() ? RouteReason.NO_DEVICE : RouteReason.PUBLIC_ON_CPU;
    } else {
      Decision d = decide(Family.RSA, k, caps -> caps.supportsRsa(key.modulusBits(), false));
      reason = d.reason();
      if (d.slot() != null) {
        try {
          byte[] out = d.slot().device().rsaPublic(key, input, timeoutNanos);
          if (out.length == k) {
            d.slot().gate().onSuccess();
            countDevice(ALG_RSA_PUBLIC, d.slot(), k, t0);
            return out;
          }
          reason = RouteReason.FALLBACK_DEVICE_ERROR;
        } catch (DeviceException e) {
          reason = failed(d.slot(), e);
        } catch (RuntimeException e) {
          reason = RouteReason.FALLBACK_INTERNAL;
        } finally {
          release(d);
        }
      }
    }
    try {
      return software.rsaPublic(key, input);
    } finally {
      countSoftware(ALG_RSA_PUBLIC, reason, k, t0);
    }
  }

  // ---- explicit batches (dev.accel.api.AccelCrypto) -------------------------------------------

  /**
   * Seals ({@code open == false}) or opens every item with the same routing as {@link #gcmSeal} /
   * {@link #gcmOpen}: the items a device takes go to it together (one submission), the others and
   * every device failure run in software. Element i is the result of item i, or its failure
   * ({@link AEADBadTagException} for a tag mismatch on open; {@link IllegalArgumentException} for
   * an invalid item).
   */
  public List<BatchOutcome> gcmBatch(boolean open, List<GcmItem> items) {
    long t0 = System.nanoTime();
    int n = items.size();
    String alg = open ? ALG_GCM_OPEN : ALG_GCM_SEAL;
    BatchOutcome[] out = new BatchOutcome[n];
    RouteReason[] reasons = new RouteReason[n];
    java.util.Map<Slot, List<Integer>> bySlot = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      GcmItem it = items.get(i);
      int tagLen = it.tagLenBytes();
      int dataLen = open ? it.input().length - tagLen : it.input().length;
      int aadLen = it.aad().length;
      int keyLen = it.key().lengthBytes();
      Decision d =
          dataLen < 0
              ? softwareDecisions[RouteReason.UNSUPPORTED.ordinal()]
              : decideGcm(keyLen, it.iv().length, tagLen, aadLen, dataLen, open, false);
      reasons[i] = d.reason();
      if (d.slot() != null) {
        bySlot.computeIfAbsent(d.slot(), k -> new ArrayList<>()).add(i);
      }
    }
    for (var e : bySlot.entrySet()) {
      Slot slot = e.getKey();
      List<Integer> idx = e.getValue();
      List<GcmItem> sub = new ArrayList<>(idx.size());
      for (int i : idx) {
        sub.add(items.get(i));
      }
      List<BatchOutcome> res;
      try {
        res = slot.device().gcmBatch(open, sub, timeoutNanos);
      } catch (RuntimeException ex) {
        for (int i : idx) {
          reasons[i] = RouteReason.FALLBACK_INTERNAL;
        }
        continue;
      }
      long took = System.nanoTime() - t0; // one clock read per batch, not per message
      RouteCounters.Cell cell = deviceCell(open ? A_GCM_OPEN : A_GCM_SEAL, slot);
      for (int j = 0; j < idx.size(); j++) {
        int i = idx.get(j);
        BatchOutcome o = res.get(j);
        if (o.ok() || o.failure() instanceof AEADBadTagException) {
          slot.gate().onSuccess();
          out[i] = o;
          cell.count(items.get(i).input().length, took, n);
        } else if (o.failure() instanceof DeviceException de) {
          reasons[i] = failed(slot, de);
        } else {
          reasons[i] = RouteReason.FALLBACK_REJECTED;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (out[i] != null) {
        continue;
      }
      GcmItem it = items.get(i);
      byte[] in = it.input();
      try {
        if (open) {
          byte[] o = new byte[Math.max(0, in.length - it.tagLenBytes())];
          software.gcmOpen(it.key(), it.iv(), it.tagLenBytes(), it.aad(), 0, it.aad().length, in, 0, in.length, o, 0);
          out[i] = BatchOutcome.of(o);
        } else {
          byte[] o = new byte[in.length + it.tagLenBytes()];
          software.gcmSeal(it.key(), it.iv(), it.tagLenBytes(), it.aad(), 0, it.aad().length, in, 0, in.length, o, 0);
          out[i] = BatchOutcome.of(o);
        }
      } catch (AEADBadTagException | RuntimeException ex) {
        out[i] = BatchOutcome.failed(ex);
      } finally {
        countSoftware(alg, reasons[i], in.length, t0, n);
      }
    }
    return List.of(out);
  }

  /** Digests every message, the device-eligible ones together; same routing as {@link #digest}. */
  public List<byte[]> digestBatch(DigestAlgorithm alg, List<byte[]> messages) {
    long t0 = System.nanoTime();
    int n = messages.size();
    byte[][] out = new byte[n][];
    RouteReason[] reasons = new RouteReason[n];
    java.util.Map<Slot, List<Integer>> bySlot = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int len = messages.get(i).length;
      Decision d = decideDigest(alg, len, false);
      reasons[i] = d.reason();
      if (d.slot() != null) {
        bySlot.computeIfAbsent(d.slot(), k -> new ArrayList<>()).add(i);
      }
    }
    for (var e : bySlot.entrySet()) {
      Slot slot = e.getKey();
      List<Integer> idx = e.getValue();
      List<byte[]> sub = new ArrayList<>(idx.size());
      for (int i : idx) {
        sub.add(messages.get(i));
      }
      List<BatchOutcome> res;
      try {
        res = slot.device().digestBatch(alg, sub, timeoutNanos);
      } catch (RuntimeException ex) {
        for (int i : idx) {
          reasons[i] = RouteReason.FALLBACK_INTERNAL;
        }
        continue;
      }
      long took = System.nanoTime() - t0; // one clock read per batch, not per message
      RouteCounters.Cell cell = deviceCell(A_DIGEST0 + alg.ordinal(), slot);
      for (int j = 0; j < idx.size(); j++) {
        int i = idx.get(j);
        BatchOutcome o = res.get(j);
        if (o.ok()) {
          slot.gate().onSuccess();
          out[i] = o.value();
          cell.count(messages.get(i).length, took, n);
        } else if (o.failure() instanceof DeviceException de) {
          reasons[i] = failed(slot, de);
        } else {
          reasons[i] = RouteReason.FALLBACK_REJECTED;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (out[i] == null) {
        byte[] m = messages.get(i);
        out[i] = new byte[alg.digestLenBytes()];
        try {
          software.digest(alg, m, 0, m.length, out[i], 0);
        } finally {
          countSoftware(alg.jcaName(), reasons[i], m.length, t0, n);
        }
      }
    }
    return List.of(out);
  }

  /**
   * {@link #rsaPrivate} of every input with one key, the device-eligible ones together; each
   * device result is blinded and fault-checked exactly like a single call. Element i is the result
   * or its failure ({@link BadPaddingException} when input i is not below the modulus).
   */
  public List<BatchOutcome> rsaPrivateBatch(RsaKeyMaterial key, List<byte[]> inputs) {
    Objects.requireNonNull(key, "key");
    if (!key.isPrivate()) {
      throw new IllegalArgumentException("rsaPrivate needs a private key");
    }
    long t0 = System.nanoTime();
    int n = inputs.size();
    int k = key.modulusBytes();
    BatchOutcome[] out = new BatchOutcome[n];
    for (int i = 0; i < n; i++) {
      try {
        checkedInput(key, inputs.get(i));
      } catch (BadPaddingException | IllegalArgumentException e) {
        out[i] = BatchOutcome.failed(e);
      }
    }
    RouteReason reason;
    RouteReason[] reasons = new RouteReason[n];
    if (!key.hasCrt()) {
      reason = config.route(Family.RSA) == RouteMode.SOFTWARE ? RouteReason.ROUTE_SOFTWARE : RouteReason.NO_CRT;
      java.util.Arrays.fill(reasons, reason);
    } else {
      Decision d = decideShape(Family.RSA, k, caps -> caps.supportsRsa(key.modulusBits(), true));
      java.util.Arrays.fill(reasons, d.reason());
      if (d.slot() != null) {
        Slot slot = d.slot();
        // As in deviceRsaPrivate: an engine that blinds and checks gets the inputs as they are.
        boolean hostBlinds = !slot.device().capabilities().engineBlindsAndVerifies();
        Device engine = hostBlinds ? cpuEngine() : null;
        Device host = hostBlinds ? rsaHostEngine() : null;
        List<Integer> idx = new ArrayList<>();
        List<byte[]> blinded = new ArrayList<>();
        List<RsaMath.DeviceBlinding> blindings = new ArrayList<>();
        try {
          for (int i = 0; i < n; i++) {
            if (out[i] == null) {
              idx.add(i);
              if (hostBlinds) {
                RsaMath.DeviceBlinding b = RsaMath.blindForDevice(key, inputs.get(i), host, engine, timeoutNanos);
                blindings.add(b);
                blinded.add(b.input());
              } else {
                blinded.add(inputs.get(i));
              }
            }
          }
          List<BatchOutcome> res = null;
          try {
            res = slot.device().rsaPrivateCrtBatch(key, blinded, timeoutNanos);
          } catch (RuntimeException ex) {
            for (int i : idx) {
              reasons[i] = RouteReason.FALLBACK_INTERNAL;
            }
          }
          for (int j = 0; res != null && j < idx.size(); j++) {
            int i = idx.get(j);
            BatchOutcome o = res.get(j);
            if (o.ok()) {
              byte[] raw = o.value();
              byte[] m;
              try {
                m = !hostBlinds ? (raw.length == k ? raw : null) : blindings.get(j).finish(raw);
              } catch (RuntimeException ex) {
                reasons[i] = RouteReason.FALLBACK_INTERNAL; // the host engine failed: software
                continue;
              }
              if (m != null) {
                slot.gate().onSuccess();
                countDevice(ALG_RSA_PRIVATE, slot, k, t0, n);
                out[i] = BatchOutcome.of(m);
              } else {
                slot.gate().onFailure(DeviceException.Reason.DEVICE_ERROR);
                reasons[i] = RouteReason.FAULT_VERIFY;
              }
            } else if (o.failure() instanceof DeviceException de) {
              reasons[i] = failed(slot, de);
            } else {
              reasons[i] = RouteReason.FALLBACK_REJECTED;
            }
          }
        } finally {
          for (RsaMath.DeviceBlinding b : blindings) {
            b.wipe();
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (out[i] == null) {
        try {
          out[i] = BatchOutcome.of(software.rsaPrivate(key, inputs.get(i)));
        } catch (RuntimeException e) {
          out[i] = BatchOutcome.failed(e);
        } finally {
          countSoftware(ALG_RSA_PRIVATE, reasons[i], k, t0, n);
        }
      }
    }
    return List.of(out);
  }
}
