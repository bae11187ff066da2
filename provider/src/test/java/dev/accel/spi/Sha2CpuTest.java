package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link Sha2Conformance} on the cpu tier. */
class Sha2CpuTest extends Sha2Conformance {
  @Override
  protected Tier tier() {
    return Tier.CPU;
  }
}
