package dev.accel.device;

import dev.accel.core.RsaKeyMaterial;
import dev.accel.engine.Engine;
import dev.accel.engine.Op;
import java.util.Optional;

/**
 * One opened device (an emulated accelerator, the CPU engine, or a UADK queue set): an {@link
 * Engine} with capabilities, health and queues. Every operation is synchronous for the caller and
 * bounded by the device's timeout ({@link DeviceOptions}); any device-side failure (error
 * completion, queue error, removal, timeout, full queue beyond the admission budget) is thrown as a
 * {@link DeviceException} so the router can re-run the request on the next engine. The router
 * offers an op only when {@link #supports} says yes; implementations re-validate against their
 * capabilities and throw {@link IllegalArgumentException} rather than pass bad input to native
 * code.
 *
 * <p>Implementations are thread-safe: many JCA instances share one device.
 */
public interface Device extends Engine, AutoCloseable {

  /** Device name as the shim reports it, e.g. {@code emu0}, {@code cpu0}. */
  String name();

  /** Backend: {@code emu}, {@code cpu} or {@code uadk}. */
  String backend();

  DeviceCapabilities capabilities();

  @Override
  default boolean isSoftware() {
    return false;
  }

  /** The cpu backend computes inside the submitting call; emu and uadk complete asynchronously. */
  @Override
  default boolean inline() {
    return "cpu".equals(backend());
  }

  @Override
  default boolean supports(Op op) {
    return capabilities().supports(op);
  }

  /** The cpu engine blinds and checks every CRT result itself (ACCEL_RSA_BLINDS_AND_VERIFIES). */
  @Override
  default boolean protectsRsa() {
    return capabilities().engineBlindsAndVerifies();
  }

  @Override
  default String healthSummary() {
    return health().toString();
  }

  /** Current health (one cheap downcall). */
  DeviceHealth health();

  /**
   * True when this device does the host's part of <em>another</em> device's RSA private-key
   * operation for a modulus of {@code modulusBits} ({@link #rsaHostBlind}, {@link
   * #rsaHostUnblind}): the cpu engine, with a shim that has {@code accel_rsa_host}.
   */
  default boolean hasRsaHostOps(int modulusBits) {
    return false;
  }

  /**
   * Blinds {@code input} (k = {@code key.modulusBytes()} bytes, below n) for a private-key
   * operation on a device that does not blind: writes c' = c r^e mod n to {@code work[k..2k)} and
   * the opaque factor that unblinds the device's result to {@code work[2k..3k)}, a secret the
   * caller wipes. Every call draws a new r. {@code work} is 3k bytes; {@code work[0..k)} is left
   * for the device's result ({@link #rsaHostUnblind}).
   */
  default void rsaHostBlind(RsaKeyMaterial key, byte[] input, byte[] work) throws DeviceException {
    throw dev.accel.ffm.NativeStatus.unsupported(name() + " does no host RSA arithmetic (see hasRsaHostOps)");
  }

  /**
   * With the device's result s' for c' in {@code work[0..k)} (and {@code work[k..3k)} as {@link
   * #rsaHostBlind} left it): checks s'^e mod n == c' (RFC 8017 RSAVP1 of the CRT result, the
   * Bellcore defence) and only then writes the unblinded result c^d mod n to {@code out[0..k)}.
   *
   * @return false when the check fails (the result is faulty and nothing was written)
   * @throws DeviceException REJECTED on a device without {@link #hasRsaHostOps}; whatever the
   *     engine reports otherwise (then nothing was written either)
   */
  default boolean rsaHostUnblind(RsaKeyMaterial key, byte[] work, byte[] out) throws DeviceException {
    throw dev.accel.ffm.NativeStatus.unsupported(name() + " does no host RSA arithmetic (see hasRsaHostOps)");
  }

  /** Requests given to this device and not yet completed (0 when not tracked). */
  default int inflight() {
    return 0;
  }

  /** Fault injection and profile control, present only on the emulated device. */
  default Optional<EmulatorControl> emulator() {
    return Optional.empty();
  }

  /** Destroys queues and sessions and closes the device. */
  @Override
  void close();
}
