package dev.accel.conformance;

/**
 * What a provider did with one vector, before it is judged against the vector's expected result.
 *
 * <ul>
 *   <li>{@code ACCEPT}: the operation succeeded and every output matched the vector.</li>
 *   <li>{@code REJECT}: the operation refused (exception, or {@code verify} returned false).</li>
 *   <li>{@code WRONG}: the operation succeeded but produced output that does not match — never correct.</li>
 * </ul>
 */
public record Verdict(Kind kind, String detail) {

    public enum Kind { ACCEPT, REJECT, WRONG }

    public static Verdict accept() {
        return new Verdict(Kind.ACCEPT, "accepted");
    }

    public static Verdict accept(String detail) {
        return new Verdict(Kind.ACCEPT, detail);
    }

    public static Verdict reject(String detail) {
        return new Verdict(Kind.REJECT, detail);
    }

    public static Verdict reject(Throwable t) {
        return new Verdict(Kind.REJECT, describe(t));
    }

    public static Verdict wrong(String detail) {
        return new Verdict(Kind.WRONG, detail);
    }

    public static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 160 ? m.substring(0, 160) + "..." : m));
    }

    @Override
    public String toString() {
        return kind + " (" + detail + ")";
    }
}
