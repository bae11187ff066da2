package dev.accel.engine;

import dev.accel.device.BatchOutcome;
import dev.accel.device.DeviceException;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Anything that executes {@link Op}s: each device (uadk, emu, cpu) and each software tier (jdk,
 * bc, native). The router holds a list of engines and is the only place that chooses among them.
 *
 * <p>Contract for every implementation:
 *
 * <ul>
 *   <li>{@link #run} executes one op synchronously for the caller and returns the bytes written to
 *       the op's output ({@link Op#resultBytes()}). A GCM tag mismatch is a verdict, not a failure:
 *       {@link AEADBadTagException}, with the output untouched.
 *   <li>Anything the engine could not do (device error, full queue, removal, timeout, a result that
 *       failed verification) is a {@link DeviceException}; the router then re-runs the same op on
 *       the next engine. An engine never half-writes the output of an op it failed.
 *   <li>{@link #runBatch} is the same for many ops (a single {@link #run} is a batch of one):
 *       element i of the outcome belongs to op i and fails alone. Engines with queues submit the
 *       batch together (one doorbell); the default runs the ops one by one.
 *   <li>Thread-safe: one engine serves every caller.
 * </ul>
 */
public interface Engine {

  /** Name in counters and diagnostics: the device name ({@code cpu0}, {@code emu0}) or the tier ({@code bc}). */
  String name();

  /** True for a software tier (jdk, bc, native), false for a device. */
  boolean isSoftware();

  /**
   * True when the engine computes on the caller's thread (cpu device, software tiers): no queue,
   * no completion to wait for, so nothing to gain from size thresholds or in-flight budgets.
   */
  boolean inline();

  /** Whether this engine can take {@code op} (algorithm, key size, lengths). Cheap; no side effects. */
  boolean supports(Op op);

  /**
   * Runs {@code op}.
   *
   * @return bytes written to the op's output
   * @throws DeviceException the engine could not do it; nothing was written
   * @throws AEADBadTagException a {@link Op.GcmOpen} whose tag did not verify
   */
  int run(Op op) throws DeviceException, AEADBadTagException;

  /**
   * Runs every op; element i of the result is the outcome of op i: its output array on success,
   * else its {@link DeviceException} or {@link AEADBadTagException}.
   */
  default List<BatchOutcome> runBatch(List<? extends Op> ops) {
    return runEach(this, ops);
  }

  /** {@link #runBatch} one op at a time on {@code e}. */
  static List<BatchOutcome> runEach(Engine e, List<? extends Op> ops) {
    BatchOutcome[] out = new BatchOutcome[ops.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = runOne(e, ops.get(i));
    }
    return List.of(out);
  }

  /** One op as a batch outcome, for {@link #runBatch} implementations. */
  static BatchOutcome runOne(Engine e, Op op) {
    try {
      e.run(op);
      return BatchOutcome.of(outputOf(op));
    } catch (DeviceException | AEADBadTagException | IllegalArgumentException ex) {
      return BatchOutcome.failed(ex);
    }
  }

  /** The array an op writes its result to. */
  static byte[] outputOf(Op op) {
    return switch (op) {
      case Op.GcmSeal s -> s.out();
      case Op.GcmOpen o -> o.out();
      case Op.Digest d -> d.out();
      case Op.RsaPrivate r -> r.out();
      case Op.RsaPublic r -> r.out();
    };
  }

  /**
   * True when this engine blinds its RSA private-key operations and checks every CRT result with
   * the public key itself (the cpu device's native kernel, SunRsaSign's RSACore), so the router's
   * RSA protection need not do it again.
   */
  default boolean protectsRsa() {
    return false;
  }

  /**
   * A streaming digest computed in this process (for messages whose length is not known up
   * front), or null when this engine only takes whole messages.
   */
  default IncrementalDigest newDigest(dev.accel.core.DigestAlgorithm alg) {
    return null;
  }

  /**
   * The JDK's own {@link java.security.MessageDigestSpi} for {@code alg} when this engine computes
   * the hash with it anyway (the cpu device's JVM kernel, the jdk tier), or null. Handing that SPI
   * to JCA puts no Accel code on the per-message path at all: a MessageDigest from Accel then costs
   * exactly what one from SUN costs.
   */
  default java.security.MessageDigestSpi jvmDigestSpi(dev.accel.core.DigestAlgorithm alg) {
    return null;
  }

  /** Current health for diagnostics (a cheap call). */
  default String healthSummary() {
    return "OK";
  }

  /** Which kernel serves {@code kind} at {@code sizeBytes} on this engine, and why (for {@code accel devices}). */
  default String kernelFor(Op.Kind kind, long sizeBytes) {
    return name();
  }
}
