package dev.accel.spi;

import dev.accel.rsa.PssParams;
import java.io.IOException;
import java.security.AlgorithmParametersSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * AlgorithmParameters "RSASSA-PSS": {@link PSSParameterSpec} and the DER of RSASSA-PSS-params
 * (RFC 8017 appendix A.2.3), byte-identical to SunRsaSign's {@code PSSParameters}.
 */
public final class RsaPssParameters extends AlgorithmParametersSpi {
  private PSSParameterSpec spec; // null until initialised

  public RsaPssParameters() {}

  @Override
  protected void engineInit(AlgorithmParameterSpec paramSpec) throws InvalidParameterSpecException {
    if (!(paramSpec instanceof PSSParameterSpec p)) {
      throw new InvalidParameterSpecException("Inappropriate parameter specification");
    }
    if (!p.getMGFAlgorithm().equalsIgnoreCase("MGF1")) {
      throw new InvalidParameterSpecException("Unsupported mgf " + p.getMGFAlgorithm() + "; MGF1 only");
    }
    if (!(p.getMGFParameters() instanceof MGF1ParameterSpec)) {
      throw new InvalidParameterSpecException("Inappropriate mgf parameters; non-null MGF1ParameterSpec only");
    }
    this.spec = p;
  }

  @Override
  protected void engineInit(byte[] params) throws IOException {
    this.spec = PssParams.decode(params);
  }

  @Override
  protected void engineInit(byte[] params, String format) throws IOException {
    if (format != null && !format.equalsIgnoreCase("ASN.1")) {
      throw new IllegalArgumentException("Only support ASN.1 format");
    }
    engineInit(params);
  }

  @Override
  protected <T extends AlgorithmParameterSpec> T engineGetParameterSpec(Class<T> paramSpec)
      throws InvalidParameterSpecException {
    if (paramSpec.isAssignableFrom(PSSParameterSpec.class)) {
      return paramSpec.cast(spec);
    }
    throw new InvalidParameterSpecException("Inappropriate parameter specification");
  }

  @Override
  protected byte[] engineGetEncoded() throws IOException {
    return PssParams.encode(spec);
  }

  @Override
  protected byte[] engineGetEncoded(String format) throws IOException {
    if (format != null && !format.equalsIgnoreCase("ASN.1")) {
      throw new IllegalArgumentException("Only support ASN.1 format");
    }
    return engineGetEncoded();
  }

  @Override
  protected String engineToString() {
    return spec.toString();
  }
}
