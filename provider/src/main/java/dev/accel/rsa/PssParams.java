package dev.accel.rsa;

import dev.accel.core.DigestAlgorithm;
import java.io.IOException;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * DER of RSASSA-PSS-params (RFC 8017 appendix A.2.3, RFC 4055 section 3.1):
 *
 * <pre>
 * RSASSA-PSS-params ::= SEQUENCE {
 *   hashAlgorithm      [0] HashAlgorithm      DEFAULT sha1,
 *   maskGenAlgorithm   [1] MaskGenAlgorithm   DEFAULT mgf1SHA1,
 *   saltLength         [2] INTEGER            DEFAULT 20,
 *   trailerField       [3] TrailerField       DEFAULT trailerFieldBC }
 * </pre>
 *
 * DER omits fields equal to their DEFAULT; hash AlgorithmIdentifiers carry NULL parameters (RFC
 * 4055 section 2.1 allows either; SunRsaSign writes NULL, so Accel's encoding is byte-identical).
 */
public final class PssParams {
  static final String MGF1_OID = "1.2.840.113549.1.1.8";

  private PssParams() {}

  /** The hash named by a PSS/MGF1 spec, or {@code null} when Accel does not compute it. */
  public static DigestAlgorithm digestOf(String name) {
    if ("SHA".equalsIgnoreCase(name)) {
      return DigestAlgorithm.SHA1; // the JDK's alias for SHA-1
    }
    return DigestAlgorithm.lookup(name);
  }

  /** Encodes {@code spec}; IOException when it names something that cannot be encoded. */
  public static byte[] encode(PSSParameterSpec spec) throws IOException {
    AlgorithmParameterSpec mgfSpec = spec.getMGFParameters();
    if (!(mgfSpec instanceof MGF1ParameterSpec mgf1)) {
      throw new IOException("Cannot encode " + mgfSpec);
    }
    DigestAlgorithm md = digestOf(spec.getDigestAlgorithm());
    if (md == null) {
      throw new IOException("AlgorithmId " + spec.getDigestAlgorithm() + " impl not found");
    }
    DigestAlgorithm mgfMd = digestOf(mgf1.getDigestAlgorithm());
    if (mgfMd == null) {
      throw new IOException("AlgorithmId " + mgf1.getDigestAlgorithm() + " impl not found");
    }
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    if (md != DigestAlgorithm.SHA1) {
      body.writeBytes(Der.explicit(0, hashAlgId(md)));
    }
    if (mgfMd != DigestAlgorithm.SHA1) {
      body.writeBytes(Der.explicit(1, Der.sequence(Der.oid(MGF1_OID), hashAlgId(mgfMd))));
    }
    if (spec.getSaltLength() != 20) {
      body.writeBytes(Der.explicit(2, Der.integer(spec.getSaltLength())));
    }
    if (spec.getTrailerField() != PSSParameterSpec.TRAILER_FIELD_BC) {
      body.writeBytes(Der.explicit(3, Der.integer(spec.getTrailerField())));
    }
    return Der.sequence(body.toByteArray());
  }

  private static byte[] hashAlgId(DigestAlgorithm d) {
    return Der.sequence(Der.oid(d.oid()), Der.nullValue());
  }

  /** Decodes RSASSA-PSS-params; IOException on malformed input or unsupported values. */
  public static PSSParameterSpec decode(byte[] encoded) throws IOException {
    if (encoded == null) {
      throw new IOException("Encoded parameters must not be null");
    }
    DigestAlgorithm md = DigestAlgorithm.SHA1;
    DigestAlgorithm mgfMd = DigestAlgorithm.SHA1;
    int saltLen = 20;
    int trailer = PSSParameterSpec.TRAILER_FIELD_BC;
    Der.Reader top = new Der.Reader(encoded);
    Der.Value seq = top.next(Der.SEQUENCE);
    top.expectEnd();
    Der.Reader r = seq.contents();
    int lastTag = -1;
    while (r.hasMore()) {
      Der.Value field = r.next();
      int tag = field.tag();
      if ((tag & 0xe0) != 0xa0 || (tag & 0x1f) > 3 || (tag & 0x1f) <= lastTag) {
        throw new IOException("Invalid encoded PSSParameters");
      }
      lastTag = tag & 0x1f;
      Der.Reader inner = field.contents();
      Der.Value v = inner.next();
      inner.expectEnd();
      switch (lastTag) {
        case 0 -> md = parseHashAlgId(v);
        case 1 -> {
          if (v.tag() != Der.SEQUENCE) {
            throw new IOException("Invalid MaskGenAlgorithm");
          }
          Der.Reader mgf = v.contents();
          String oid = mgf.next(Der.OID).oidValue();
          if (!MGF1_OID.equals(oid)) {
            throw new IOException("Only MGF1 mgf is supported");
          }
          if (!mgf.hasMore()) {
            throw new IOException("Missing MGF1 parameters");
          }
          mgfMd = parseHashAlgId(mgf.next());
          mgf.expectEnd();
        }
        case 2 -> {
          java.math.BigInteger s = v.integerValue();
          if (s.signum() < 0) {
            throw new IOException("Negative value for saltLength");
          }
          if (s.bitLength() > 31) {
            throw new IOException("saltLength too large");
          }
          saltLen = s.intValue();
        }
        default -> {
          java.math.BigInteger t = v.integerValue();
          if (!t.equals(java.math.BigInteger.ONE)) {
            throw new IOException("Unsupported trailerField value " + t);
          }
        }
      }
    }
    return new PSSParameterSpec(md.jcaName(), "MGF1", mgf1Spec(mgfMd), saltLen, trailer);
  }

  private static DigestAlgorithm parseHashAlgId(Der.Value v) throws IOException {
    if (v.tag() != Der.SEQUENCE) {
      throw new IOException("Invalid AlgorithmIdentifier");
    }
    Der.Reader r = v.contents();
    String oid = r.next(Der.OID).oidValue();
    if (r.hasMore()) {
      Der.Value p = r.next(Der.NULL);
      if (p.length() != 0) {
        throw new IOException("Invalid NULL parameters");
      }
    }
    r.expectEnd();
    for (DigestAlgorithm d : DigestAlgorithm.values()) {
      if (d.oid().equals(oid)) {
        return d;
      }
    }
    throw new IOException("Unrecognized message digest algorithm " + oid);
  }

  /** The JDK's MGF1ParameterSpec constant for {@code d}. */
  public static MGF1ParameterSpec mgf1Spec(DigestAlgorithm d) {
    return switch (d) {
      case SHA1 -> MGF1ParameterSpec.SHA1;
      case SHA224 -> MGF1ParameterSpec.SHA224;
      case SHA256 -> MGF1ParameterSpec.SHA256;
      case SHA384 -> MGF1ParameterSpec.SHA384;
      case SHA512 -> MGF1ParameterSpec.SHA512;
      case SHA512_224 -> MGF1ParameterSpec.SHA512_224;
      case SHA512_256 -> MGF1ParameterSpec.SHA512_256;
    };
  }
}
