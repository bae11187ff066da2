package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.ffm.DeviceBugs;
import dev.accel.ffm.Opcode;
import dev.accel.queue.DeviceQueue;
import dev.accel.queue.Request;
import javax.crypto.AEADBadTagException;

/**
 * How a native device's requests look in their pooled buffers (each part 64-byte aligned), and how
 * results come back out into the caller's arrays: shared by single ops and batches. A completion
 * that breaks the shim's contract (a tag mismatch on a seal or a digest, a result of the wrong
 * length) is a device-side bug ({@link DeviceBugs}), never released.
 */
final class NativeRequests {
  private NativeRequests() {}

  /** A seal cannot fail its tag: the shim answered EBADMSG to one. */
  static DeviceException sealBug(String device) {
    return DeviceBugs.report(device, "tag mismatch on a GCM seal", "ACCEL_EBADMSG");
  }

  static long align(long n) {
    return (n + 63) & ~63L;
  }

  /**
   * A GCM request in a pooled buffer: AAD, payload ({@code dataLen} bytes of {@code in}; for open
   * the tag follows it in {@code in}), room for the output, IV and tag, each 64-byte aligned.
   */
  static Request gcmRequest(
      DeviceQueue q, boolean open, AesKeyMaterial key, byte[] iv, int tagLen, byte[] aad, int aadOff,
      int aadLen, byte[] in, int inOff, int dataLen) throws DeviceException {
    long srcOff = align(aadLen);
    long dstOff = srcOff + align(dataLen);
    long ivOff = dstOff + align(dataLen);
    long tagOff = ivOff + align(iv.length);
    Request r = q.newRequest(tagOff + tagLen);
    var b = r.buffer();
    if (aadLen > 0) {
      b.put(0, aad, aadOff, aadLen);
    }
    b.put(srcOff, in, inOff, dataLen);
    if (open) {
      b.put(tagOff, in, inOff + dataLen, tagLen);
    }
    b.put(ivOff, iv, 0, iv.length);
    r.op(open ? Opcode.GCM_OPEN : Opcode.GCM_SEAL)
        .aad(0, aadLen).src(srcOff, dataLen).dst(dstOff, dataLen).iv(ivOff, iv.length).tag(tagOff, tagLen);
    return r;
  }

  /** Copies a completed seal's ciphertext and tag to {@code out[outOff..]}; the bytes written. */
  static int finishSeal(String device, Request r, boolean passed, byte[] out, int outOff, int dataLen, int tagLen)
      throws DeviceException {
    if (!passed) {
      throw sealBug(device);
    }
    r.readDst(out, outOff, dataLen);
    r.readTag(out, outOff + dataLen);
    return dataLen + tagLen;
  }

  /** Copies a completed open's plaintext to {@code out[outOff..]} if its tag verified. */
  static int finishOpen(Request r, boolean passed, byte[] out, int outOff, int dataLen)
      throws AEADBadTagException {
    if (!passed) {
      throw new AEADBadTagException("Tag mismatch");
    }
    r.readDst(out, outOff, dataLen);
    return dataLen;
  }

  /** A digest request: the message, then 64 bytes of room for the digest. */
  static Request digestRequest(DeviceQueue q, DigestAlgorithm alg, byte[] in, int off, int len)
      throws DeviceException {
    long dstOff = align(len);
    Request r = q.newRequest(dstOff + 64);
    r.buffer().put(0, in, off, len);
    r.op(alg.deviceOpcode()).src(0, len).dst(dstOff, 64);
    return r;
  }

  /**
   * Copies a completed digest (or RSA result) of {@code len} bytes to {@code out[outOff..]}. Any
   * other length, or a tag mismatch where there is no tag, is a device-side bug.
   */
  static void finishDigest(String device, Request r, boolean passed, int len, byte[] out, int outOff) throws DeviceException {
    if (!passed) {
      throw DeviceBugs.report(device, Opcode.name(r.op()) + " answered a tag mismatch", "ACCEL_EBADMSG");
    }
    r.requireOutLen(len, device);
    r.readDst(out, outOff, len);
  }

  /** A raw RSA request: the k-byte input, then room for the k-byte result. */
  static Request rsaRequest(DeviceQueue q, int op, byte[] input, int k) throws DeviceException {
    long dstOff = align(k);
    Request r = q.newRequest(dstOff + k);
    r.buffer().put(0, input, 0, k);
    r.op(op).src(0, k).dst(dstOff, k);
    return r;
  }
}
