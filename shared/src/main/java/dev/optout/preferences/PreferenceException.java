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
        /**
         * The person complained (marked mail as spam): a link alone never lifts that, since anyone
         * holding a forwarded mail holds its link; an operator lifts it with recorded consent.
         */
        COMPLAINT_LOCKED,
        /**
         * The save was drawn from an older version of the state (the page was opened, then a
         * one-click or another tab changed it): nothing was saved; the current state is shown.
         */
        STALE,
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

    /**
     * The consent rules' lock against a person's request to get mail again
     * ({@link dev.optout.consent.ConsentRules#lockAgainst}), for the pages and the API: the one
     * place that words it. {@code null} when the request may go ahead.
     */
    public static PreferenceException lockedOrNull(dev.optout.suppression.AddressState state, dev.optout.suppression.Change change) {
        dev.optout.consent.ConsentRules.Lock lock = dev.optout.consent.ConsentRules.lockAgainst(
                dev.optout.consent.LegacyMarks.read(state), change);
        if (lock == null) {
            return null;
        }
        return switch (lock) {
            case COMPLAINT_LOCKED -> new PreferenceException(Code.COMPLAINT_LOCKED, "this address reported our mail as spam; "
                    + "a link cannot turn mail back on. Nothing was changed. To receive mail again, POST to confirmByMail "
                    + "for a confirmation mail to the address: confirming it turns mail back on");
            case BOUNCE_LOCKED -> new PreferenceException(Code.HARD_BOUNCE_LOCKED,
                    "mail to this address bounced; only the sender's support team can turn mail back on");
        };
    }

    /** Whether the request met a lock of the consent rules (answered 409, the page says why). */
    public boolean locked() {
        return code == Code.HARD_BOUNCE_LOCKED || code == Code.COMPLAINT_LOCKED;
    }
}
