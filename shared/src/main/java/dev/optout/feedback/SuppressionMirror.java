package dev.optout.feedback;

import dev.optout.address.EmailAddress;

/**
 * Copies a suppression somewhere else after the table has it, e.g. into the SES account-level
 * suppression list so that a send that skipped the pre-send check is still stopped by SES. Must
 * be idempotent: it is called again when a message is redelivered.
 */
@FunctionalInterface
public interface SuppressionMirror {
    /** Mirrors nothing (mirroring switched off). */
    SuppressionMirror NONE = (address, reason) -> { };

    /** The reasons the SES suppression list knows. */
    enum Reason { BOUNCE, COMPLAINT }

    /** Throws {@link MirrorUnavailableException} when the copy could not be made (retry later). */
    void mirror(EmailAddress address, Reason reason);
}
