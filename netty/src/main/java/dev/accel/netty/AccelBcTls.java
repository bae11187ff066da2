package dev.accel.netty;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsStreamSigner;
import org.bouncycastle.tls.crypto.impl.TlsAEADCipherImpl;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.bouncycastle.tls.crypto.impl.jcajce.JceAEADCipherImpl;

/**
 * Bouncy Castle TLS (BCJSSE) with its record AEAD — and only it — on Accel: the handshake, key
 * schedule and everything else use BC's usual JCA lookups, while each AES-GCM record goes through
 * Accel's {@code AES/GCM/NoPadding} (with {@code AlgorithmParameters} "GCM" from Accel, which BC
 * requires from the same provider). BC creates one key object per traffic key, so Accel's per-key
 * session cache holds for the life of the key; records below Accel's AES-GCM threshold stay on the
 * CPU inside Accel.
 *
 * <p>{@link #jsseProvider(Provider, boolean)} with {@code true} also signs the server's RSA
 * handshake signatures (CertificateVerify in TLS 1.3, ServerKeyExchange in TLS 1.2) with Accel's
 * {@code RSASSA-PSS}: the key may then be Accel's device-resident handle ({@code
 * dev.accel.api.AccelKeys#deviceResident}), served by {@link AccelKeyManager}. BCJSSE has no
 * delegated tasks, so the signature runs on the thread that drives the engine (the event loop).
 * Only RSA-PSS ({@code rsa_pss_rsae_*}) goes through this path; BC signs TLS 1.2 {@code
 * rsa_pkcs1_*} with a raw {@code NoneWithRSA} signer that stays with BC's usual lookups (an
 * ordinary key only).
 *
 * <p>Needs {@code bctls-jdk18on} with a matching {@code bcprov-jdk18on} (one release: 1.84).
 *
 * <pre>{@code
 * Provider bcjsse = AccelBcTls.jsseProvider(accel);
 * SslContext ctx = SslContextBuilder.forServer(key, chain)
 *     .sslProvider(SslProvider.JDK).sslContextProvider(bcjsse).build();
 * }</pre>
 */
public final class AccelBcTls {
  private AccelBcTls() {}

  /** A BCJSSE provider (not registered anywhere) whose record AES-GCM runs on {@code accel}. */
  public static BouncyCastleJsseProvider jsseProvider(Provider accel) {
    return jsseProvider(accel, false);
  }

  /**
   * A BCJSSE provider (not registered anywhere) whose record AES-GCM runs on {@code accel}, and,
   * when {@code rsaSignatures}, whose RSA-PSS handshake signatures do too.
   */
  public static BouncyCastleJsseProvider jsseProvider(Provider accel, boolean rsaSignatures) {
    return new BouncyCastleJsseProvider(false, new CryptoProvider(accel, rsaSignatures));
  }

  /** BC's crypto factory producing {@link Crypto} instances. */
  public static final class CryptoProvider extends JcaTlsCryptoProvider {
    private final Provider accel;
    private final boolean rsaSignatures;

    public CryptoProvider(Provider accel) {
      this(accel, false);
    }

    /** @param rsaSignatures also sign RSA-PSS handshake signatures with {@code accel} */
    public CryptoProvider(Provider accel, boolean rsaSignatures) {
      this.accel = Objects.requireNonNull(accel, "accel");
      this.rsaSignatures = rsaSignatures;
    }

    /**
     * BC's default looks up the "DEFAULT" SecureRandom, which only the BC provider registers;
     * Accel does not require BC to be installed, so a missing random becomes the JDK's default.
     */
    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom) {
      return create(keyRandom != null ? keyRandom : new SecureRandom(), new SecureRandom());
    }

    @Override
    public JcaTlsCrypto create(SecureRandom keyRandom, SecureRandom nonceRandom) {
      return new Crypto(getHelper(), getAltHelper(), keyRandom, nonceRandom, accel, rsaSignatures);
    }
  }

  /**
   * {@link JcaTlsCrypto} whose AES-GCM record cipher comes from Accel, and optionally its RSA-PSS
   * signatures.
   */
  public static final class Crypto extends JcaTlsCrypto {
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private final JcaJceHelper accelHelper;
    private final boolean rsaSignatures;

    public Crypto(
        JcaJceHelper helper,
        JcaJceHelper altHelper,
        SecureRandom keyRandom,
        SecureRandom nonceRandom,
        Provider accel) {
      this(helper, altHelper, keyRandom, nonceRandom, accel, false);
    }

    public Crypto(
        JcaJceHelper helper,
        JcaJceHelper altHelper,
        SecureRandom keyRandom,
        SecureRandom nonceRandom,
        Provider accel,
        boolean rsaSignatures) {
      super(helper, altHelper, keyRandom, nonceRandom);
      this.accelHelper = new ProviderJcaJceHelper(Objects.requireNonNull(accel, "accel"));
      this.rsaSignatures = rsaSignatures;
    }

    /**
     * RSA-PSS with an RSA key goes to Accel's {@code RSASSA-PSS} with BC's parameters (hash, MGF1
     * hash, salt length = hash length: RFC 8446 section 4.2.3). BC names the scheme {@code
     * <hash>WITHRSAANDMGF1}, a name Accel does not register; looked up through the default
     * provider list the device-resident handle would find no provider that accepts it.
     */
    @Override
    protected TlsStreamSigner createStreamSigner(
        String algorithmName, AlgorithmParameterSpec parameter, PrivateKey privateKey, boolean needsRandom)
        throws IOException {
      if (rsaSignatures
          && parameter != null
          && "RSA".equalsIgnoreCase(privateKey.getAlgorithm())
          && algorithmName.toUpperCase(Locale.ROOT).endsWith("WITHRSAANDMGF1")) {
        try {
          return createStreamSigner(
              accelHelper, "RSASSA-PSS", parameter, privateKey, needsRandom ? getSecureRandom() : null);
        } catch (GeneralSecurityException e) {
          throw new TlsFatalAlert(AlertDescription.internal_error, e);
        }
      }
      return super.createStreamSigner(algorithmName, parameter, privateKey, needsRandom);
    }

    @Override
    protected TlsAEADCipherImpl createAEADCipher(
        String cipherName, String algorithm, int keySize, boolean isEncrypting)
        throws java.security.GeneralSecurityException {
      if (AES_GCM.equals(cipherName)) {
        return new JceAEADCipherImpl(this, accelHelper, cipherName, algorithm, keySize, isEncrypting);
      }
      return super.createAEADCipher(cipherName, algorithm, keySize, isEncrypting);
    }
  }
}
