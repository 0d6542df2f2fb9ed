package dev.optout.inbound;

/** The status of one of Amazon SES's receipt checks (spam, virus, SPF, DKIM, DMARC). */
public enum Verdict {
    PASS, FAIL, GRAY, PROCESSING_FAILED, DISABLED,
    /** Absent from the event, or a value SES does not document: never counts as a pass. */
    UNKNOWN;

    static Verdict of(String status) {
        if (status == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(status.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }
}
