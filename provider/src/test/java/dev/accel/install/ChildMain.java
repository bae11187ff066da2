package dev.accel.install;

import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.util.HexFormat;
import java.util.ServiceLoader;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Runs in a child JVM started by {@link InstallPathsTest}: installs Accel one way, checks that
 * JCA hands out Accel's implementation and that it computes what SunJCE computes, prints "OK ...".
 * Refers to the provider only by name or through ServiceLoader, so it works for the module path.
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Provider accel;
    switch (mode) {
      case "addProvider" -> {
        Security.addProvider(newAccel());
        accel = Security.getProvider("Accel");
        check(Cipher.getInstance("AES/GCM/NoPadding", "Accel").getProvider() == accel, "by name");
      }
      case "insertProviderAt" -> {
        Security.insertProviderAt(newAccel(), 1);
        accel = Security.getProvider("Accel");
        check(Cipher.getInstance("AES/GCM/NoPadding").getProvider() == accel, "first in list");
        check(MessageDigest.getInstance("SHA-256").getProvider() == accel, "digest first in list");
      }
      case "securityProperties" -> {
        accel = Security.getProvider("Accel");
        check(accel != null, "security.provider.1 loaded Accel");
        check(Security.getProviders()[0] == accel, "Accel is provider 1");
        check(Cipher.getInstance("AES/GCM/NoPadding").getProvider() == accel, "Accel serves GCM");
        // The config file given on the security.provider line switched SHA-2 off.
        check(MessageDigest.getInstance("SHA-256").getProvider() != accel, "config file applied");
      }
      case "preferred" -> {
        Security.addProvider(newAccel()); // last in the list ...
        accel = Security.getProvider("Accel");
        // ... but jdk.security.provider.preferred puts it first for AES/GCM/NoPadding.
        check(Cipher.getInstance("AES/GCM/NoPadding").getProvider() == accel, "preferred for GCM");
        check(MessageDigest.getInstance("SHA-256").getProvider() != accel, "not preferred for SHA-256");
      }
      case "defaultRound" -> {
        // No accel.* setting at all, Accel first: one round of each family through JCA defaults,
        // then the provider's own account of who served it.
        Security.insertProviderAt(newAccel(), 1);
        accel = Security.getProvider("Accel");
        byte[] k = new byte[32];
        byte[] n = new byte[12];
        Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
        check(enc.getProvider() == accel, "GCM from Accel");
        enc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, n));
        byte[] ct = enc.doFinal(new byte[1000]);
        Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
        dec.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k, "AES"), new GCMParameterSpec(128, n));
        check(java.util.Arrays.equals(new byte[1000], dec.doFinal(ct)), "GCM round trip");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        check(md.getProvider() == accel, "SHA-256 from Accel");
        md.digest(new byte[64]);
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        g.initialize(2048);
        java.security.KeyPair kp = g.generateKeyPair();
        java.security.Signature s = java.security.Signature.getInstance("SHA256withRSA");
        check(s.getProvider() == accel, "SHA256withRSA from Accel");
        s.initSign(kp.getPrivate());
        s.update(new byte[10]);
        byte[] sig = s.sign();
        java.security.Signature v = java.security.Signature.getInstance("SHA256withRSA");
        v.initVerify(kp.getPublic());
        v.update(new byte[10]);
        check(v.verify(sig), "signature verifies");
        dev.accel.AccelProvider ap = (dev.accel.AccelProvider) accel;
        for (String line : ap.deviceStatus()) {
          System.out.println("STATUS " + line);
        }
        for (dev.accel.api.RouteStats.Row r : ap.stats().rows()) {
          System.out.println("ROW " + r.algorithm() + " " + r.route() + " " + r.tier() + " " + r.reason() + " " + r.ops());
        }
      }
      case "docsJavaSecurity" -> {
        // docs/configuration.md's java.security snippet: the JDK's providers stay, Accel serves
        // what the preferred list names.
        accel = Security.getProvider("Accel");
        check(accel != null, "Accel loaded from the snippet's security.provider line");
        check(Security.getProvider("SUN") != null, "SUN kept");
        new java.security.SecureRandom().nextBytes(new byte[16]);
        check(java.security.cert.CertificateFactory.getInstance("X.509") != null, "X.509 factory");
        check(Cipher.getInstance("AES/GCM/NoPadding").getProvider() == accel, "preferred for GCM");
        check(MessageDigest.getInstance("SHA-256").getProvider() == accel, "preferred for SHA-256");
        check(MessageDigest.getInstance("SHA-1").getProvider() != accel, "SHA-1 from the JDK");
      }
      case "noBouncyCastle" -> {
        try {
          Class.forName("org.bouncycastle.crypto.InvalidCipherTextException");
          check(false, "Bouncy Castle must be absent in this child");
        } catch (ClassNotFoundException expected) {
          // the point of this mode
        }
        Security.insertProviderAt(newAccel(), 1);
        accel = Security.getProvider("Accel");
        var status = ((dev.accel.AccelProvider) accel).deviceStatus();
        check(status.contains("software tier: jdk(no-bc)"), "status: " + status);
        check(MessageDigest.getInstance("SHA-256").getProvider() == accel, "SHA-256 from Accel");
        byte[] md = MessageDigest.getInstance("SHA-256").digest(new byte[3]);
        check(java.util.Arrays.equals(md, MessageDigest.getInstance("SHA-256", "SUN").digest(new byte[3])), "SHA-256");
        var kpg = java.security.KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        kpg.initialize(2048);
        var kp = kpg.generateKeyPair();
        var sig = java.security.Signature.getInstance("SHA256withRSA", accel);
        sig.initSign(kp.getPrivate());
        sig.update(md);
        byte[] s = sig.sign();
        var ver = java.security.Signature.getInstance("SHA256withRSA", "SunRsaSign");
        ver.initVerify(kp.getPublic());
        ver.update(md);
        check(ver.verify(s), "RSA signature from the jdk tier verifies with SunRsaSign");
      }
      case "badConfigFile" -> {
        // The java.security line names a file that does not exist: Accel is still there by name,
        // says why, serves nothing, and the JDK's providers answer.
        accel = Security.getProvider("Accel");
        check(accel != null, "Accel findable by name despite its bad configuration");
        String why = ((dev.accel.AccelProvider) accel).loadingError().orElse("");
        check(why.contains("no-such-accel.conf"), "loadingError names the file: " + why);
        check(Cipher.getInstance("AES/GCM/NoPadding").getProvider() != accel, "the JDK serves GCM");
        check(MessageDigest.getInstance("SHA-256").getProvider() != accel, "the JDK serves SHA-256");
        try {
          ((dev.accel.AccelProvider) accel).assertHealthy();
          check(false, "assertHealthy passed");
        } catch (IllegalStateException expected) {
          check(expected.getMessage().contains("no-such-accel.conf"), expected.getMessage());
        }
        System.out.println("OK " + mode);
        return;
      }
      case "serviceLoader", "modulePath" -> {
        accel = newAccel();
        if (mode.equals("modulePath")) {
          check("dev.accel.provider".equals(accel.getClass().getModule().getName()),
              "provider in named module, was " + accel.getClass().getModule());
        }
      }
      default -> throw new IllegalArgumentException(mode);
    }
    // Same result as SunJCE through the installed provider.
    byte[] key = new byte[16];
    byte[] iv = new byte[12];
    byte[] a = gcm(Cipher.getInstance("AES/GCM/NoPadding", accel), key, iv);
    byte[] b = gcm(Cipher.getInstance("AES/GCM/NoPadding", "SunJCE"), key, iv);
    check(java.util.Arrays.equals(a, b), "GCM result equals SunJCE");
    System.out.println("OK " + mode + " " + accel.getClass().getName() + " " + HexFormat.of().formatHex(a));
  }

  /** Finds Accel through ServiceLoader (class path META-INF/services or module provides). */
  private static Provider newAccel() {
    for (Provider p : ServiceLoader.load(Provider.class)) {
      if (p.getName().equals("Accel")) {
        return p;
      }
    }
    throw new IllegalStateException("ServiceLoader found no Accel provider");
  }

  private static byte[] gcm(Cipher c, byte[] key, byte[] iv) throws Exception {
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
    return c.doFinal("installation path".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("check failed: " + what);
    }
  }
}
