package dev.accel.router;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.Device;
import dev.accel.device.DeviceCapabilities;
import dev.accel.device.DeviceHealth;
import dev.accel.soft.SoftwareTier;
import javax.crypto.AEADBadTagException;

/**
 * The software tier seen through the {@link Device} contract, so that {@link
 * dev.accel.device.DeviceSelfTest} runs the same known answers through it as through each device
 * ({@code AccelProvider#runSelfTests}). Never used for routing.
 */
final class SoftwareTierDevice implements Device {
  private final SoftwareTier tier;
  private final String label;
  private final DeviceCapabilities caps;

  SoftwareTierDevice(SoftwareTier tier, String label) {
    this.tier = tier;
    this.label = label;
    int ops = 0;
    for (int op = 0; op < 31; op++) {
      ops |= 1 << op;
    }
    this.caps =
        new DeviceCapabilities(
            "software", "software:" + label, label, ops, 7, 1, 1 << 20, 12, 16, 12,
            Long.MAX_VALUE, Long.MAX_VALUE, true, 0xF, true, 512, 16384, 0, 0, 0, Long.MAX_VALUE, "");
  }

  @Override
  public String name() {
    return caps.name();
  }

  @Override
  public String backend() {
    return "software";
  }

  @Override
  public DeviceCapabilities capabilities() {
    return caps;
  }

  @Override
  public DeviceHealth health() {
    return new DeviceHealth(DeviceHealth.State.OK, 0, 0, 0, 0, 0, "");
  }

  @Override
  public int gcmSeal(AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff, long timeoutNanos) {
    return tier.gcmSeal(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
  }

  @Override
  public int gcmOpen(AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff, long timeoutNanos) throws AEADBadTagException {
    return tier.gcmOpen(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
  }

  @Override
  public void digest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff, long timeoutNanos) {
    tier.digest(alg, in, off, len, out, outOff);
  }

  @Override
  public byte[] rsaPrivateCrt(RsaKeyMaterial key, byte[] input, long timeoutNanos) {
    return tier.rsaPrivate(key, input);
  }

  @Override
  public byte[] rsaPublic(RsaKeyMaterial key, byte[] input, long timeoutNanos) {
    return tier.rsaPublic(key, input);
  }

  @Override
  public void close() {}
}
