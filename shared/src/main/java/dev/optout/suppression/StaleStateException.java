package dev.optout.suppression;

/**
 * A save planned from a state that has changed since (another tab, a one-click, SES feedback):
 * nothing was written. The caller shows the current state and lets the person choose again.
 */
public final class StaleStateException extends RuntimeException {
    private final long expected;
    private final long current;

    public StaleStateException(long expected, long current) {
        super("the state changed since version " + expected + " (now " + current + "): nothing was saved", null, false, false);
        this.expected = expected;
        this.current = current;
    }

    public long expected() {
        return expected;
    }

    public long current() {
        return current;
    }
}
