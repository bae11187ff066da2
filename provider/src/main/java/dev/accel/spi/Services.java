package dev.accel.spi;

import dev.accel.config.AccelConfig.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one registration table of the Accel provider: every service it can offer, one row each, with
 * its family (a family switched off in the configuration is not registered at all), standard
 * aliases, OIDs (registered as {@code <oid>} and {@code OID.<oid>} aliases, like the JDK's
 * providers) and attributes (JCA-CONTRACT.md). {@code AccelProvider} turns the rows of the enabled
 * families into {@code Provider.Service} objects.
 *
 * <p>An implementation class has a public constructor taking {@code dev.accel.AccelProvider} (or
 * a public no-arg constructor).
 */
public final class Services {
  private Services() {}

  /** One service. */
  public record Row(
      Family family,
      String type,
      String algorithm,
      String className,
      List<String> aliases,
      List<String> oids,
      Map<String, String> attributes) {
    public Row {
      aliases = List.copyOf(aliases);
      oids = List.copyOf(oids);
      attributes = Map.copyOf(attributes);
    }

    /** Aliases followed by each OID in both spellings. */
    public List<String> allAliases() {
      List<String> all = new ArrayList<>(aliases);
      for (String oid : oids) {
        all.add(oid);
        all.add("OID." + oid);
      }
      return all;
    }
  }

  private static final String SPI = "dev.accel.spi.";

  /** JCA-CONTRACT.md: AES-GCM accepts raw secret keys only. */
  private static final Map<String, String> AES_ATTRS = Map.of("SupportedKeyFormats", "RAW");

  /**
   * Key classes the RSA services accept (JCA delayed provider selection skips Accel for other
   * keys). Helper rows below use it.
   */
  public static final String RSA_KEY_CLASSES =
      "java.security.interfaces.RSAPublicKey|java.security.interfaces.RSAPrivateKey"
          + "|dev.accel.rsa.AccelRsaPrivateKeyHandle";

  private static final List<Row> ROWS = buildRows();

  private static List<Row> buildRows() {
    List<Row> rows = new ArrayList<>();

    // ---- AES-GCM (NIST SP 800-38D); OIDs from RFC 5084 / NIST CSOR -----------------------------
    rows.add(new Row(Family.AES_GCM, "Cipher", "AES/GCM/NoPadding", SPI + "AesGcmCipher",
        List.of(), List.of(), AES_ATTRS));
    rows.add(new Row(Family.AES_GCM, "Cipher", "AES_128/GCM/NoPadding", SPI + "AesGcmCipher$Aes128",
        List.of(), List.of("2.16.840.1.101.3.4.1.6"), AES_ATTRS));
    rows.add(new Row(Family.AES_GCM, "Cipher", "AES_192/GCM/NoPadding", SPI + "AesGcmCipher$Aes192",
        List.of(), List.of("2.16.840.1.101.3.4.1.26"), AES_ATTRS));
    rows.add(new Row(Family.AES_GCM, "Cipher", "AES_256/GCM/NoPadding", SPI + "AesGcmCipher$Aes256",
        List.of(), List.of("2.16.840.1.101.3.4.1.46"), AES_ATTRS));
    rows.add(new Row(Family.AES_GCM, "AlgorithmParameters", "GCM", SPI + "GcmParameters",
        List.of(), List.of(), Map.of()));

    // ---- SHA-2 (FIPS 180-4); OIDs from NIST CSOR -----------------------------------------------
    rows.add(new Row(Family.SHA2, "MessageDigest", "SHA-224", SPI + "Sha2Digest$Sha224",
        List.of("SHA224"), List.of("2.16.840.1.101.3.4.2.4"), Map.of()));
    rows.add(new Row(Family.SHA2, "MessageDigest", "SHA-256", SPI + "Sha2Digest$Sha256",
        List.of("SHA256"), List.of("2.16.840.1.101.3.4.2.1"), Map.of()));
    rows.add(new Row(Family.SHA2, "MessageDigest", "SHA-384", SPI + "Sha2Digest$Sha384",
        List.of("SHA384"), List.of("2.16.840.1.101.3.4.2.2"), Map.of()));
    rows.add(new Row(Family.SHA2, "MessageDigest", "SHA-512", SPI + "Sha2Digest$Sha512",
        List.of("SHA512"), List.of("2.16.840.1.101.3.4.2.3"), Map.of()));
    rows.add(new Row(Family.SHA2, "MessageDigest", "SHA-512/224", SPI + "Sha2Digest$Sha512_224",
        List.of("SHA512/224"), List.of("2.16.840.1.101.3.4.2.5"), Map.of()));
    rows.add(new Row(Family.SHA2, "MessageDigest", "SHA-512/256", SPI + "Sha2Digest$Sha512_256",
        List.of("SHA512/256"), List.of("2.16.840.1.101.3.4.2.6"), Map.of()));

    // ---- RSA (RFC 8017) ------------------------------------------------------------------------
    // >>> RSA rows: owned by the RSA engineer (dev.accel.spi.Rsa*).
    // OIDs: RFC 8017 appendix A.2.4 / RFC 4055; aliases as SunRsaSign, the ...andMGF1 names as BC.
    Map<String, String> rsaKeys = Map.of("SupportedKeyClasses", RSA_KEY_CLASSES);
    String[][] pkcs1 = {
      {"SHA1withRSA", "Sha1", "1.2.840.113549.1.1.5"},
      {"SHA224withRSA", "Sha224", "1.2.840.113549.1.1.14"},
      {"SHA256withRSA", "Sha256", "1.2.840.113549.1.1.11"},
      {"SHA384withRSA", "Sha384", "1.2.840.113549.1.1.12"},
      {"SHA512withRSA", "Sha512", "1.2.840.113549.1.1.13"},
      {"SHA512/224withRSA", "Sha512_224", "1.2.840.113549.1.1.15"},
      {"SHA512/256withRSA", "Sha512_256", "1.2.840.113549.1.1.16"},
    };
    for (String[] r : pkcs1) {
      List<String> oids = r[0].equals("SHA1withRSA") ? List.of(r[2], "1.3.14.3.2.29") : List.of(r[2]);
      rows.add(new Row(Family.RSA, "Signature", r[0], SPI + "RsaSignature$" + r[1],
          List.of(r[0].replace("with", "/")), oids, rsaKeys));
    }
    rows.add(new Row(Family.RSA, "Signature", "RSASSA-PSS", SPI + "RsaPssSignature",
        List.of("PSS"), List.of("1.2.840.113549.1.1.10"), rsaKeys));
    String[][] pssFixed = {
      {"SHA1withRSAandMGF1", "Sha1AndMgf1", "SHA1withRSA/PSS"},
      {"SHA224withRSAandMGF1", "Sha224AndMgf1", "SHA224withRSA/PSS"},
      {"SHA256withRSAandMGF1", "Sha256AndMgf1", "SHA256withRSA/PSS"},
      {"SHA384withRSAandMGF1", "Sha384AndMgf1", "SHA384withRSA/PSS"},
      {"SHA512withRSAandMGF1", "Sha512AndMgf1", "SHA512withRSA/PSS"},
      {"SHA512(224)withRSAandMGF1", "Sha512_224AndMgf1", "SHA512(224)withRSA/PSS"},
      {"SHA512(256)withRSAandMGF1", "Sha512_256AndMgf1", "SHA512(256)withRSA/PSS"},
    };
    for (String[] r : pssFixed) {
      rows.add(new Row(Family.RSA, "Signature", r[0], SPI + "RsaPssSignature$" + r[1],
          List.of(r[2]), List.of(), rsaKeys));
    }
    rows.add(new Row(Family.RSA, "Cipher", "RSA", SPI + "RsaCipher", List.of(), List.of(),
        Map.of("SupportedKeyClasses", RSA_KEY_CLASSES,
            "SupportedModes", "ECB",
            "SupportedPaddings", "NOPADDING|PKCS1PADDING|OAEPPADDING"
                + "|OAEPWITHSHA1ANDMGF1PADDING|OAEPWITHSHA-1ANDMGF1PADDING"
                + "|OAEPWITHSHA-224ANDMGF1PADDING|OAEPWITHSHA-256ANDMGF1PADDING"
                + "|OAEPWITHSHA-384ANDMGF1PADDING|OAEPWITHSHA-512ANDMGF1PADDING"
                + "|OAEPWITHSHA-512/224ANDMGF1PADDING|OAEPWITHSHA-512/256ANDMGF1PADDING")));
    rows.add(new Row(Family.RSA, "KeyFactory", "RSA", SPI + "RsaKeyFactory$Rsa",
        List.of(), List.of("1.2.840.113549.1.1.1"), Map.of()));
    rows.add(new Row(Family.RSA, "KeyFactory", "RSASSA-PSS", SPI + "RsaKeyFactory$Pss",
        List.of("PSS"), List.of("1.2.840.113549.1.1.10"), Map.of()));
    rows.add(new Row(Family.RSA, "KeyPairGenerator", "RSA", SPI + "RsaKeyPairGenerator$Rsa",
        List.of(), List.of("1.2.840.113549.1.1.1"), Map.of()));
    rows.add(new Row(Family.RSA, "KeyPairGenerator", "RSASSA-PSS", SPI + "RsaKeyPairGenerator$Pss",
        List.of("PSS"), List.of("1.2.840.113549.1.1.10"), Map.of()));
    rows.add(new Row(Family.RSA, "AlgorithmParameters", "RSASSA-PSS", SPI + "RsaPssParameters",
        List.of("PSS"), List.of("1.2.840.113549.1.1.10"), Map.of()));
    // <<< end of RSA rows
    return List.copyOf(rows);
  }

  /** Every row, in registration order. */
  public static List<Row> rows() {
    return ROWS;
  }
}
