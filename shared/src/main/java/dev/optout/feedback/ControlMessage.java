package dev.optout.feedback;

/**
 * A message that is not feedback but is expected on the queue: acknowledged and logged, never an
 * error.
 *
 * @param kind         what it is
 * @param topicArn     the SNS topic it came through, when known
 * @param snsMessageId the SNS message id, when it came in an envelope
 */
public record ControlMessage(Kind kind, String topicArn, String snsMessageId) implements FeedbackMessage {
    public enum Kind {
        /** SNS asks to confirm a subscription (an operator confirms it; we never follow the URL). */
        SUBSCRIPTION_CONFIRMATION,
        /** SNS reports that a subscription was removed. */
        UNSUBSCRIBE_CONFIRMATION,
        /** SES's plain-text message sent when an SNS event destination is created. */
        SES_DESTINATION_TEST,
        /** SES's {@code AmazonSnsSubscriptionSucceeded} notification for identity feedback topics. */
        SES_SUBSCRIPTION_SUCCEEDED
    }
}
