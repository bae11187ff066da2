package dev.accel.rsa;

import dev.accel.AccelProvider;
import java.util.Map;

/** The RSA suite on the Bouncy Castle software tier (no device). */
class BcSoftwareRsaTest extends AbstractRsaTierTest {
  private static final AccelProvider PROVIDER =
      AccelProvider.withConfig(Map.of("accel.devices", "none", "accel.software", "bc"));

  @Override
  protected AccelProvider provider() {
    return PROVIDER;
  }

  @Override
  protected boolean deviceTier() {
    return false;
  }

  @Override
  protected String softwareLabel() {
    return "bc";
  }
}
