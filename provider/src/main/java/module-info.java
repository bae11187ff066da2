/**
 * The Accel JCA/JCE provider. Registered with the JDK through {@code provides
 * java.security.Provider}; native access ({@code --enable-native-access=dev.accel.provider}) lets
 * it reach the accelerator shim, and without it every request runs in software.
 */
module dev.accel.provider {
  requires static org.bouncycastle.provider; // the bc software tier only; without BC the jdk tier serves
  requires java.management; // the metrics MBean
  requires jdk.management; // HotSpotDiagnosticMXBean: which intrinsics the JIT has (the cpu device plan)
  requires jdk.jfr; // the accel.Request event

  // The public surface: the provider class and its API types. Everything else (router, engines,
  // devices, FFM binding) is internal and may change in any release. bench/, netty/ and testvectors/
  // run on the class path (the unnamed module), which a qualified export cannot name, so they see
  // the internals there and nothing more is exported for them.
  exports dev.accel;
  exports dev.accel.api;

  provides java.security.Provider with
      dev.accel.AccelProvider;
}
