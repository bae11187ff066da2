package dev.accel.conformance;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/** Algorithm-name mapping and the rules for what is applicable to Accel. */
final class Algs {

    static final HexFormat HEX = HexFormat.of();

    /** The hashes Accel registers (JCA-CONTRACT.md): these must always work. */
    static final Set<String> SHA2 = Set.of("SHA-224", "SHA-256", "SHA-384", "SHA-512", "SHA-512/224", "SHA-512/256");

    /** PKCS#1 v1.5 signature names JCA-CONTRACT.md requires Accel to register; others may fall through to the JDK. */
    static final Set<String> REQUIRED_PKCS1_SIGNATURES = Set.of("SHA224withRSA", "SHA256withRSA", "SHA384withRSA", "SHA512withRSA");

    private Algs() {
    }

    static byte[] hex(String s) {
        return s == null ? new byte[0] : HEX.parseHex(s.strip());
    }

    /** Normalises Wycheproof / CAVP hash names ("SHA-256", "SHA256", "SHA512_224") to JCA names. */
    static String jcaHash(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("SHA3-") || n.startsWith("SHA3_") || n.startsWith("SHAKE")) {
            return n.replace('_', '-');
        }
        n = n.replace('_', '/');
        if (n.startsWith("SHA") && !n.startsWith("SHA-")) {
            n = "SHA-" + n.substring(3);
        }
        return n.equals("SHA-1") ? "SHA-1" : n;
    }

    /** JCA PKCS#1 v1.5 signature name for a JCA hash name: SHA-512/224 → SHA512/224withRSA. */
    static String pkcs1SignatureName(String jcaHash) {
        return jcaHash.startsWith("SHA3-") ? jcaHash + "withRSA" : jcaHash.replace("-", "") + "withRSA";
    }

    /**
     * A hash Accel does not register at all (SHA-3, SHAKE, anything non-SHA): files using it are reported as not
     * applicable. SHA-1 is handled separately (some Accel services accept it, e.g. OAEP's default MGF1).
     */
    static String unsupportedHashReason(String jcaHash) {
        if (SHA2.contains(jcaHash) || jcaHash.equals("SHA-1")) {
            return null;
        }
        return "Accel registers no " + jcaHash + " (SHA-3/SHAKE hashes are outside Accel's SHA-2 family)";
    }

    /** Null when the provider must (or does) offer this PKCS#1 v1.5 signature, else the not-applicable reason. */
    static String unregisteredSignatureReason(Provider p, String name) {
        if (REQUIRED_PKCS1_SIGNATURES.contains(name) || p.getService("Signature", name) != null) {
            return null;
        }
        return "provider does not register Signature." + name + " (not required by JCA-CONTRACT.md; JCA falls through to the JDK)";
    }

    /**
     * The exception's JCA-level class name: the nearest class in a {@code java.}/{@code javax.} package, so that a
     * provider's own subclass (e.g. Bouncy Castle's BadBlockException) compares equal to the JDK's BadPaddingException.
     */
    static String jcaExceptionName(Throwable t) {
        Class<?> c = t.getClass();
        while (c != null && !(c.getName().startsWith("java.") || c.getName().startsWith("javax."))) {
            c = c.getSuperclass();
        }
        return c == null ? t.getClass().getSimpleName() : c.getSimpleName();
    }

    static PublicKey publicKey(Provider p, String keyFactoryAlg, byte[] x509) throws Exception {
        return KeyFactory.getInstance(keyFactoryAlg, p).generatePublic(new X509EncodedKeySpec(x509));
    }

    static PrivateKey privateKey(Provider p, String keyFactoryAlg, byte[] pkcs8) throws Exception {
        return KeyFactory.getInstance(keyFactoryAlg, p).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }
}
