package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link AesGcmConformance} on the jdk tier. */
class AesGcmJdkTest extends AesGcmConformance {
  @Override
  protected Tier tier() {
    return Tier.JDK;
  }
}
