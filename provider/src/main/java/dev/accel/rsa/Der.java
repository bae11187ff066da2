package dev.accel.rsa;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;

/**
 * The few DER (ITU-T X.690) constructs RSA needs: DigestInfo, RSASSA-PSS-params, RSAPublicKey,
 * RSAPrivateKey, SubjectPublicKeyInfo and PrivateKeyInfo. Definite lengths only; the reader
 * rejects anything that is not minimal DER where it matters for equality of encodings.
 */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int NULL = 0x05;
  static final int OID = 0x06;

  private Der() {}

  /** Tag, length, value. */
  static byte[] tlv(int tag, byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 6);
    out.write(tag);
    writeLength(out, len);
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] sequence(byte[]... parts) {
    return tlv(SEQUENCE, parts);
  }

  /** Context-specific constructed tag [n] EXPLICIT. */
  static byte[] explicit(int n, byte[] inner) {
    return tlv(0xA0 | n, inner);
  }

  static byte[] integer(BigInteger v) {
    return tlv(INTEGER, v.toByteArray());
  }

  static byte[] integer(long v) {
    return integer(BigInteger.valueOf(v));
  }

  static byte[] nullValue() {
    return new byte[] {NULL, 0};
  }

  /** OBJECT IDENTIFIER from dotted form (X.690 section 8.19). */
  static byte[] oid(String dotted) {
    String[] arcs = dotted.split("\\.");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeBase128(body, new BigInteger(arcs[0]).multiply(BigInteger.valueOf(40)).add(new BigInteger(arcs[1])));
    for (int i = 2; i < arcs.length; i++) {
      writeBase128(body, new BigInteger(arcs[i]));
    }
    return tlv(OID, body.toByteArray());
  }

  private static void writeBase128(ByteArrayOutputStream out, BigInteger v) {
    int groups = Math.max(1, (v.bitLength() + 6) / 7);
    for (int g = groups - 1; g >= 0; g--) {
      int b = v.shiftRight(7 * g).intValue() & 0x7f;
      out.write(g == 0 ? b : (b | 0x80));
    }
  }

  private static void writeLength(ByteArrayOutputStream out, int len) {
    if (len < 0x80) {
      out.write(len);
    } else if (len < 0x100) {
      out.write(0x81);
      out.write(len);
    } else if (len < 0x10000) {
      out.write(0x82);
      out.write(len >> 8);
      out.write(len);
    } else {
      out.write(0x83);
      out.write(len >> 16);
      out.write(len >> 8);
      out.write(len);
    }
  }

  /** A parsed element: its tag and the bounds of its contents inside {@code buf}. */
  record Value(int tag, byte[] buf, int start, int end) {
    int length() {
      return end - start;
    }

    Reader contents() {
      return new Reader(buf, start, end);
    }

    byte[] contentBytes() {
      return java.util.Arrays.copyOfRange(buf, start, end);
    }

    BigInteger integerValue() throws IOException {
      if (tag != INTEGER || length() == 0) {
        throw new IOException("DER: INTEGER expected");
      }
      return new BigInteger(buf, start, length());
    }

    String oidValue() throws IOException {
      if (tag != OID || length() == 0) {
        throw new IOException("DER: OBJECT IDENTIFIER expected");
      }
      StringBuilder sb = new StringBuilder();
      BigInteger acc = BigInteger.ZERO;
      boolean first = true;
      for (int i = start; i < end; i++) {
        int b = buf[i] & 0xff;
        acc = acc.shiftLeft(7).or(BigInteger.valueOf(b & 0x7f));
        if ((b & 0x80) == 0) {
          if (first) {
            int a = acc.compareTo(BigInteger.valueOf(80)) >= 0 ? 2 : acc.intValue() / 40;
            sb.append(a).append('.').append(acc.subtract(BigInteger.valueOf(40L * a)));
            first = false;
          } else {
            sb.append('.').append(acc);
          }
          acc = BigInteger.ZERO;
        } else if (i == end - 1) {
          throw new IOException("DER: truncated OBJECT IDENTIFIER");
        }
      }
      return sb.toString();
    }
  }

  /** Sequential reader over the contents of a constructed value. */
  static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf) {
      this(buf, 0, buf.length);
    }

    Reader(byte[] buf, int start, int end) {
      this.buf = buf;
      this.pos = start;
      this.end = end;
    }

    boolean hasMore() {
      return pos < end;
    }

    int peekTag() throws IOException {
      if (pos >= end) {
        throw new IOException("DER: unexpected end of data");
      }
      return buf[pos] & 0xff;
    }

    Value next() throws IOException {
      int tag = peekTag();
      if ((tag & 0x1f) == 0x1f) {
        throw new IOException("DER: high tag numbers not supported");
      }
      int p = pos + 1;
      if (p >= end) {
        throw new IOException("DER: truncated length");
      }
      int first = buf[p++] & 0xff;
      int len;
      if (first < 0x80) {
        len = first;
      } else {
        int n = first & 0x7f;
        if (n == 0 || n > 3 || p + n > end) {
          throw new IOException("DER: unsupported length encoding");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (buf[p++] & 0xff);
        }
        if (len < 0x80) {
          throw new IOException("DER: non-minimal length");
        }
      }
      if (len > end - p) {
        throw new IOException("DER: length exceeds data");
      }
      pos = p + len;
      return new Value(tag, buf, p, p + len);
    }

    Value next(int expectedTag) throws IOException {
      Value v = next();
      if (v.tag() != expectedTag) {
        throw new IOException(
            "DER: tag 0x" + Integer.toHexString(expectedTag) + " expected, got 0x" + Integer.toHexString(v.tag()));
      }
      return v;
    }

    void expectEnd() throws IOException {
      if (pos != end) {
        throw new IOException("DER: extra data");
      }
    }
  }
}
