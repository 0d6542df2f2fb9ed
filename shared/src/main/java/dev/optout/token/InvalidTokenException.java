package dev.optout.token;

/** A link token that cannot be honoured; {@link #reason()} says why, for the page and the log. */
public final class InvalidTokenException extends Exception {
    /** Why a token was refused. */
    public enum Reason {
        /** Not a token of ours at all: bad characters, truncated, unknown format version. */
        MALFORMED,
        /** Names a key we do not hold (retired, or never ours). */
        UNKNOWN_KEY,
        /** Fails authentication: altered or forged. */
        TAMPERED,
        /** Authentic, but older than the configured link lifetime. */
        EXPIRED
    }

    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
