package dev.accel.rsa;

import dev.accel.core.RsaKeyMaterial;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;

/**
 * A private RSA key that only Accel can use: it exposes the modulus (for key-size decisions) but no
 * private component, no encoding ({@code getEncoded() == null}, {@code getFormat() == null}) and
 * is not an {@link java.security.interfaces.RSAPrivateKey}, so every other provider's RSA services
 * reject it and JCA's delayed provider selection routes {@code Signature}/{@code Cipher} to Accel
 * regardless of provider order (Accel's RSA services name this class in {@code
 * SupportedKeyClasses}).
 *
 * <p>Created by {@link AccelKeys#deviceResident}. Not serializable.
 */
public final class AccelRsaPrivateKeyHandle implements PrivateKey, RSAKey {
  private static final long serialVersionUID = 1L;

  private final transient RsaKeyMaterial material;

  AccelRsaPrivateKeyHandle(RsaKeyMaterial material) {
    if (!material.isPrivate()) {
      throw new IllegalArgumentException("private key material required");
    }
    this.material = material;
  }

  /** For Accel's SPI classes (via {@link RsaKeys}); not part of the public API. */
  RsaKeyMaterial material() {
    return material;
  }

  @Override
  public String getAlgorithm() {
    return "RSA";
  }

  /** Always {@code null}: the key never leaves Accel. */
  @Override
  public String getFormat() {
    return null;
  }

  /** Always {@code null}: the key never leaves Accel. */
  @Override
  public byte[] getEncoded() {
    return null;
  }

  @Override
  public BigInteger getModulus() {
    return material.modulus();
  }

  /** No RSASSA-PSS restriction: usable with every RSA signature and cipher of Accel. */
  @Override
  public java.security.spec.AlgorithmParameterSpec getParams() {
    return null;
  }

  @Override
  public String toString() {
    return "Accel RSA private key handle, " + material.modulusBits() + " bits";
  }

  private void writeObject(ObjectOutputStream out) throws NotSerializableException {
    throw new NotSerializableException("Accel device-resident keys cannot be serialized");
  }
}
