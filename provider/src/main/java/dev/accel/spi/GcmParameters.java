package dev.accel.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.AlgorithmParametersSpi;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.util.HexFormat;
import javax.crypto.spec.GCMParameterSpec;

/**
 * {@code AlgorithmParameters} "GCM": the ASN.1 {@code GCMParameters} of RFC 5084 section 3.2,
 * encoded and parsed like SunJCE's {@code sun.security.util.GCMParameters}:
 *
 * <pre>
 * GCMParameters ::= SEQUENCE {
 *   aes-nonce        OCTET STRING,   -- recommended size is 12 octets
 *   aes-ICVlen       AES-GCM-ICVlen DEFAULT 12 }
 * AES-GCM-ICVlen ::= INTEGER (12 | 13 | 14 | 15 | 16)
 * </pre>
 *
 * The ICV (tag) length is written only when it is not the default 12 (DER omits defaults).
 */
public final class GcmParameters extends AlgorithmParametersSpi {
  private static final int TAG_SEQUENCE = 0x30;
  private static final int TAG_OCTET_STRING = 0x04;
  private static final int TAG_INTEGER = 0x02;
  private static final int DEFAULT_TAG_LEN_BYTES = 12; // RFC 5084 section 3.2

  private byte[] iv;
  private int tagLenBytes;

  public GcmParameters() {}

  @Override
  protected void engineInit(AlgorithmParameterSpec paramSpec) throws InvalidParameterSpecException {
    if (!(paramSpec instanceof GCMParameterSpec gps)) {
      throw new InvalidParameterSpecException("Inappropriate parameter specification");
    }
    int len = gps.getTLen() / 8;
    if (len < 12 || len > 16) {
      throw new InvalidParameterSpecException(
          "GCM parameter parsing error: unsupported tag len: " + len);
    }
    this.tagLenBytes = len;
    this.iv = gps.getIV();
  }

  @Override
  protected void engineInit(byte[] encoded) throws IOException {
    Der der = new Der(encoded, 0, encoded.length);
    if (der.remaining() == 0 || der.peekTag() != TAG_SEQUENCE) {
      throw new IOException("GCM parameter parsing error: no SEQ tag");
    }
    Der seq = der.read(TAG_SEQUENCE);
    if (der.remaining() != 0) {
      throw new IOException("GCM parameter parsing error: extra data");
    }
    byte[] nonce = seq.read(TAG_OCTET_STRING).content();
    int len = DEFAULT_TAG_LEN_BYTES;
    if (seq.remaining() != 0) {
      byte[] integer = seq.read(TAG_INTEGER).content();
      if (integer.length == 0 || integer.length > 4) {
        throw new IOException("GCM parameter parsing error: unsupported tag len");
      }
      len = new java.math.BigInteger(integer).intValue();
      if (len < 12 || len > 16) {
        throw new IOException("GCM parameter parsing error: unsupported tag len: " + len);
      }
      if (seq.remaining() != 0) {
        throw new IOException("GCM parameter parsing error: extra data");
      }
    }
    this.iv = nonce;
    this.tagLenBytes = len;
  }

  @Override
  protected void engineInit(byte[] encoded, String format) throws IOException {
    engineInit(encoded);
  }

  @Override
  protected <T extends AlgorithmParameterSpec> T engineGetParameterSpec(Class<T> paramSpec)
      throws InvalidParameterSpecException {
    if (paramSpec.isAssignableFrom(GCMParameterSpec.class)) {
      return paramSpec.cast(new GCMParameterSpec(tagLenBytes * 8, iv));
    }
    throw new InvalidParameterSpecException("Inappropriate parameter specification");
  }

  @Override
  protected byte[] engineGetEncoded() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeTlv(body, TAG_OCTET_STRING, iv);
    if (tagLenBytes != DEFAULT_TAG_LEN_BYTES) {
      writeTlv(body, TAG_INTEGER, new byte[] {(byte) tagLenBytes}); // 12..16: one positive byte
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeTlv(out, TAG_SEQUENCE, body.toByteArray());
    return out.toByteArray();
  }

  @Override
  protected byte[] engineGetEncoded(String format) {
    return engineGetEncoded();
  }

  @Override
  protected String engineToString() {
    String sep = System.lineSeparator();
    return sep + "    iv:" + sep + "[" + HexFormat.of().formatHex(iv) + "]" + sep + "tLen(bits):"
        + sep + tagLenBytes * 8 + sep;
  }

  /** DER definite-length TLV (X.690 section 8.1.3). */
  private static void writeTlv(ByteArrayOutputStream out, int tag, byte[] content) {
    out.write(tag);
    int len = content.length;
    if (len < 0x80) {
      out.write(len);
    } else {
      int bytes = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(content);
  }

  /** A minimal DER reader over a byte range. */
  private static final class Der {
    private final byte[] data;
    private int pos;
    private final int end;

    Der(byte[] data, int off, int len) {
      this.data = data;
      this.pos = off;
      this.end = off + len;
    }

    int remaining() {
      return end - pos;
    }

    int peekTag() {
      return data[pos] & 0xFF;
    }

    byte[] content() {
      return java.util.Arrays.copyOfRange(data, pos, end);
    }

    Der read(int expectedTag) throws IOException {
      if (remaining() < 2) {
        throw new IOException("GCM parameter parsing error: truncated encoding");
      }
      int tag = data[pos++] & 0xFF;
      if (tag != expectedTag) {
        throw new IOException("GCM parameter parsing error: unexpected tag " + tag);
      }
      int len = data[pos++] & 0xFF;
      if (len >= 0x80) {
        int n = len & 0x7F;
        if (n == 0 || n > 4 || remaining() < n) {
          throw new IOException("GCM parameter parsing error: bad length");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (data[pos++] & 0xFF);
        }
        if (len < 0x80) {
          throw new IOException("GCM parameter parsing error: non-minimal length");
        }
      }
      if (len < 0 || len > remaining()) {
        throw new IOException("GCM parameter parsing error: truncated encoding");
      }
      Der inner = new Der(data, pos, len);
      pos += len;
      return inner;
    }
  }
}
