package dev.accel.spi;

import dev.accel.AccelProvider;
import dev.accel.core.DigestAlgorithm;
import dev.accel.engine.IncrementalDigest;
import dev.accel.engine.Op;
import dev.accel.router.Router;
import java.security.DigestException;
import java.security.MessageDigestSpi;
import java.security.ProviderException;
import java.util.Arrays;

/**
 * SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/224 and SHA-512/256 (FIPS 180-4) with the observable
 * behaviour of the SUN provider's {@code DigestBase}: {@code Cloneable} mid-stream, {@code reset},
 * and {@link DigestException} on short output buffers with SUN's checks and messages.
 *
 * <p>Routing: while the message may still go to a device in one shot (its length is within the
 * buffer limit the router gives, which is 0 when no device could take this hash), updates are
 * buffered in Java, so many tiny updates cost no native call; {@code digest()} then hands the
 * whole message to the router, which picks device or software by size. Past the limit the
 * buffered prefix is fed to a streaming software digest and the rest streams straight into it.
 */
public class Sha2Digest extends MessageDigestSpi implements Cloneable {
  private static final int INITIAL_BUFFER_BYTES = 256;

  private final Router router;
  private final DigestAlgorithm alg;
  private final int bufferLimitBytes; // 0: stream into software from the first byte

  private byte[] buf; // message so far while buffering (wiped on digest/reset); null if streaming
  private int bufLen;
  private IncrementalDigest stream; // non-null once streaming
  private Router.Stream route; // the engine stream runs on, for counting
  private boolean bufferExceeded; // streaming because the message outgrew the buffer limit
  private long totalBytes;

  protected Sha2Digest(AccelProvider provider, DigestAlgorithm alg) {
    this.router = provider.router();
    this.alg = alg;
    this.bufferLimitBytes = router.digestBufferLimit(alg);
    resetState();
  }

  public static final class Sha224 extends Sha2Digest {
    public Sha224(AccelProvider p) {
      super(p, DigestAlgorithm.SHA224);
    }
  }

  public static final class Sha256 extends Sha2Digest {
    public Sha256(AccelProvider p) {
      super(p, DigestAlgorithm.SHA256);
    }
  }

  public static final class Sha384 extends Sha2Digest {
    public Sha384(AccelProvider p) {
      super(p, DigestAlgorithm.SHA384);
    }
  }

  public static final class Sha512 extends Sha2Digest {
    public Sha512(AccelProvider p) {
      super(p, DigestAlgorithm.SHA512);
    }
  }

  public static final class Sha512_224 extends Sha2Digest {
    public Sha512_224(AccelProvider p) {
      super(p, DigestAlgorithm.SHA512_224);
    }
  }

  public static final class Sha512_256 extends Sha2Digest {
    public Sha512_256(AccelProvider p) {
      super(p, DigestAlgorithm.SHA512_256);
    }
  }

  private void resetState() {
    resetState(false);
  }

  /** @param streamReset the stream already reset itself (a finished digest does: SUN and BC both) */
  private void resetState(boolean streamReset) {
    if (buf != null) {
      Arrays.fill(buf, 0, bufLen, (byte) 0); // digests hash secrets too (HMAC keys, PRF input)
    }
    bufLen = 0;
    totalBytes = 0;
    bufferExceeded = false;
    if (bufferLimitBytes > 0) {
      if (buf == null) {
        buf = new byte[Math.min(INITIAL_BUFFER_BYTES, bufferLimitBytes)];
      }
      stream = null;
    } else {
      buf = null;
      if (stream == null) {
        openStream();
      } else if (!streamReset) {
        stream.reset();
      }
    }
  }

  @Override
  protected int engineGetDigestLength() {
    return alg.digestLenBytes();
  }

  @Override
  protected void engineUpdate(byte input) {
    totalBytes++;
    if (stream != null) {
      stream.update(input);
      return;
    }
    if (bufLen == bufferLimitBytes) {
      switchToStreaming();
      stream.update(input);
      return;
    }
    ensureCapacity(1);
    buf[bufLen++] = input;
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    if (len == 0) {
      return;
    }
    if ((offset | len) < 0 || len > input.length - offset) {
      throw new ArrayIndexOutOfBoundsException(
          "Range [" + offset + ", " + offset + " + " + len + ") out of bounds for length " + input.length);
    }
    totalBytes += len;
    if (stream == null && (long) bufLen + len > bufferLimitBytes) {
      switchToStreaming();
    }
    if (stream != null) {
      stream.update(input, offset, len);
      return;
    }
    ensureCapacity(len);
    System.arraycopy(input, offset, buf, bufLen, len);
    bufLen += len;
  }

  private void ensureCapacity(int extra) {
    int needed = bufLen + extra;
    if (needed > buf.length) {
      int newLen = (int) Math.min(bufferLimitBytes, Math.max(needed, (long) buf.length * 2));
      byte[] bigger = Arrays.copyOf(buf, newLen);
      Arrays.fill(buf, (byte) 0);
      buf = bigger;
    }
  }

  /** The message outgrew the device buffer: continue in a streaming software digest. */
  private void openStream() {
    route = router.openStream(alg);
    stream = route.digest();
  }

  private void switchToStreaming() {
    openStream();
    stream.update(buf, 0, bufLen);
    Arrays.fill(buf, 0, bufLen, (byte) 0);
    bufLen = 0;
    bufferExceeded = true;
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[alg.digestLenBytes()];
    try {
      engineDigest(out, 0, out.length);
    } catch (DigestException e) {
      throw new ProviderException("Internal error", e);
    }
    return out;
  }

  @Override
  protected int engineDigest(byte[] out, int offset, int len) throws DigestException {
    int digestLen = alg.digestLenBytes();
    if (len < digestLen) {
      throw new DigestException(
          "Length must be at least " + digestLen + " for " + alg.jcaName() + "digests");
    }
    if (offset < 0 || len < 0 || offset > out.length - len) {
      throw new DigestException("Buffer too short to store digest");
    }
    boolean streamReset = false;
    try {
      if (stream != null) {
        stream.digest(out, offset);
        streamReset = true; // a finished digest resets itself
        router.countStreamed(alg, route, totalBytes, bufferExceeded);
      } else {
        router.run(new Op.Digest(alg, buf, 0, bufLen, out, offset));
      }
    } catch (javax.crypto.AEADBadTagException notReachable) {
      throw new ProviderException(notReachable); // a digest has no tag
    } finally {
      resetState(streamReset);
    }
    return digestLen;
  }

  @Override
  protected void engineReset() {
    resetState();
  }

  @Override
  public Object clone() throws CloneNotSupportedException {
    Sha2Digest copy = (Sha2Digest) super.clone();
    copy.buf = buf == null ? null : buf.clone();
    copy.stream = stream == null ? null : stream.copy();
    return copy;
  }
}
