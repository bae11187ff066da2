package dev.accel.device;

import dev.accel.core.DigestAlgorithm;

/**
 * What a device accepts (mirrors {@code struct accel_caps} in accel_shim.h). The router sends any
 * request outside these limits to software without touching the device.
 *
 * @param opsMask bit {@code 1 << opcode} per supported shim opcode
 * @param aesKeyMask bit0: 16-byte keys, bit1: 24, bit2: 32
 * @param rsaBitsMask bit0: 1024, bit1: 2048, bit2: 3072, bit3: 4096 (when not {@code rsaAnySize})
 * @param rsaFlags {@code accel_caps.rsa_flags}: {@link #RSA_ANY_SIZE}, {@link
 *     #RSA_BLINDS_AND_VERIFIES}
 */
public record DeviceCapabilities(
    String backend,
    String name,
    String driver,
    int opsMask,
    int aesKeyMask,
    int gcmIvMinBytes,
    int gcmIvMaxBytes,
    int gcmTagMinBytes,
    int gcmTagMaxBytes,
    int gcmOpenTagMinBytes,
    long gcmAadMaxBytes,
    long gcmDataMaxBytes,
    boolean gcmEmptyPayloadOk,
    int rsaBitsMask,
    boolean rsaAnySize,
    int rsaMinBits,
    int rsaMaxBits,
    int queueDepthMax,
    int queuesMax,
    int engines,
    long digestDataMaxBytes,
    String profile,
    int rsaFlags) {

  public static final int OP_GCM_SEAL = 1;
  public static final int OP_GCM_OPEN = 2;
  public static final int OP_RSA_PRIV_CRT = 7;
  public static final int OP_RSA_PUB = 8;

  /** ACCEL_RSA_ANY_SIZE: MUST MATCH accel_shim.h. */
  public static final int RSA_ANY_SIZE = 1;

  /** ACCEL_RSA_BLINDS_AND_VERIFIES: MUST MATCH accel_shim.h. */
  public static final int RSA_BLINDS_AND_VERIFIES = 2;

  /** The capabilities of a device whose shim reports no RSA flags beyond {@code rsaAnySize}. */
  public DeviceCapabilities(
      String backend,
      String name,
      String driver,
      int opsMask,
      int aesKeyMask,
      int gcmIvMinBytes,
      int gcmIvMaxBytes,
      int gcmTagMinBytes,
      int gcmTagMaxBytes,
      int gcmOpenTagMinBytes,
      long gcmAadMaxBytes,
      long gcmDataMaxBytes,
      boolean gcmEmptyPayloadOk,
      int rsaBitsMask,
      boolean rsaAnySize,
      int rsaMinBits,
      int rsaMaxBits,
      int queueDepthMax,
      int queuesMax,
      int engines,
      long digestDataMaxBytes,
      String profile) {
    this(backend, name, driver, opsMask, aesKeyMask, gcmIvMinBytes, gcmIvMaxBytes, gcmTagMinBytes,
        gcmTagMaxBytes, gcmOpenTagMinBytes, gcmAadMaxBytes, gcmDataMaxBytes, gcmEmptyPayloadOk,
        rsaBitsMask, rsaAnySize, rsaMinBits, rsaMaxBits, queueDepthMax, queuesMax, engines,
        digestDataMaxBytes, profile, rsaAnySize ? RSA_ANY_SIZE : 0);
  }

  /**
   * True when the engine blinds every RSA private-key operation itself and checks each CRT result
   * with the public key before completing it (ACCEL_RSA_BLINDS_AND_VERIFIES; the cpu backend).
   * The router then sends the unblinded representative and skips its own Bellcore check: doing
   * both again on the host would double the cost for no added protection, because the engine's
   * check runs on the same result, in the same address space, before the result is released. A
   * device without the flag (emu, uadk: the result comes back from hardware that may fault) is
   * blinded and checked in Java.
   */
  public boolean engineBlindsAndVerifies() {
    return (rsaFlags & RSA_BLINDS_AND_VERIFIES) != 0;
  }

  public boolean supportsOp(int opcode) {
    return opcode > 0 && opcode < 32 && (opsMask & (1 << opcode)) != 0;
  }

  /** AES-GCM request shape check; {@code dataLen} is the payload without the tag. */
  public boolean supportsGcm(
      int keyLenBytes, int ivLenBytes, int tagLenBytes, long aadLen, long dataLen, boolean decrypt) {
    if (!supportsOp(decrypt ? OP_GCM_OPEN : OP_GCM_SEAL)) {
      return false;
    }
    int keyBit =
        switch (keyLenBytes) {
          case 16 -> 1;
          case 24 -> 2;
          case 32 -> 4;
          default -> 0;
        };
    return (aesKeyMask & keyBit) != 0
        && ivLenBytes >= gcmIvMinBytes
        && ivLenBytes <= gcmIvMaxBytes
        && tagLenBytes >= (decrypt ? Math.max(gcmTagMinBytes, gcmOpenTagMinBytes) : gcmTagMinBytes)
        && tagLenBytes <= gcmTagMaxBytes
        && aadLen <= gcmAadMaxBytes
        && dataLen + aadLen <= gcmDataMaxBytes
        && (dataLen > 0 || gcmEmptyPayloadOk);
  }

  public boolean supportsDigest(DigestAlgorithm alg, long len) {
    return alg.deviceOpcode() != 0 && supportsOp(alg.deviceOpcode()) && len <= digestDataMaxBytes;
  }

  public boolean supportsRsa(int modulusBits, boolean privateCrt) {
    if (!supportsOp(privateCrt ? OP_RSA_PRIV_CRT : OP_RSA_PUB)) {
      return false;
    }
    if (rsaAnySize) {
      return modulusBits >= rsaMinBits && modulusBits <= rsaMaxBits && modulusBits % 8 == 0;
    }
    int bit =
        switch (modulusBits) {
          case 1024 -> 1;
          case 2048 -> 2;
          case 3072 -> 4;
          case 4096 -> 8;
          default -> 0;
        };
    return (rsaBitsMask & bit) != 0;
  }

  /**
   * Whether this device can take {@code op}: its algorithm, key size and lengths are inside the
   * limits above. RSA private-key operations need a two-prime CRT key (devices compute with CRT).
   */
  public boolean supports(dev.accel.engine.Op op) {
    return switch (op) {
      case dev.accel.engine.Op.GcmSeal s ->
          supportsGcm(s.key().lengthBytes(), s.iv().length, s.tagLenBytes(), s.aadLen(), s.inLen(), false);
      case dev.accel.engine.Op.GcmOpen o ->
          supportsGcm(o.key().lengthBytes(), o.iv().length, o.tagLenBytes(), o.aadLen(), o.dataLen(), true);
      case dev.accel.engine.Op.Digest d -> supportsDigest(d.alg(), d.len());
      case dev.accel.engine.Op.RsaPrivate r -> r.key().hasCrt() && supportsRsa(r.key().modulusBits(), true);
      case dev.accel.engine.Op.RsaPublic r -> supportsRsa(r.key().modulusBits(), false);
    };
  }
}
