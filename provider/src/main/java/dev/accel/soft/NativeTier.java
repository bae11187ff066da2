package dev.accel.soft;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.Device;
import dev.accel.device.DeviceCapabilities;
import dev.accel.device.DeviceException;
import dev.accel.router.IncrementalDigest;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * The {@code native} software tier: the run-to-completion CPU engine ({@code cpu} backend,
 * libcrypto under the shim) reached through the {@link Device} interface. Private-key operations
 * are blinded and fault-checked by the engine when it says so ({@link
 * DeviceCapabilities#engineBlindsAndVerifies()}), else here in Java. What the engine cannot do (streaming digests, SHA-512/t one-shots,
 * keys without CRT parts) and any engine failure is served by {@code fallback} (Bouncy Castle), so
 * this tier never fails because the engine failed.
 */
public final class NativeTier implements SoftwareTier {
  private final Device cpu;
  private final SoftwareTier fallback;
  private final long timeoutNanos;

  public NativeTier(Device cpu, SoftwareTier fallback, long timeoutNanos) {
    this.cpu = Objects.requireNonNull(cpu);
    this.fallback = Objects.requireNonNull(fallback);
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public String name() {
    return "native";
  }

  @Override
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
    if (cpu.capabilities().supportsGcm(key.lengthBytes(), iv.length, tagLenBytes, aadLen, inLen, false)) {
      try {
        return cpu.gcmSeal(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff, timeoutNanos);
      } catch (DeviceException | RuntimeException e) {
        // fall through to the fallback tier with the same inputs
      }
    }
    return fallback.gcmSeal(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
  }

  @Override
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
    if (cpu.capabilities()
        .supportsGcm(key.lengthBytes(), iv.length, tagLenBytes, aadLen, inLen - tagLenBytes, true)) {
      try {
        return cpu.gcmOpen(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff, timeoutNanos);
      } catch (DeviceException | RuntimeException e) {
        // fall through
      }
    }
    return fallback.gcmOpen(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
  }

  @Override
  public void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) {
    if (cpu.capabilities().supportsDigest(alg, len)) {
      try {
        cpu.digest(alg, in, off, len, out, outOff, timeoutNanos);
        return;
      } catch (DeviceException | RuntimeException e) {
        // fall through
      }
    }
    fallback.digest(alg, in, off, len, out, outOff);
  }

  @Override
  public IncrementalDigest newDigest(DigestAlgorithm alg) {
    return fallback.newDigest(alg); // the engine hashes one-shot only
  }

  /** The cpu engine behind this tier (the router also uses it for public-key fault checks). */
  public Device engine() {
    return cpu;
  }

  @Override
  public byte[] rsaPrivate(RsaKeyMaterial key, byte[] input) {
    DeviceCapabilities caps = cpu.capabilities();
    if (key.hasCrt() && caps.supportsRsa(key.modulusBits(), true)) {
      try {
        if (caps.engineBlindsAndVerifies()) {
          // The engine blinds and checks its CRT result before releasing it (see
          // DeviceCapabilities#engineBlindsAndVerifies): doing both again here would only double
          // the cost. The result length is still ours to check.
          byte[] out = cpu.rsaPrivateCrt(key, input, timeoutNanos);
          if (out.length == key.modulusBytes()) {
            return out;
          }
        } else {
          RsaMath.BlindedInput b = RsaMath.blind(key, input);
          byte[] out = RsaMath.unblindChecked(key, b, cpu.rsaPrivateCrt(key, b.input(), timeoutNanos), cpu, timeoutNanos);
          if (out != null) {
            return out;
          }
        }
      } catch (DeviceException | RuntimeException e) {
        // fall through
      }
    }
    return fallback.rsaPrivate(key, input);
  }

  @Override
  public byte[] rsaPublic(RsaKeyMaterial key, byte[] input) {
    if (cpu.capabilities().supportsRsa(key.modulusBits(), false)) {
      try {
        byte[] out = cpu.rsaPublic(key, input, timeoutNanos);
        if (out.length == key.modulusBytes()) {
          return out;
        }
      } catch (DeviceException | RuntimeException e) {
        // fall through
      }
    }
    return fallback.rsaPublic(key, input);
  }
}
