package dev.accel.bench;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Lost completions and memory (issue 19): 256 KiB AES-GCM seals on the emulated device with one
 * LOST_COMPLETION armed before every 4th seal and a 20 ms device timeout; prints RSS, abandoned
 * bytes and retired queues every 5 s, and checks every 64th result against SunJCE.
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks.jar
 * dev.accel.bench.LostCompletionProbe on|off [seconds]} (default 25). {@code off} puts the
 * quarantine limits and the breaker's failure-rate rule out of reach: the behaviour before them.
 */
public final class LostCompletionProbe {
  private LostCompletionProbe() {}

  private static long rssMb() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
    }
    return -1;
  }
  public static void main(String[] a) throws Exception {
    if (a.length < 1 || !(a[0].equals("on") || a[0].equals("off"))) {
      System.err.println("usage: LostCompletionProbe on|off [seconds]");
      System.exit(2);
    }
    boolean on = a[0].equals("on");
    int seconds = a.length > 1 ? Integer.parseInt(a[1]) : 25;
    Map<String, String> cfg = new HashMap<>(Map.of("accel.route.aes-gcm", "device", "accel.device.timeout.ms", "20"));
    if (!on) { // the behaviour before this session: no quarantine limit, no failure-rate rule
      cfg.put("accel.device.quarantine.requests", "1048576");
      cfg.put("accel.device.quarantine.kib", "67108864");
      cfg.put("accel.breaker.failure.percent", "0");
    }
    NativeDevice emu = Devices.open("emu", DeviceOptions.defaults()
        .withDefaultTimeoutNanos(20_000_000L)
        .withQuarantine(on ? 32 : 1 << 20, on ? 8L << 20 : 64L << 30));
    AccelProvider p = AccelProvider.builder().devices(List.of(emu)).config(cfg).build();
    EmulatorControl ctl = emu.emulator().orElseThrow();
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding", p);
    SecretKeySpec key = new SecretKeySpec(new byte[32], "AES");
    byte[] pt = new byte[256 * 1024];
    byte[] out = new byte[pt.length + 16];
    Random r = new Random(1);
    long t0 = System.nanoTime(), next = 5;
    long n = 0, lost = 0;
    System.out.printf("quarantine %s: t=0 s RSS %d MB%n", a[0], rssMb());
    while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
      if (n % 4 == 0) { ctl.inject(EmulatorControl.Fault.LOST_COMPLETION, 1, 0); lost++; }
      byte[] iv = new byte[12]; r.nextBytes(iv);
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      int len = c.doFinal(pt, 0, pt.length, out, 0);
      Cipher v = Cipher.getInstance("AES/GCM/NoPadding", "SunJCE");
      if (n % 64 == 0) { v.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv)); if (!Arrays.equals(v.doFinal(out, 0, len), pt)) throw new AssertionError("wrong result"); }
      n++;
      long s = (System.nanoTime() - t0) / 1_000_000_000L;
      if (s >= next) {
        System.out.printf("t=%d s RSS %d MB, seals %d, lost completions injected %d, queues retired %d, quarantined now %d B%n",
            s, rssMb(), n, lost, emu.queuesRetired(), emu.liveQueues().stream().mapToLong(q -> q.quarantinedBytes()).sum());
        next += 5;
      }
    }
    System.out.println("routes: " + p.stats());
  }
}
