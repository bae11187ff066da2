package dev.accel.rsa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.core.DigestAlgorithm;
import java.security.InvalidKeyException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Tier-independent checks of the encoding helpers and key conversion. */
class RsaEncodingTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8017 section 9.2, note 1 (SHA-1 and SHA-2 DigestInfo prefixes). */
  @Test
  void digestInfoPrefixesAreThoseOfRfc8017() {
    assertEquals("3021300906052b0e03021a05000414", HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA1)));
    assertEquals("302d300d06096086480165030402040500041c",
        HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA224)));
    assertEquals("3031300d060960864801650304020105000420",
        HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA256)));
    assertEquals("3041300d060960864801650304020205000430",
        HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA384)));
    assertEquals("3051300d060960864801650304020305000440",
        HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA512)));
    assertEquals("302d300d06096086480165030402050500041c",
        HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA512_224)));
    assertEquals("3031300d060960864801650304020605000420",
        HEX.formatHex(EmsaPkcs1.digestInfoPrefix(DigestAlgorithm.SHA512_256)));
  }

  @Test
  void pkcs1UnpadRejectsEveryMalformedBlock() {
    int k = 64;
    byte[] data = RsaTestKeys.randomBytes(20);
    byte[] t2 = Pkcs1Padding.pad(Pkcs1Padding.BLOCK_TYPE_2, data, 0, data.length, k, RsaTestKeys.RANDOM);
    assertArrayEquals(data, Pkcs1Padding.unpad(Pkcs1Padding.BLOCK_TYPE_2, t2.clone()));
    byte[] t1 = Pkcs1Padding.pad(Pkcs1Padding.BLOCK_TYPE_1, data, 0, data.length, k, RsaTestKeys.RANDOM);
    assertArrayEquals(data, Pkcs1Padding.unpad(Pkcs1Padding.BLOCK_TYPE_1, t1.clone()));
    assertNull(Pkcs1Padding.unpad(Pkcs1Padding.BLOCK_TYPE_1, t2.clone()), "wrong block type");
    byte[] b = t2.clone();
    b[0] = 1;
    assertNull(Pkcs1Padding.unpad(2, b), "leading byte");
    b = t2.clone();
    b[5] = 0; // separator after only 3 padding bytes
    assertNull(Pkcs1Padding.unpad(2, b), "PS shorter than 8 bytes");
    b = t2.clone();
    for (int i = 2; i < k; i++) {
      b[i] = (byte) (b[i] == 0 ? 1 : b[i]);
    }
    assertNull(Pkcs1Padding.unpad(2, b), "no separator");
    b = t1.clone();
    b[7] = 0x7f;
    assertNull(Pkcs1Padding.unpad(1, b), "type 1 padding byte not 0xff");
    byte[] empty = Pkcs1Padding.pad(2, new byte[0], 0, 0, k, RsaTestKeys.RANDOM);
    assertEquals(0, Pkcs1Padding.unpad(2, empty).length);
    byte[] full = Pkcs1Padding.pad(2, new byte[k - 11], 0, k - 11, k, RsaTestKeys.RANDOM);
    assertEquals(k - 11, Pkcs1Padding.unpad(2, full).length);
  }

  @Test
  void pssParamsRejectMalformedDer() {
    assertThrows(java.io.IOException.class, () -> PssParams.decode(HEX.parseHex("3003020114")));
    assertThrows(java.io.IOException.class, () -> PssParams.decode(HEX.parseHex("3005a203020101ff")));
    assertThrows(java.io.IOException.class, () -> PssParams.decode(HEX.parseHex("3005a3030201 02".replace(" ", ""))));
    assertThrows(java.io.IOException.class, () -> PssParams.decode(HEX.parseHex("3005a2030201ff")));
    assertEquals(java.security.spec.PSSParameterSpec.DEFAULT.toString(),
        assertDoesNotThrow(() -> PssParams.decode(HEX.parseHex("3000"))).toString());
  }

  private static <T> T assertDoesNotThrow(java.util.concurrent.Callable<T> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void keyConversionIsCachedPerKeyObject() throws Exception {
    var kp = RsaTestKeys.rsa2048();
    RsaKeys.Converted a = RsaKeys.convert(kp.getPrivate());
    assertSame(a, RsaKeys.convert(kp.getPrivate()));
    assertTrue(a.material().hasCrt());
    var copy = java.security.KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(kp.getPrivate().getEncoded()));
    RsaKeys.Converted b = RsaKeys.convert(copy);
    assertNotNull(b);
    assertTrue(a != b, "an equal but distinct key object gets its own entry");
    assertEquals(a.material().modulus(), b.material().modulus());
    var e = assertThrows(InvalidKeyException.class, () -> RsaKeys.convert(null));
    assertEquals("Key must not be null", e.getMessage());
  }

  /** A PKCS#8 RSAPrivateKey of version 1 (multi-prime) is never a two-prime CRT key. */
  @Test
  void multiPrimePkcs8IsPrivateExponentOnly() throws Exception {
    var mp = (RsaTestKeys.MultiPrimeKey) RsaTestKeys.multiPrime().getPrivate();
    var other = mp.others()[0];
    byte[] otherPrimeInfos = Der.sequence(Der.sequence(Der.integer(other.getPrime()),
        Der.integer(other.getExponent()), Der.integer(other.getCrtCoefficient())));
    byte[] rsaPrivateKey = Der.sequence(Der.integer(1), Der.integer(mp.n()), Der.integer(mp.e()), Der.integer(mp.d()),
        Der.integer(mp.p()), Der.integer(mp.q()), Der.integer(mp.dp()), Der.integer(mp.dq()), Der.integer(mp.qinv()),
        otherPrimeInfos);
    byte[] pkcs8 = Der.sequence(Der.integer(0), Der.sequence(Der.oid("1.2.840.113549.1.1.1"), Der.nullValue()),
        Der.tlv(Der.OCTET_STRING, rsaPrivateKey));
    RsaKeys.Converted c = RsaKeys.convert(new RsaTestKeys.EncodedOnlyPrivateKey(pkcs8));
    assertTrue(c.material().isMultiPrime());
    assertTrue(!c.material().hasCrt());
    assertEquals(mp.d(), c.material().privateExponent());
  }
}
