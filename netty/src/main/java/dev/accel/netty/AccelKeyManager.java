package dev.accel.netty;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A server key manager with exactly one identity: a certificate chain and a private key that need
 * not have an encoding, such as Accel's device-resident RSA handle ({@code
 * dev.accel.api.AccelKeys#deviceResident}). JSSE signs with whatever provider accepts the key;
 * for the handle that is Accel only (its {@code SupportedKeyClasses}), whatever the provider
 * order. Netty's {@code SslContextBuilder.forServer(key, chain)} cannot carry such a key (it
 * builds a PKCS#12 store), {@code SslContextBuilder.forServer(KeyManager)} can.
 *
 * <p>JSSE only asks for an alias with the key type of the certificate's public key ({@code RSA}:
 * TLS 1.2 ECDHE_RSA suites and TLS 1.3 {@code rsa_pss_rsae_*} / {@code rsa_pkcs1_*} schemes);
 * other types get no alias. Client authentication is not offered.
 */
public final class AccelKeyManager extends X509ExtendedKeyManager {
  /** The single alias served. */
  public static final String ALIAS = "accel";

  private final X509Certificate[] chain;
  private final PrivateKey key;
  private final String keyType;

  /**
   * @param chain the server certificate first, then its issuers
   * @param key the private key of {@code chain[0]}
   */
  public AccelKeyManager(X509Certificate[] chain, PrivateKey key) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(key, "key");
    if (chain.length == 0) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    String certType = chain[0].getPublicKey().getAlgorithm();
    if (!certType.equals(key.getAlgorithm())) {
      throw new IllegalArgumentException(
          "key algorithm " + key.getAlgorithm() + " does not match certificate key " + certType);
    }
    this.chain = chain.clone();
    this.key = key;
    this.keyType = certType;
  }

  private String aliasFor(String type) {
    return keyType.equals(type) ? ALIAS : null;
  }

  @Override
  public String[] getServerAliases(String type, Principal[] issuers) {
    return keyType.equals(type) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
    return aliasFor(type);
  }

  @Override
  public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
    return aliasFor(type);
  }

  @Override
  public String[] getClientAliases(String type, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] types, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] types, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
