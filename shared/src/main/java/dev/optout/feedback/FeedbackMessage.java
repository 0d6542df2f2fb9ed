package dev.optout.feedback;

/**
 * What one SQS message body turned out to be: SES feedback to act on, or a control message to
 * acknowledge (SNS subscription handshakes, SES's destination test message).
 */
public sealed interface FeedbackMessage permits SesEvent, ControlMessage {
    /** The SNS message id when the body was an SNS envelope, else {@code null} (raw delivery). */
    String snsMessageId();
}
