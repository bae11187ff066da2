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
