package dev.accel.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RSA over a 64-byte message: SHA256withRSA sign/verify, RSASSA-PSS (SHA-256, MGF1-SHA-256, salt
 * 32) sign/verify, OAEP (SHA-256, MGF1-SHA-256) encrypt/decrypt. Keys are generated once and
 * cached in java.io.tmpdir so every fork and provider uses the same key.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class RsaBench {
  @Param({"accel-cpu", "accel-emu", "accel-bc", "jdk", "bc", "accp", "conscrypt"})
  public String provider;

  @Param({"2048", "3072", "4096"})
  public int bits;

  private static final PSSParameterSpec PSS =
      new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
  private static final OAEPParameterSpec OAEP =
      new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

  private final byte[] msg = new byte[64];
  private Signature signer, verifier, pssSigner, pssVerifier;
  private Cipher oaepEnc, oaepDec;
  private byte[] sig, pssSig, oaepCt;
  private final byte[] oaepOut = new byte[512];
  private PrivateKey priv;
  private PublicKey pub;
  private Provider p;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    KeyPair kp = key(bits);
    priv = kp.getPrivate();
    pub = kp.getPublic();
    for (int i = 0; i < msg.length; i++) {
      msg[i] = (byte) i;
    }
    p = Providers.get(provider, "signature");
  }

  private void needPkcs1() throws Exception {
    if (signer == null) {
      signer = Signature.getInstance("SHA256withRSA", p);
      signer.initSign(priv);
      verifier = Signature.getInstance("SHA256withRSA", p);
      verifier.initVerify(pub);
      signer.update(msg);
      sig = signer.sign();
    }
  }

  private Signature pss() throws Exception {
    try {
      Signature s = Signature.getInstance("RSASSA-PSS", p);
      s.setParameter(PSS);
      return s;
    } catch (java.security.GeneralSecurityException | UnsupportedOperationException e) {
      return Signature.getInstance("SHA256withRSA/PSS", p); // Conscrypt's name (same parameters)
    }
  }

  private void needPss() throws Exception {
    if (pssSigner == null) {
      pssSigner = pss();
      pssSigner.initSign(priv);
      pssVerifier = pss();
      pssVerifier.initVerify(pub);
      pssSigner.update(msg);
      pssSig = pssSigner.sign();
    }
  }

  private void needOaep() throws Exception {
    if (oaepEnc == null) {
      Provider cp = provider.equals("jdk") ? Providers.get("jdk", "rsa-cipher") : p;
      oaepEnc = Cipher.getInstance("RSA/ECB/OAEPPadding", cp);
      oaepEnc.init(Cipher.ENCRYPT_MODE, pub, OAEP);
      oaepDec = Cipher.getInstance("RSA/ECB/OAEPPadding", cp);
      oaepDec.init(Cipher.DECRYPT_MODE, priv, OAEP);
      oaepCt = oaepEnc.doFinal(msg, 0, 32);
    }
  }

  @Benchmark
  public byte[] sign() throws Exception {
    needPkcs1();
    signer.update(msg);
    return signer.sign();
  }

  @Benchmark
  public boolean verify() throws Exception {
    needPkcs1();
    verifier.update(msg);
    return verifier.verify(sig);
  }

  @Benchmark
  public byte[] pssSign() throws Exception {
    needPss();
    pssSigner.update(msg);
    return pssSigner.sign();
  }

  @Benchmark
  public boolean pssVerify() throws Exception {
    needPss();
    pssVerifier.update(msg);
    return pssVerifier.verify(pssSig);
  }

  @Benchmark
  public int oaepEncrypt() throws Exception {
    needOaep();
    return oaepEnc.doFinal(msg, 0, 32, oaepOut, 0);
  }

  @Benchmark
  public int oaepDecrypt() throws Exception {
    needOaep();
    return oaepDec.doFinal(oaepCt, 0, oaepCt.length, oaepOut, 0);
  }

  /** One key pair per size for every fork, cached as PKCS#8 / X.509 in java.io.tmpdir. */
  static synchronized KeyPair key(int bits) throws Exception {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    Path privFile = dir.resolve("accel-bench-rsa" + bits + ".pk8");
    Path pubFile = dir.resolve("accel-bench-rsa" + bits + ".x509");
    KeyFactory kf = KeyFactory.getInstance("RSA", "SunRsaSign");
    if (Files.exists(privFile) && Files.exists(pubFile)) {
      return new KeyPair(
          kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pubFile))),
          kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privFile))));
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
    g.initialize(bits);
    KeyPair kp = g.generateKeyPair();
    Path tmp = Files.createTempFile(dir, "accel-bench", ".tmp");
    Files.write(tmp, kp.getPrivate().getEncoded());
    Files.move(tmp, privFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Files.write(pubFile, kp.getPublic().getEncoded());
    return kp;
  }
}
