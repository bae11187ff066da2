package dev.accel.conformance;

import java.security.GeneralSecurityException;
import java.util.concurrent.Callable;

/** Shared helpers for turning provider behaviour into {@link Verdict}s. */
final class Vectors {

    private Vectors() {
    }

    /**
     * Whether an exception is a clean rejection (what the JCA contract allows a provider to throw for bad input).
     * Anything else (NullPointerException, ArrayIndexOutOfBoundsException, ProviderException, ...) is a bug even
     * when the vector is invalid.
     */
    static boolean cleanRejection(Throwable t) {
        return t instanceof GeneralSecurityException
                || t instanceof IllegalArgumentException
                || t instanceof IllegalStateException;
    }

    /** Runs an operation; clean exceptions become REJECT, others WRONG. */
    static Verdict guard(Callable<Verdict> op) {
        try {
            return op.call();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) {
                throw e;
            }
            if (cleanRejection(t)) {
                return Verdict.reject(t);
            }
            return Verdict.wrong("unexpected exception " + Verdict.describe(t));
        }
    }
}
