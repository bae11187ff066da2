/**
 * The Accel JCA/JCE provider. Registered with the JDK through {@code provides
 * java.security.Provider}; native access ({@code --enable-native-access=dev.accel.provider}) lets
 * it reach the accelerator shim, and without it every request runs in software.
 */
module dev.accel.provider {
  requires org.bouncycastle.provider;
  requires java.management; // the metrics MBean
  requires jdk.management; // HotSpotDiagnosticMXBean: which intrinsics the JIT has (the cpu device plan)
  requires jdk.jfr; // the accel.Request event

  exports dev.accel;
  exports dev.accel.api;
  exports dev.accel.config;
  exports dev.accel.core;
  exports dev.accel.device;
  exports dev.accel.metrics;
  exports dev.accel.router;
  exports dev.accel.rsa;

  provides java.security.Provider with
      dev.accel.AccelProvider;
}
