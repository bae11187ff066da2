package dev.accel.spi;

import dev.accel.testing.Tier;

/** {@link Sha2Conformance} on the emu tier. */
class Sha2EmuTest extends Sha2Conformance {
  @Override
  protected Tier tier() {
    return Tier.EMU;
  }
}
