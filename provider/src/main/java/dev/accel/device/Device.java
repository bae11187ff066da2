package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * One opened device (an emulated accelerator, the CPU engine, or a UADK queue set), as the
 * router sees it. Every operation is synchronous for the caller and bounded by a timeout; any
 * device-side failure (error completion, queue error, removal, timeout, full queue beyond the
 * admission budget) is thrown as a {@link DeviceException} so the router can re-run the request in
 * software. Arguments are validated by the caller against {@link #capabilities()} before the call;
 * implementations re-validate and throw {@link IllegalArgumentException} rather than pass bad
 * input to native code.
 *
 * <p>Implementations are thread-safe: many JCA instances share one device.
 */
public interface Device extends AutoCloseable {

  /** Device name as the shim reports it, e.g. {@code emu0}, {@code cpu0}. */
  String name();

  /** Backend: {@code emu}, {@code cpu} or {@code uadk}. */
  String backend();

  DeviceCapabilities capabilities();

  /** Current health (one cheap downcall). */
  DeviceHealth health();

  /**
   * AES-GCM seal (NIST SP 800-38D): writes {@code inLen} bytes of ciphertext followed by the
   * {@code tagLenBytes}-byte tag at {@code out[outOff..]}; returns {@code inLen + tagLenBytes}.
   * {@code out} may overlap {@code in}: the result is copied out only after the device finished.
   */
  int gcmSeal(
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
      int outOff,
      long timeoutNanos)
      throws DeviceException;

  /**
   * AES-GCM open: {@code in[inOff..inOff+inLen)} is ciphertext followed by the tag. Writes the
   * plaintext ({@code inLen - tagLenBytes} bytes) only when the tag verifies; otherwise throws
   * {@link AEADBadTagException} and leaves {@code out} untouched.
   */
  int gcmOpen(
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
      int outOff,
      long timeoutNanos)
      throws DeviceException, AEADBadTagException;

  /** One-shot digest of {@code in[off..off+len)} into {@code out[outOff..]}. */
  void digest(
      DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff, long timeoutNanos)
      throws DeviceException;

  /**
   * Raw RSA private-key operation with the CRT parts of {@code key} (RFC 8017 5.1.2 / 5.2.1, no
   * padding). {@code input} is exactly {@code key.modulusBytes()} long and less than the modulus;
   * the result is {@code key.modulusBytes()} long. The caller verifies signatures computed here
   * before releasing them (a faulty CRT result leaks the key).
   */
  byte[] rsaPrivateCrt(RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException;

  /** Raw RSA public-key operation (RFC 8017 5.1.1 / 5.2.2). Same length rules. */
  byte[] rsaPublic(RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException;

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
    throw new DeviceException(DeviceException.Reason.REJECTED, dev.accel.ffm.NativeStatus.ENOTSUP,
        name() + " does no host RSA arithmetic (see hasRsaHostOps)");
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
    throw new DeviceException(DeviceException.Reason.REJECTED, dev.accel.ffm.NativeStatus.ENOTSUP,
        name() + " does no host RSA arithmetic (see hasRsaHostOps)");
  }

  /**
   * Seals ({@code open == false}) or opens every item; element i of the result belongs to item
   * i and fails alone. Devices with queues submit the items together (one doorbell); this default
   * runs them one by one.
   */
  default List<BatchOutcome> gcmBatch(boolean open, List<GcmItem> items, long timeoutNanos) {
    List<BatchOutcome> out = new ArrayList<>(items.size());
    for (GcmItem it : items) {
      try {
        int dataLen = open ? it.input().length - it.tagLenBytes() : it.input().length;
        byte[] o = new byte[open ? Math.max(0, dataLen) : dataLen + it.tagLenBytes()];
        if (open) {
          gcmOpen(it.key(), it.iv(), it.tagLenBytes(), it.aad(), 0, it.aad().length, it.input(), 0,
              it.input().length, o, 0, timeoutNanos);
        } else {
          gcmSeal(it.key(), it.iv(), it.tagLenBytes(), it.aad(), 0, it.aad().length, it.input(), 0,
              it.input().length, o, 0, timeoutNanos);
        }
        out.add(BatchOutcome.of(o));
      } catch (DeviceException | AEADBadTagException | IllegalArgumentException e) {
        out.add(BatchOutcome.failed(e));
      }
    }
    return out;
  }

  /** Digests every message; element i fails alone. Default: one by one. */
  default List<BatchOutcome> digestBatch(DigestAlgorithm alg, List<byte[]> messages, long timeoutNanos) {
    List<BatchOutcome> out = new ArrayList<>(messages.size());
    for (byte[] m : messages) {
      try {
        byte[] o = new byte[alg.digestLenBytes()];
        digest(alg, m, 0, m.length, o, 0, timeoutNanos);
        out.add(BatchOutcome.of(o));
      } catch (DeviceException | IllegalArgumentException e) {
        out.add(BatchOutcome.failed(e));
      }
    }
    return out;
  }

  /** {@link #rsaPrivateCrt} of every input with one key; element i fails alone. Default: one by one. */
  default List<BatchOutcome> rsaPrivateCrtBatch(RsaKeyMaterial key, List<byte[]> inputs, long timeoutNanos) {
    List<BatchOutcome> out = new ArrayList<>(inputs.size());
    for (byte[] in : inputs) {
      try {
        out.add(BatchOutcome.of(rsaPrivateCrt(key, in, timeoutNanos)));
      } catch (DeviceException | IllegalArgumentException e) {
        out.add(BatchOutcome.failed(e));
      }
    }
    return out;
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
