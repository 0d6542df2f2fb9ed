package dev.optout.inbound;

/** An event that is not an Amazon SES receipt event for a Lambda action; the message says what is missing. */
public final class InvalidReceiptException extends RuntimeException {
    public InvalidReceiptException(String message) {
        super(message);
    }
}
