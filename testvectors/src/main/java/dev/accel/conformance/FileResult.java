package dev.accel.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of one vector file (or one differential family) on one tier.
 * Thread-safe: runners may record vectors from several threads.
 */
public final class FileResult {

    /** One vector that behaved wrongly. */
    public record Failure(String file, String tier, String id, String comment, List<String> flags,
                          String expected, String actual) {
        @Override
        public String toString() {
            return file + " [" + tier + "] " + id
                    + (comment == null || comment.isEmpty() ? "" : " (" + comment + ")")
                    + (flags.isEmpty() ? "" : " flags=" + flags)
                    + ": expected " + expected + ", got " + actual;
        }
    }

    /** An {@code acceptable} vector: what the tier did and what the JDK did. */
    public record AcceptableChoice(String file, String id, List<String> flags, String comment,
                                   boolean tierAccepted, Boolean jdkAccepted, String tierDetail, String jdkDetail) {
        public boolean differsFromJdk() {
            return jdkAccepted != null && jdkAccepted != tierAccepted;
        }
    }

    /** Failures beyond this many are counted but not itemised (a broken tier would otherwise flood the report). */
    public static final int MAX_FAILURE_DETAILS = 200;

    private final String suite;
    private final String file;
    private final String tier;
    private int run;
    private int passed;
    private int failed;
    private int acceptableAccepted;
    private int acceptableRejected;
    private int notApplicable;
    private final Map<String, Integer> flags = new TreeMap<>();
    private final Map<String, Integer> notApplicableReasons = new TreeMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private final List<AcceptableChoice> acceptable = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long elapsedMillis;

    public FileResult(String suite, String file, String tier) {
        this.suite = suite;
        this.file = file;
        this.tier = tier;
    }

    public String suite() { return suite; }
    public String file() { return file; }
    public String tier() { return tier; }

    public synchronized void pass(List<String> vectorFlags) {
        run++;
        passed++;
        countFlags(vectorFlags);
    }

    public synchronized void fail(String id, String comment, List<String> vectorFlags, String expected, String actual) {
        run++;
        failed++;
        countFlags(vectorFlags);
        if (failures.size() < MAX_FAILURE_DETAILS) {
            failures.add(new Failure(file, tier, id, comment, List.copyOf(vectorFlags), expected, actual));
        }
    }

    public synchronized void acceptable(AcceptableChoice choice) {
        run++;
        if (choice.tierAccepted()) {
            acceptableAccepted++;
        } else {
            acceptableRejected++;
        }
        countFlags(choice.flags());
        acceptable.add(choice);
    }

    /** A vector the JCA (or Accel's registered services) cannot express; counted, never silently dropped. */
    public synchronized void notApplicable(String reason, int count) {
        notApplicable += count;
        notApplicableReasons.merge(reason, count, Integer::sum);
    }

    public synchronized void note(String note) {
        notes.add(note);
    }

    public synchronized void elapsed(long millis) {
        elapsedMillis += millis;
    }

    private void countFlags(List<String> vectorFlags) {
        for (String f : vectorFlags) {
            flags.merge(f, 1, Integer::sum);
        }
    }

    public synchronized int run() { return run; }
    public synchronized int passed() { return passed; }
    public synchronized int failed() { return failed; }
    public synchronized int acceptableAccepted() { return acceptableAccepted; }
    public synchronized int acceptableRejected() { return acceptableRejected; }
    public synchronized int notApplicableCount() { return notApplicable; }
    public synchronized long elapsedMillis() { return elapsedMillis; }
    public synchronized Map<String, Integer> flags() { return Collections.unmodifiableMap(new TreeMap<>(flags)); }
    public synchronized Map<String, Integer> notApplicableReasons() { return Map.copyOf(notApplicableReasons); }
    public synchronized List<Failure> failures() { return List.copyOf(failures); }
    public synchronized List<AcceptableChoice> acceptableChoices() { return List.copyOf(acceptable); }
    public synchronized List<String> notes() { return List.copyOf(notes); }

    public String summary() {
        return String.format("%s %s [%s]: run=%d passed=%d failed=%d acceptable(accepted=%d rejected=%d) n/a=%d",
                suite, file, tier, run(), passed(), failed(), acceptableAccepted(), acceptableRejected(), notApplicableCount());
    }
}
