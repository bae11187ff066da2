package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link Sha2Conformance} on the uadk tier (the UADK test double; surefire execution uadk-double). */
class Sha2UadkTest extends Sha2Conformance {
  @Override
  protected Tier tier() {
    return Tier.UADK;
  }
}
