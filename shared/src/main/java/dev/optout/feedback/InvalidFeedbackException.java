package dev.optout.feedback;

/**
 * A message that cannot be acted on: not JSON, not from SES, or missing what a rule needs. The
 * message says why, never with an address in clear. The SQS message goes back to the queue and,
 * after the redrive count, to the dead-letter queue: nothing is lost.
 */
public final class InvalidFeedbackException extends RuntimeException {
    public InvalidFeedbackException(String reason) {
        super(reason, null, false, false);
    }

    public InvalidFeedbackException(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
