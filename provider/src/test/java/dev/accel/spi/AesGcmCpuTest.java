package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link AesGcmConformance} on the cpu tier. */
class AesGcmCpuTest extends AesGcmConformance {
  @Override
  protected Tier tier() {
    return Tier.CPU;
  }
}
