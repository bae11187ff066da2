package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link Sha2Conformance} on the bc tier. */
class Sha2BcTest extends Sha2Conformance {
  @Override
  protected Tier tier() {
    return Tier.BC;
  }
}
