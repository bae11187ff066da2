package dev.accel.netty.records;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The part of the TLS 1.3 key schedule a record layer needs (RFC 8446 section 7.1 and 7.3):
 * HKDF-Expand-Label, write key and IV from a traffic secret, and the next secret after KeyUpdate.
 */
public final class Tls13KeySchedule {
  private final String hmac;
  private final int hashLenBytes;

  /** {@code SHA-256} (TLS_AES_128_GCM_SHA256) or {@code SHA-384} (TLS_AES_256_GCM_SHA384). */
  public Tls13KeySchedule(String hash) {
    switch (hash) {
      case "SHA-256" -> {
        hmac = "HmacSHA256";
        hashLenBytes = 32;
      }
      case "SHA-384" -> {
        hmac = "HmacSHA384";
        hashLenBytes = 48;
      }
      default -> throw new IllegalArgumentException("TLS 1.3 hash must be SHA-256 or SHA-384: " + hash);
    }
  }

  public int hashLenBytes() {
    return hashLenBytes;
  }

  /** HKDF-Expand-Label(secret, label, "", length) (RFC 8446 section 7.1; RFC 5869 section 2.3). */
  public byte[] expandLabel(byte[] secret, String label, int lengthBytes) {
    byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
    byte[] info = new byte[2 + 1 + full.length + 1];
    info[0] = (byte) (lengthBytes >>> 8);
    info[1] = (byte) lengthBytes;
    info[2] = (byte) full.length;
    System.arraycopy(full, 0, info, 3, full.length);
    info[info.length - 1] = 0; // empty context
    try {
      Mac mac = Mac.getInstance(hmac);
      mac.init(new SecretKeySpec(secret, hmac));
      byte[] out = new byte[lengthBytes];
      byte[] t = new byte[0];
      int pos = 0;
      for (int i = 1; pos < lengthBytes; i++) {
        mac.update(t);
        mac.update(info);
        mac.update((byte) i);
        t = mac.doFinal();
        int n = Math.min(t.length, lengthBytes - pos);
        System.arraycopy(t, 0, out, pos, n);
        pos += n;
      }
      Arrays.fill(t, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hmac + " is a mandatory JDK algorithm", e);
    }
  }

  /** application_traffic_secret_N+1 (RFC 8446 section 7.2). */
  public byte[] nextSecret(byte[] secret) {
    return expandLabel(secret, "traffic upd", hashLenBytes);
  }
}
