package dev.optout.suppression;

/** What {@link SuppressionStore#apply} did. */
public enum ApplyResult {
    /** The change was written, with its history event. */
    APPLIED,
    /** The idempotency key was seen before: nothing was written again. */
    DUPLICATE
}
