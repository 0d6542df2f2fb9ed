package dev.optout.feedback;

/**
 * A recipient of a bounce, complaint or delivery that could not be read as an address (a quoted
 * local part, say). It is skipped while the other recipients are applied; it is logged and counted
 * by its position and the reason, never by the address.
 *
 * @param field  where it was, e.g. {@code bouncedRecipients}
 * @param index  its position in that list
 * @param reason why it is not an address (names the fault, not the address)
 */
public record RejectedRecipient(String field, int index, String reason) {
}
