package dev.accel.netty;

import dev.accel.AccelProvider;
import dev.accel.device.DeviceOptions;
import dev.accel.device.Devices;
import dev.accel.device.EmulatorControl;
import dev.accel.device.NativeDevice;
import dev.accel.netty.records.BcTls13Handshaker;
import dev.accel.netty.records.RecordBatcher;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * Record-crypto benchmark (run manually, one mode per JVM because the provider order is global;
 * see docs/benchmarks-tls.md): {@code connections} BoringSSL clients each echo {@code mib} MiB
 * through the server in 256 KiB writes over TLS 1.3 (AES-128-GCM or AES-256-GCM as negotiated).
 * The server seals and opens every byte once. CPU split as in {@link HandshakeBench}; the
 * emulated device runs the {@code sec-920} profile; Accel's AES-GCM threshold is 4096 bytes.
 *
 * <p>Usage: {@code RecordBench mode [mib] [connections]}, modes {@code jsse} (SunJCE), {@code
 * jsse-accel} (Accel first in the provider list), {@code bcjsse-accel} ({@link AccelBcTls}),
 * {@code record-handler} ({@link BcTls13Handshaker} + {@link RecordBatcher}).
 */
public final class RecordBench {
  private RecordBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int mib = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    TestPki pki = TestPki.rsa2048();
    AtomicReference<NativeDevice> dev = new AtomicReference<>();
    Thread.ofPlatform()
        .name("emu-engines")
        .start(
            () -> {
              try {
                dev.set(
                    Devices.open(
                        "emu",
                        DeviceOptions.defaults()
                            .withProfile(EmulatorControl.Profile.SEC_920)
                            .withBusyRetryNanos(200_000_000L)));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .join();
    AccelProvider accel =
        AccelProvider.builder()
            .devices(List.of(dev.get()))
            .config(Map.of("accel.threshold.aes-gcm", "4096", "accel.device.timeout.ms", "5000"))
            .build();
    RecordBatcher batcher = null;
    Function<Channel, ? extends ChannelHandler> handler;
    switch (mode) {
      case "jsse", "jsse-accel" -> {
        if (mode.equals("jsse-accel")) {
          Security.insertProviderAt(accel, 1);
        }
        SslContext c = SslContextBuilder.forServer(pki.key(), pki.chain()).sslProvider(SslProvider.JDK).protocols("TLSv1.3").build();
        handler = ch -> c.newHandler(ch.alloc());
      }
      case "bcjsse-accel" -> {
        Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        Provider bcjsse = AccelBcTls.jsseProvider(accel);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", pki.key(), new char[0], pki.chain());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX", bcjsse);
        kmf.init(ks, new char[0]);
        SslContext c = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).sslContextProvider(bcjsse).protocols("TLSv1.3").build();
        handler = ch -> c.newHandler(ch.alloc());
      }
      case "record-handler" -> {
        Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        RecordBatcher b = new RecordBatcher(accel.crypto());
        batcher = b;
        handler = ch -> new BcTls13Handshaker(b, pki.chain(), pki.key());
      }
      default -> throw new IllegalArgumentException(mode);
    }
    byte[] data = new byte[mib << 20];
    new Random(1).nextBytes(data);
    SslContext client = TestSupport.client("boringssl", "TLSv1.3");
    try (TlsHarness h = new TlsHarness(2, 2)) {
      h.start(handler);
      for (int round = 0; round < 2; round++) { // round 0 warms up
        List<TlsHarness.Echo> echoes = new ArrayList<>();
        List<Channel> chs = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
          TlsHarness.Echo e = new TlsHarness.Echo(data, 256 * 1024, k -> {});
          chs.add(h.connect(client, e));
          echoes.add(e);
        }
        Thread.sleep(200);
        accel.resetStats();
        HandshakeBench.CpuSample before = HandshakeBench.cpu();
        long t0 = System.nanoTime();
        for (int i = 0; i < connections; i++) {
          echoes.get(i).begin(chs.get(i));
        }
        for (TlsHarness.Echo e : echoes) {
          if (e.result.get(120, TimeUnit.SECONDS).length != data.length) {
            throw new AssertionError("short echo");
          }
        }
        long wall = System.nanoTime() - t0;
        HandshakeBench.Cpu used = HandshakeBench.cpu().since(before);
        for (Channel ch : chs) {
          ch.close().sync();
        }
        if (round == 1) {
          double mb = (double) connections * data.length / (1 << 20);
          var st = accel.stats();
          System.out.printf(
              Locale.ROOT,
              "%-15s %4d MiB x %d conns: %7.1f MiB/s echoed, host %6.3f ms/MiB, engine %6.3f ms/MiB, jvm %6.3f ms/MiB, client %6.3f ms/MiB; device seals %d opens %d, software %d%s; %s%n",
              mode, mib, connections, mb / (wall / 1e9),
              used.hostNanos() / 1e6 / mb, used.engineNanos() / 1e6 / mb, used.jvmNanos() / 1e6 / mb,
              used.clientNanos() / 1e6 / mb,
              st.ops(TestSupport.SEAL, TestSupport.DEVICE), st.ops(TestSupport.OPEN, TestSupport.DEVICE),
              st.ops(TestSupport.SEAL, TestSupport.SOFTWARE) + st.ops(TestSupport.OPEN, TestSupport.SOFTWARE),
              batcher == null ? "" : String.format(Locale.ROOT, "; batcher avg %.1f", batcher.stats().averageBatch()),
              accel.gcmCalls().snapshot().render());
        }
      }
    }
    dev.get().close();
    System.exit(0);
  }
}
