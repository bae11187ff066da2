package dev.accel.conformance;

/** Thrown while preparing a test group whose parameters the provider under test does not offer. */
public final class NotApplicableException extends Exception {
    public NotApplicableException(String reason) {
        super(reason, null, false, false);
    }
}
