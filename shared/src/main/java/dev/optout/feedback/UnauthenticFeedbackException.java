package dev.optout.feedback;

/**
 * A message on the feedback queue that cannot be shown to come from our SES events topic: an SNS
 * envelope from another topic, with a missing or wrong signature, or a certificate URL that is
 * not SNS's; or a raw SES body where raw delivery is not enabled. Nothing in it is applied. The
 * message says why, never with an address in clear.
 */
public final class UnauthenticFeedbackException extends RuntimeException {
    public UnauthenticFeedbackException(String reason) {
        super(reason, null, false, false);
    }

    public UnauthenticFeedbackException(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
