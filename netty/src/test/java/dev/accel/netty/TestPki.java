package dev.accel.netty;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A self-signed RSA-2048 server certificate generated in memory (bcpkix, SunRsaSign keys). */
record TestPki(X509Certificate cert, RSAPrivateCrtKey key) {

  private static volatile TestPki cached;

  /** One identity per JVM (key generation costs ~100 ms). */
  static TestPki rsa2048() {
    TestPki p = cached;
    if (p == null) {
      synchronized (TestPki.class) {
        p = cached;
        if (p == null) {
          p = generate();
          cached = p;
        }
      }
    }
    return p;
  }

  X509Certificate[] chain() {
    return new X509Certificate[] {cert};
  }

  private static TestPki generate() {
    try {
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
      kpg.initialize(2048);
      KeyPair kp = kpg.generateKeyPair();
      X500Name name = new X500Name("CN=accel-test.localhost");
      long now = System.currentTimeMillis();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(now),
              new Date(now - 3_600_000L),
              new Date(now + 86_400_000L),
              name,
              kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      var signer = new JcaContentSignerBuilder("SHA256withRSA").setProvider("SunRsaSign").build(kp.getPrivate());
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(signer));
      return new TestPki(cert, (RSAPrivateCrtKey) kp.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException("cannot generate the test certificate", e);
    }
  }
}
