package dev.accel.device;

import dev.accel.testing.Ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.accel.core.AesKeyMaterial;
import dev.accel.core.DigestAlgorithm;
import dev.accel.core.RsaKeyMaterial;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input never reaches native code: each case throws in Java, and the device's submitted
 * counter (from accel_dev_health) does not move.
 */
class ValidationTest {
  private static final long T = 5_000_000_000L;
  private static NativeDevice dev;
  private static final AesKeyMaterial KEY = new AesKeyMaterial(new byte[16]);
  private static final byte[] IV = new byte[12];
  private static final RsaKeyMaterial RSA = DeviceSelfTest.rsaTestKey();
  private long submittedBefore;

  @BeforeAll
  static void open() throws DeviceException {
    dev = Devices.open("emu", DeviceOptions.defaults());
  }

  @AfterAll
  static void close() {
    dev.close();
  }

  @BeforeEach
  void count() {
    submittedBefore = dev.health().submitted();
  }

  @AfterEach
  void nothingWasSubmitted() {
    assertEquals(submittedBefore, dev.health().submitted(), "a rejected request reached the shim");
  }

  private static void iae(String message, Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertEquals(message, x.getMessage());
  }

  private static void npe(String message, Executable e) {
    NullPointerException x = assertThrows(NullPointerException.class, e);
    assertEquals(message, x.getMessage());
  }

  @Test
  void nullInput() {
    npe("in", () -> Ops.gcmSeal(dev, KEY, IV, 16, null, 0, 0, null, 0, 0, new byte[16], 0, T));
  }

  @Test
  void nullOutput() {
    npe("out", () -> Ops.digest(dev, DigestAlgorithm.SHA256, new byte[1], 0, 1, null, 0, T));
  }

  @Test
  void nullKey() {
    npe("key", () -> Ops.gcmSeal(dev, null, IV, 16, null, 0, 0, new byte[1], 0, 1, new byte[17], 0, T));
  }

  @Test
  void nullIv() {
    npe("iv", () -> Ops.gcmSeal(dev, KEY, null, 16, null, 0, 0, new byte[1], 0, 1, new byte[17], 0, T));
  }

  @Test
  void nullAadWithLength() {
    npe("aad is null but aadLen (4) or aadOff is non-zero",
        () -> Ops.gcmSeal(dev, KEY, IV, 16, null, 0, 4, new byte[1], 0, 1, new byte[17], 0, T));
  }

  @Test
  void negativeOffset() {
    iae("in range [-1, -1 + 4) outside its array of 8 bytes", () -> Ops.digest(dev, DigestAlgorithm.SHA256, new byte[8], -1, 4, new byte[32], 0, T));
  }

  @Test
  void negativeLength() {
    iae("in range [0, 0 + -4) outside its array of 8 bytes", () -> Ops.digest(dev, DigestAlgorithm.SHA256, new byte[8], 0, -4, new byte[32], 0, T));
  }

  @Test
  void offsetPlusLengthOverflow() {
    iae("in range [2147483647, 2147483647 + 2) outside its array of 8 bytes",
        () -> Ops.digest(dev, DigestAlgorithm.SHA256, new byte[8], Integer.MAX_VALUE, 2, new byte[32], 0, T));
  }

  @Test
  void shortInputBuffer() {
    iae("in range [4, 4 + 5) outside its array of 8 bytes",
        () -> Ops.gcmSeal(dev, KEY, IV, 16, null, 0, 0, new byte[8], 4, 5, new byte[32], 0, T));
  }

  @Test
  void shortOutputBuffer() {
    iae("out has no room for 26 bytes at offset 0 (length 25)",
        () -> Ops.gcmSeal(dev, KEY, IV, 16, null, 0, 0, new byte[10], 0, 10, new byte[25], 0, T));
  }

  @Test
  void shortDigestOutput() {
    iae("out has no room for 64 bytes at offset 1 (length 64)",
        () -> Ops.digest(dev, DigestAlgorithm.SHA512, new byte[8], 0, 8, new byte[64], 1, T));
  }

  @Test
  void wrongAesKeySizeIsRefusedByTheKeyMaterial() {
    iae("AES key must be 16, 24 or 32 bytes", () -> new AesKeyMaterial(new byte[20]));
  }

  @Test
  void destroyedKey() {
    AesKeyMaterial k = new AesKeyMaterial(new byte[32]);
    k.destroy();
    iae("key material destroyed", () -> Ops.gcmSeal(dev, k, IV, 16, null, 0, 0, new byte[1], 0, 1, new byte[17], 0, T));
  }

  @Test
  void ivLengthOutsideCapabilities() {
    int max = dev.capabilities().gcmIvMaxBytes();
    iae("GCM IV length " + (max + 1) + " outside [1, " + max + "] bytes for " + dev.name(),
        () -> Ops.gcmSeal(dev, KEY, new byte[max + 1], 16, null, 0, 0, new byte[1], 0, 1, new byte[17], 0, T));
  }

  @Test
  void tagLengthOutsideCapabilities() {
    iae("GCM tag length 8 outside [12, 16] bytes for " + dev.name(),
        () -> Ops.gcmSeal(dev, KEY, IV, 8, null, 0, 0, new byte[1], 0, 1, new byte[9], 0, T));
  }

  @Test
  void openInputShorterThanTag() {
    iae("GCM input of 10 bytes is shorter than the 16-byte tag",
        () -> Ops.gcmOpen(dev, KEY, IV, 16, null, 0, 0, new byte[10], 0, 10, new byte[10], 0, T));
  }

  @Test
  void oversizedGcmData() {
    long max = dev.capabilities().gcmDataMaxBytes();
    int len = (int) max + 1;
    iae("GCM payload + AAD of " + len + " bytes exceeds " + max,
        () -> Ops.gcmSeal(dev, KEY, IV, 16, null, 0, 0, new byte[len], 0, len, new byte[len + 16], 0, T));
  }

  @Test
  void oversizedAad() {
    long max = dev.capabilities().gcmAadMaxBytes();
    int len = (int) max + 1;
    iae("GCM AAD of " + len + " bytes exceeds " + max,
        () -> Ops.gcmSeal(dev, KEY, IV, 16, new byte[len], 0, len, new byte[1], 0, 1, new byte[17], 0, T));
  }

  @Test
  void digestWithoutADeviceOpcode() {
    iae("SHA-1 is not computed by " + dev.name(),
        () -> Ops.digest(dev, DigestAlgorithm.SHA1, new byte[1], 0, 1, new byte[20], 0, T));
  }

  @Test
  void rsaInputOfWrongLength() {
    iae("RSA input and output must be exactly 256 bytes, got 255 and 256",
        () -> Ops.rsaPublic(dev, RSA, new byte[255], T));
  }

  @Test
  void rsaInputNotBelowTheModulus() {
    byte[] n = DeviceOpsTest.toFixed(RSA.modulus(), RSA.modulusBytes());
    iae("RSA input must be less than the modulus (RFC 8017 5.1/5.2)", () -> Ops.rsaPrivateCrt(dev, RSA, n, T));
  }

  @Test
  void rsaCrtOperationWithoutCrtParts() {
    RsaKeyMaterial noCrt = RsaKeyMaterial.ofPrivate(RSA.modulus(), RSA.publicExponent(), RSA.privateExponent(), false);
    iae("RSA private CRT operation needs a two-prime CRT key",
        () -> Ops.rsaPrivateCrt(dev, noCrt, new byte[RSA.modulusBytes()], T));
  }

  @Test
  void rsaModulusSizeOutsideCapabilities() {
    BigInteger n = BigInteger.ONE.shiftLeft(8191).add(BigInteger.ONE); // 8192 bits > emu's 4096
    RsaKeyMaterial big = RsaKeyMaterial.ofPublic(n, BigInteger.valueOf(65537));
    iae("RSA-8192 public not supported by " + dev.name(), () -> Ops.rsaPublic(dev, big, new byte[1024], T));
  }

  @Test
  void nullRsaInput() {
    npe("input", () -> Ops.rsaPublic(dev, RSA, null, T));
  }
}
