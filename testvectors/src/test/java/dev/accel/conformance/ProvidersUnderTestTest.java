package dev.accel.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Signature;

import javax.crypto.Cipher;

import dev.accel.AccelProvider;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The tiers really run Accel (stand-ins only when asked for), and each offers the contract's services. */
class ProvidersUnderTestTest {

    @Test
    void tiersAreAccelUnlessStandInsWereRequested() {
        if (TierProviders.standIns()) {
            System.err.println("\n*** STAND-IN PROVIDERS IN USE (" + TierProviders.standInReason() + ") ***\n");
            assertFalse(Conformance.ci(), "CI must test Accel, not stand-ins");
            return;
        }
        for (String tier : Conformance.tiers(null)) {
            assertInstanceOf(AccelProvider.class, Conformance.provider(tier), "tier " + tier);
            assertNotNull(TierProviders.stats(Conformance.provider(tier)), "route counters of tier " + tier);
        }
    }

    @Test
    void everyTierOffersTheServicesTheRunnersNeed() {
        Assumptions.assumeFalse(TierProviders.standIns(), "stand-in providers: Accel's service table is not under test");
        for (String tier : Conformance.tiers(null)) {
            Provider p = Conformance.provider(tier);
            assertEquals("Accel", p.getName(), "tier " + tier);
            // getInstance, not getService: Cipher transformations may be served by an "RSA" service with
            // SupportedPaddings attributes.
            assertDoesNotThrow(() -> Cipher.getInstance("AES/GCM/NoPadding", p), tier);
            assertDoesNotThrow(() -> Cipher.getInstance("RSA/ECB/OAEPPadding", p), tier);
            assertDoesNotThrow(() -> Cipher.getInstance("RSA/ECB/PKCS1Padding", p), tier);
            for (String md : DifferentialRunner.SHA2) {
                assertDoesNotThrow(() -> MessageDigest.getInstance(md, p), tier + " " + md);
            }
            for (String sig : Algs.REQUIRED_PKCS1_SIGNATURES) {
                assertDoesNotThrow(() -> Signature.getInstance(sig, p), tier + " " + sig);
            }
            assertDoesNotThrow(() -> Signature.getInstance("RSASSA-PSS", p), tier);
            assertDoesNotThrow(() -> KeyFactory.getInstance("RSA", p), tier);
            assertDoesNotThrow(() -> KeyFactory.getInstance("RSASSA-PSS", p), tier);
        }
    }
}
