package dev.accel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The runners catch a broken provider: a signature that accepts everything and a SHA-256 that is wrong must
 * produce failures (so a green run means something).
 */
class RunnerSelfTest {

    /** JDK services, except SHA256withRSA (verify always true) and SHA-256 (last byte flipped). */
    static final class BrokenProvider extends Provider {
        BrokenProvider() {
            super("Broken", "1", "deliberately broken, for runner self-tests");
        }

        @Override
        public synchronized Service getService(String type, String algorithm) {
            if (type.equals("Signature") && algorithm.equalsIgnoreCase("SHA256withRSA")) {
                return new Service(this, type, algorithm, AcceptAll.class.getName(), null, null) {
                    @Override
                    public Object newInstance(Object p) {
                        return new AcceptAll();
                    }
                };
            }
            if (type.equals("MessageDigest") && algorithm.equalsIgnoreCase("SHA-256")) {
                return new Service(this, type, algorithm, FlippedSha256.class.getName(), null, null) {
                    @Override
                    public Object newInstance(Object p) throws NoSuchAlgorithmException {
                        return new FlippedSha256();
                    }
                };
            }
            return JdkReference.get().getService(type, algorithm);
        }
    }

    public static final class AcceptAll extends SignatureSpi {
        @Override
        protected void engineInitVerify(PublicKey publicKey) {
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            throw new InvalidKeyException("verify only");
        }

        @Override
        protected void engineUpdate(byte b) {
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            throw new SignatureException("verify only");
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) {
            return true;
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            return null;
        }
    }

    public static final class FlippedSha256 extends MessageDigestSpi {
        private final MessageDigest d;

        FlippedSha256() throws NoSuchAlgorithmException {
            d = MessageDigest.getInstance("SHA-256", java.security.Security.getProvider("SUN"));
        }

        @Override
        protected void engineUpdate(byte input) {
            d.update(input);
        }

        @Override
        protected void engineUpdate(byte[] input, int offset, int len) {
            d.update(input, offset, len);
        }

        @Override
        protected byte[] engineDigest() {
            byte[] out = d.digest();
            out[out.length - 1] ^= 1;
            return out;
        }

        @Override
        protected void engineReset() {
            d.reset();
        }

        @Override
        protected int engineGetDigestLength() {
            return 32;
        }
    }

    @Test
    void wycheproofCatchesASignatureThatAcceptsEverything() throws Exception {
        Path dir = Conformance.wycheproofDir(null);
        requireDir(dir);
        WycheproofRunner.VectorFile f = WycheproofRunner.discover(dir).stream()
                .filter(x -> x.name().equals("rsa_signature_2048_sha256_test.json")).findFirst().orElseThrow();
        FileResult broken = WycheproofRunner.run(f, "broken", new BrokenProvider());
        assertTrue(broken.failed() >= 200, "expected the invalid vectors to fail: " + broken.summary());
        assertTrue(broken.failures().getFirst().expected().startsWith("invalid"), broken.failures().getFirst().toString());
        FileResult jdk = WycheproofRunner.run(f, "jdk-reference", JdkReference.get());
        assertEquals(0, jdk.failed(), () -> Conformance.listing(jdk));
        assertEquals(1, jdk.acceptableAccepted() + jdk.acceptableRejected(), "one acceptable vector in this file");
    }

    @Test
    void cavpCatchesAWrongDigest() throws Exception {
        Path dir = Conformance.cavpDir(null);
        requireDir(dir);
        List<CavpRunner.CavpFile> files = CavpRunner.discover(dir).stream()
                .filter(x -> x.path().getFileName().toString().startsWith("SHA256")).toList();
        assertEquals(3, files.size(), "SHA256 ShortMsg, LongMsg, Monte");
        for (CavpRunner.CavpFile f : files) {
            FileResult broken = CavpRunner.run(f, "broken", new BrokenProvider());
            assertEquals(broken.run(), broken.failed(), broken.summary());
            assertTrue(broken.run() >= 64, broken.summary());
            FileResult jdk = CavpRunner.run(f, "jdk-reference", JdkReference.get());
            assertEquals(0, jdk.failed(), () -> Conformance.listing(jdk));
            assertEquals(broken.run(), jdk.passed());
        }
    }

    @Test
    void differentialCatchesAWrongDigest() {
        DifferentialRunner.Settings s = new DifferentialRunner.Settings(42, 300, 0, List.of(2048), -1);
        FileResult broken = DifferentialRunner.run(DifferentialRunner.Family.SHA2, "broken", new BrokenProvider(), s);
        assertTrue(broken.failed() > 20 && broken.failed() < 150, "about a sixth of cases are SHA-256: " + broken.summary());
        assertTrue(broken.failures().stream().allMatch(x -> x.comment().startsWith("SHA-256 ")), () -> Conformance.listing(broken));
        // Reproducibility: the same seed gives the same failing cases.
        FileResult again = DifferentialRunner.run(DifferentialRunner.Family.SHA2, "broken", new BrokenProvider(), s);
        assertEquals(broken.failed(), again.failed());
    }

    static void requireDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            String msg = "vector directory " + dir + " missing";
            if (Conformance.ci()) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg);
        }
    }
}
