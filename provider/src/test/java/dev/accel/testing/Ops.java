package dev.accel.testing;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.device.DeviceException;
import dev.accel.device.NativeDevice;
import dev.accel.engine.Engine;
import dev.accel.engine.Op;
import javax.crypto.AEADBadTagException;

/**
 * Device tests written in terms of one call per operation: each builds the {@link Op} value an SPI
 * would build and runs it on the engine under test, with the test's own deadline on a {@link
 * NativeDevice} (a timeout test needs one shorter than the device's default).
 */
public final class Ops {
  private Ops() {}

  private static int run(Engine e, Op op, long timeoutNanos) throws DeviceException, AEADBadTagException {
    return e instanceof NativeDevice n ? n.run(op, timeoutNanos) : e.run(op);
  }

  public static int gcmSeal(
      Engine e, AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff, long timeoutNanos) throws DeviceException {
    try {
      return run(e, new Op.GcmSeal(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff), timeoutNanos);
    } catch (AEADBadTagException notReachable) {
      throw new AssertionError(notReachable);
    }
  }

  public static int gcmOpen(
      Engine e, AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff, long timeoutNanos)
      throws DeviceException, AEADBadTagException {
    return run(e, new Op.GcmOpen(key, iv, tagLenBytes, aad, aadOff, aadLen, in, inOff, inLen, out, outOff), timeoutNanos);
  }

  public static void digest(
      Engine e, DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff, long timeoutNanos)
      throws DeviceException {
    try {
      run(e, new Op.Digest(alg, in, off, len, out, outOff), timeoutNanos);
    } catch (AEADBadTagException notReachable) {
      throw new AssertionError(notReachable);
    }
  }

  public static byte[] rsaPrivateCrt(Engine e, RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException {
    byte[] out = new byte[key.modulusBytes()];
    try {
      run(e, new Op.RsaPrivate(key, input, out), timeoutNanos);
    } catch (AEADBadTagException notReachable) {
      throw new AssertionError(notReachable);
    }
    return out;
  }

  public static byte[] rsaPublic(Engine e, RsaKeyMaterial key, byte[] input, long timeoutNanos) throws DeviceException {
    byte[] out = new byte[key.modulusBytes()];
    try {
      run(e, new Op.RsaPublic(key, input, out), timeoutNanos);
    } catch (AEADBadTagException notReachable) {
      throw new AssertionError(notReachable);
    }
    return out;
  }

  /** Digests every message in one {@link NativeDevice#runBatch(java.util.List, long)} call. */
  public static java.util.List<dev.accel.device.BatchOutcome> digestBatch(
      NativeDevice d, DigestAlgorithm alg, java.util.List<byte[]> messages, long timeoutNanos) {
    java.util.List<Op> ops = new java.util.ArrayList<>();
    for (byte[] m : messages) {
      ops.add(new Op.Digest(alg, m, 0, m.length, new byte[alg.digestLenBytes()], 0));
    }
    return d.runBatch(ops, timeoutNanos);
  }
}
