package dev.accel.netty;

import java.security.Provider;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.jcajce.util.JcaJceHelper;
import org.bouncycastle.jcajce.util.ProviderJcaJceHelper;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
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
    return new BouncyCastleJsseProvider(false, new CryptoProvider(accel));
  }

  /** BC's crypto factory producing {@link Crypto} instances. */
  public static final class CryptoProvider extends JcaTlsCryptoProvider {
    private final Provider accel;

    public CryptoProvider(Provider accel) {
      this.accel = Objects.requireNonNull(accel, "accel");
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
      return new Crypto(getHelper(), getAltHelper(), keyRandom, nonceRandom, accel);
    }
  }

  /** {@link JcaTlsCrypto} whose AES-GCM record cipher comes from Accel. */
  public static final class Crypto extends JcaTlsCrypto {
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private final JcaJceHelper accelHelper;

    public Crypto(
        JcaJceHelper helper,
        JcaJceHelper altHelper,
        SecureRandom keyRandom,
        SecureRandom nonceRandom,
        Provider accel) {
      super(helper, altHelper, keyRandom, nonceRandom);
      this.accelHelper = new ProviderJcaJceHelper(Objects.requireNonNull(accel, "accel"));
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
