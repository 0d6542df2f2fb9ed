package dev.optout.preferences;

/** A preference request that cannot be honoured; {@link #code()} is stable for machines. */
public final class PreferenceException extends RuntimeException {
    public enum Code {
        /** A topic that is not in the catalog. */
        UNKNOWN_TOPIC,
        /** A frequency that is not offered. */
        UNKNOWN_FREQUENCY,
        /** The address hard-bounced: only an operator can lift that, not the page. */
        HARD_BOUNCE_LOCKED,
        /** The request body is not what the API takes. */
        MALFORMED
    }

    private final Code code;

    public PreferenceException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
