package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link Sha2Conformance} on the jdk tier. */
class Sha2JdkTest extends Sha2Conformance {
  @Override
  protected Tier tier() {
    return Tier.JDK;
  }
}
