package dev.accel.metrics;

import dev.accel.api.AccelMetricsMXBean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.accel.AccelProvider;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The per-provider AES-GCM Cipher init/doFinal counters: counting rules, MBean, text, reset. */
class GcmCallCountersTest {
  private static final SecretKey KEY = new SecretKeySpec(new byte[16], "AES");

  private static GCMParameterSpec iv(int i) {
    byte[] iv = new byte[12];
    iv[11] = (byte) i;
    return new GCMParameterSpec(128, iv);
  }

  @Test
  void initsAndDoFinalsAreCountedPerDirection() throws Exception {
    AccelProvider p = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    Cipher enc = Cipher.getInstance("AES/GCM/NoPadding", p);
    Cipher dec = Cipher.getInstance("AES/GCM/NoPadding", p);
    byte[][] sealed = new byte[3][];
    for (int i = 0; i < 3; i++) { // like a TLS record layer: init + AAD + doFinal per record
      enc.init(Cipher.ENCRYPT_MODE, KEY, iv(i));
      enc.updateAAD(new byte[] {23, 3, 3});
      sealed[i] = enc.doFinal(new byte[100 + i]);
    }
    for (int i = 0; i < 2; i++) { // the array and the ByteBuffer doFinal both count
      dec.init(Cipher.DECRYPT_MODE, KEY, iv(i));
      dec.updateAAD(new byte[] {23, 3, 3});
      if (i == 0) {
        dec.doFinal(sealed[i]);
      } else {
        ByteBuffer out = ByteBuffer.allocate(200);
        dec.doFinal(ByteBuffer.wrap(sealed[i]), out);
        assertEquals(101, out.position());
      }
    }
    GcmCallCounters.Snapshot s = p.gcmCalls().snapshot();
    assertEquals(new GcmCallCounters.Snapshot(3, 3, 2, 2), s);

    // A failed tag check ran the operation: it counts. An init without doFinal shows as a gap.
    dec.init(Cipher.DECRYPT_MODE, KEY, iv(2));
    byte[] bad = sealed[2].clone();
    bad[bad.length - 1] ^= 1;
    assertThrows(AEADBadTagException.class, () -> dec.doFinal(bad));
    enc.init(Cipher.ENCRYPT_MODE, KEY, iv(9));
    assertEquals(new GcmCallCounters.Snapshot(4, 3, 3, 3), p.gcmCalls().snapshot());

    // A refused init (reused IV) is not counted.
    enc.doFinal(new byte[1]);
    assertThrows(Exception.class, () -> enc.init(Cipher.ENCRYPT_MODE, KEY, iv(9)));
    assertEquals(new GcmCallCounters.Snapshot(4, 4, 3, 3), p.gcmCalls().snapshot());

    assertTrue(p.renderStats().contains("AES-GCM Cipher calls: encrypt init 4 doFinal 4, decrypt init 3 doFinal 3"),
        p.renderStats());
    p.resetStats();
    assertEquals(new GcmCallCounters.Snapshot(0, 0, 0, 0), p.gcmCalls().snapshot());
  }

  @Test
  void theMBeanExposesAndResetsThem() throws Exception {
    AccelProvider p = AccelProvider.withConfig(Map.of("accel.devices", "none"));
    Cipher enc = Cipher.getInstance("AES/GCM/NoPadding", p);
    enc.init(Cipher.ENCRYPT_MODE, KEY, iv(1));
    enc.doFinal(new byte[10]);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(p.metricsMBeanName());
    assertTrue(server.getAttribute(name, "CipherCalls").toString().contains("AES-GCM-encrypt|init"));
    // An MXBean's maps travel as TabularData; the proxy maps them back.
    Map<String, Long> calls = JMX.newMXBeanProxy(server, name, AccelMetricsMXBean.class).getCipherCalls();
    assertEquals(
        Map.of("AES-GCM-encrypt|init", 1L, "AES-GCM-encrypt|doFinal", 1L,
            "AES-GCM-decrypt|init", 0L, "AES-GCM-decrypt|doFinal", 0L),
        calls);
    server.invoke(name, "reset", null, null);
    assertEquals(0, p.gcmCalls().snapshot().encryptInits());
  }
}
