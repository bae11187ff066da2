package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link AesGcmConformance} on the bc tier. */
class AesGcmBcTest extends AesGcmConformance {
  @Override
  protected Tier tier() {
    return Tier.BC;
  }
}
