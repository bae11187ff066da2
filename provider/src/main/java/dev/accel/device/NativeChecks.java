package dev.accel.device;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import dev.accel.ffm.Opcode;
import java.util.Objects;

/**
 * What a native device checks in Java before any native call, against its capabilities: a
 * request that fails here throws {@link IllegalArgumentException} / {@link NullPointerException}
 * and never reaches the shim.
 */
final class NativeChecks {
  private final String name;
  private final DeviceCapabilities caps;

  NativeChecks(String name, DeviceCapabilities caps) {
    this.name = name;
    this.caps = caps;
  }

  /** {@code a[off..off+len)} must exist; NPE for a null array, IAE otherwise. */
  static void checkRange(String what, byte[] a, int off, int len) {
    Objects.requireNonNull(a, () -> what + " must not be null");
    if (off < 0) {
      throw new IllegalArgumentException(what + " offset must be >= 0: " + off);
    }
    if (len < 0) {
      throw new IllegalArgumentException(what + " length must be >= 0: " + len);
    }
    if (off > a.length - len) { // overflow-safe form of off + len > a.length
      throw new IllegalArgumentException(
          what + " range [" + off + ", " + off + " + " + len + ") exceeds its array length " + a.length);
    }
  }

  /** {@code out} must hold {@code len} bytes at {@code outOff}. */
  static void checkOut(byte[] out, int outOff, int len, String what) {
    Objects.requireNonNull(out, "out must not be null");
    if (outOff < 0 || outOff > out.length - len) {
      throw new IllegalArgumentException(
          "out has no room for " + what + " at offset " + outOff + " (length " + out.length + ")");
    }
  }

  private void checkAesKey(AesKeyMaterial key) {
    Objects.requireNonNull(key, "key must not be null");
    if (key.isDestroyed()) {
      throw new IllegalArgumentException("key material destroyed");
    }
    int bit =
        switch (key.lengthBytes()) {
          case 16 -> 1;
          case 24 -> 2;
          case 32 -> 4;
          default -> 0;
        };
    if ((caps.aesKeyMask() & bit) == 0) {
      throw new IllegalArgumentException(
          "AES key of " + key.lengthBytes() + " bytes not supported by " + name);
    }
  }

  /**
   * Checks a GCM request: {@code in[inOff..inOff+inLen)} (for open: ciphertext then tag) and room
   * in {@code out}; returns the payload length (without the tag for open).
   */
  int checkGcm(
      boolean open, AesKeyMaterial key, byte[] iv, int tagLenBytes, byte[] aad, int aadOff, int aadLen,
      byte[] in, int inOff, int inLen, byte[] out, int outOff) {
    checkRange("in", in, inOff, inLen);
    if (open && inLen < tagLenBytes) {
      throw new IllegalArgumentException(
          "GCM input of " + inLen + " bytes is shorter than the " + tagLenBytes + "-byte tag");
    }
    long dataLen = open ? inLen - tagLenBytes : inLen;
    if (!caps.supportsOp(open ? Opcode.GCM_OPEN : Opcode.GCM_SEAL)) {
      throw new IllegalArgumentException(name + " does not support AES-GCM " + (open ? "open" : "seal"));
    }
    checkAesKey(key);
    Objects.requireNonNull(iv, "iv must not be null");
    if (iv.length < caps.gcmIvMinBytes() || iv.length > caps.gcmIvMaxBytes()) {
      throw new IllegalArgumentException(
          "GCM IV length " + iv.length + " outside [" + caps.gcmIvMinBytes() + ", " + caps.gcmIvMaxBytes()
              + "] bytes for " + name);
    }
    int tagMin = open ? Math.max(caps.gcmTagMinBytes(), caps.gcmOpenTagMinBytes()) : caps.gcmTagMinBytes();
    if (tagLenBytes < tagMin || tagLenBytes > caps.gcmTagMaxBytes()) {
      throw new IllegalArgumentException(
          "GCM tag length " + tagLenBytes + " outside [" + tagMin + ", " + caps.gcmTagMaxBytes()
              + "] bytes for " + name);
    }
    if (aad == null) {
      if (aadOff != 0 || aadLen != 0) {
        throw new NullPointerException("aad must not be null when aadLen (" + aadLen + ") or aadOff is non-zero");
      }
    } else {
      checkRange("aad", aad, aadOff, aadLen);
    }
    if (aadLen > caps.gcmAadMaxBytes()) {
      throw new IllegalArgumentException("GCM AAD of " + aadLen + " bytes exceeds " + caps.gcmAadMaxBytes());
    }
    if (dataLen + aadLen > caps.gcmDataMaxBytes()) {
      throw new IllegalArgumentException(
          "GCM payload + AAD of " + (dataLen + aadLen) + " bytes exceeds " + caps.gcmDataMaxBytes());
    }
    if (dataLen == 0 && !caps.gcmEmptyPayloadOk()) {
      throw new IllegalArgumentException(name + " rejects an empty GCM payload");
    }
    int outLen = (int) dataLen + (open ? 0 : tagLenBytes);
    checkOut(out, outOff, outLen, outLen + " bytes");
    return (int) dataLen;
  }

  /** Checks a digest of {@code in[off..off+len)} into {@code out[outOff..]}. */
  void checkDigest(DigestAlgorithm alg, byte[] in, int off, int len, byte[] out, int outOff) {
    Objects.requireNonNull(alg, "alg must not be null");
    checkRange("in", in, off, len);
    if (alg.deviceOpcode() == 0 || !caps.supportsOp(alg.deviceOpcode())) {
      throw new IllegalArgumentException(alg.jcaName() + " is not computed by " + name);
    }
    if (len > caps.digestDataMaxBytes()) {
      throw new IllegalArgumentException(
          "digest input of " + len + " bytes exceeds " + caps.digestDataMaxBytes() + " for " + name);
    }
    int dlen = alg.digestLenBytes();
    checkOut(out, outOff, dlen, "the " + dlen + "-byte digest");
  }

  void checkRsa(RsaKeyMaterial key, byte[] input, boolean privateCrt) {
    Objects.requireNonNull(key, "key must not be null");
    Objects.requireNonNull(input, "input must not be null");
    if (privateCrt && !key.hasCrt()) {
      throw new IllegalArgumentException("RSA private CRT operation needs a two-prime CRT key");
    }
    if (!privateCrt && key.publicExponent() == null) {
      throw new IllegalArgumentException("RSA public operation needs the public exponent");
    }
    if (!caps.supportsRsa(key.modulusBits(), privateCrt)) {
      throw new IllegalArgumentException(
          "RSA-" + key.modulusBits() + (privateCrt ? " private CRT" : " public") + " not supported by " + name);
    }
    int k = key.modulusBytes();
    if (input.length != k) {
      throw new IllegalArgumentException(
          "RSA input must be exactly " + k + " bytes (the modulus length), got " + input.length);
    }
    if (!key.isBelowModulus(input)) {
      throw new IllegalArgumentException("RSA input must be less than the modulus (RFC 8017 5.1/5.2)");
    }
  }
}
