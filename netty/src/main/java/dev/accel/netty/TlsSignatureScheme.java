package dev.accel.netty;

import io.netty.handler.ssl.OpenSslAsyncPrivateKeyMethod;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The RSA signature schemes a TLS server signs with (RFC 8446 section 4.2.3, RFC 5246 section
 * 7.4.1.4.1), named by their BoringSSL {@code SSL_SIGN_*} code point, mapped to the JCA algorithm
 * and parameters Accel signs with. RSASSA-PSS in TLS always uses MGF1 with the message hash and a
 * salt as long as the hash (RFC 8446 section 4.2.3, "rsa_pss_rsae_*").
 *
 * @param codePoint the TLS SignatureScheme value, as {@code SSL_SIGN_*} in {@link
 *     OpenSslAsyncPrivateKeyMethod}
 * @param jcaAlgorithm {@code SHA256withRSA}, {@code RSASSA-PSS}, ...
 * @param params null for PKCS#1 v1.5, a {@link PSSParameterSpec} for PSS
 */
public record TlsSignatureScheme(int codePoint, String jcaAlgorithm, AlgorithmParameterSpec params) {

  /**
   * Returns the scheme for {@code codePoint}, or null when Accel does not sign it (ECDSA, Ed25519,
   * the TLS 1.0/1.1 MD5-SHA1 concatenation).
   */
  public static TlsSignatureScheme of(int codePoint) {
    // Netty's SSL_SIGN_* fields are not compile-time constants; the literals are the IANA TLS
    // SignatureScheme values they carry (checked by TlsSignatureSchemeTest).
    return switch (codePoint) {
      case RSA_PKCS1_SHA1 -> new TlsSignatureScheme(codePoint, "SHA1withRSA", null);
      case RSA_PKCS1_SHA256 -> new TlsSignatureScheme(codePoint, "SHA256withRSA", null);
      case RSA_PKCS1_SHA384 -> new TlsSignatureScheme(codePoint, "SHA384withRSA", null);
      case RSA_PKCS1_SHA512 -> new TlsSignatureScheme(codePoint, "SHA512withRSA", null);
      case RSA_PSS_RSAE_SHA256 -> pss(codePoint, "SHA-256", 32);
      case RSA_PSS_RSAE_SHA384 -> pss(codePoint, "SHA-384", 48);
      case RSA_PSS_RSAE_SHA512 -> pss(codePoint, "SHA-512", 64);
      default -> null;
    };
  }

  /** IANA TLS SignatureScheme values; MUST MATCH {@link OpenSslAsyncPrivateKeyMethod}'s SSL_SIGN_*. */
  static final int RSA_PKCS1_SHA1 = 0x0201;

  static final int RSA_PKCS1_SHA256 = 0x0401;
  static final int RSA_PKCS1_SHA384 = 0x0501;
  static final int RSA_PKCS1_SHA512 = 0x0601;
  static final int RSA_PSS_RSAE_SHA256 = 0x0804;
  static final int RSA_PSS_RSAE_SHA384 = 0x0805;
  static final int RSA_PSS_RSAE_SHA512 = 0x0806;

  private static TlsSignatureScheme pss(int codePoint, String hash, int hashLenBytes) {
    return new TlsSignatureScheme(
        codePoint,
        "RSASSA-PSS",
        new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), hashLenBytes, 1));
  }
}
