package dev.accel.rsa;

import dev.accel.AccelProvider;
import java.util.Map;

/** The RSA suite on the JDK software tier (no device). */
class JdkSoftwareRsaTest extends AbstractRsaTierTest {
  private static final AccelProvider PROVIDER =
      AccelProvider.withConfig(Map.of("accel.devices", "none", "accel.software", "jdk"));

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
    return "jdk";
  }
}
