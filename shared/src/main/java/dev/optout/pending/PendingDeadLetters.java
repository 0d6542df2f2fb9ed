package dev.optout.pending;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The pending-changes dead-letter queue ({@code PENDING_CHANGES_DEAD_LETTER_QUEUE_URL}, template.yaml
 * {@code PendingChangesDeadLetterQueue}), written to directly for a body that can never be applied
 * (unreadable, or naming a topic not in the catalog).
 *
 * <p>Why not leave it to the redrive policy: the queue's {@code maxReceiveCount} is 240 (12 hours
 * of retries, so that a real opt-out outlives a long table outage), and SQS offers no way to send
 * one message to the dead-letter queue sooner. A body that will fail the same way on every receive
 * would be received 240 times and delay the alarm by 12 hours. So the function copies it here with
 * why, and only then lets SQS delete it; if this send fails, the message is reported failed and
 * stays in the queue: nothing is lost.
 */
public final class PendingDeadLetters {
    /** No dead-letter queue configured: unreadable bodies are left to the redrive policy. */
    public static final PendingDeadLetters NONE = new PendingDeadLetters(null, null);

    /** Message attributes the copy carries (no address: the reasons never hold one in clear). */
    public static final String REFUSAL_ATTRIBUTE = "optout-refusal";
    public static final String SOURCE_MESSAGE_ID_ATTRIBUTE = "optout-source-message-id";

    private final SqsClient sqs;
    private final String queueUrl;

    public PendingDeadLetters(SqsClient sqs, String queueUrl) {
        if ((sqs == null) != (queueUrl == null)) {
            throw new IllegalArgumentException("a dead-letter queue needs both a client and a URL");
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    public boolean enabled() {
        return sqs != null;
    }

    /**
     * Copies the body, as received, to the dead-letter queue.
     *
     * @param sourceMessageId the message id on the pending-changes queue
     * @param refusal         why it can never be applied
     * @throws SdkException when the copy was not stored (the caller keeps the original)
     */
    public void send(String body, String sourceMessageId, String refusal) {
        Objects.requireNonNull(body);
        if (sqs == null) {
            throw new IllegalStateException("no pending-changes dead-letter queue configured");
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageAttributes(Map.of(
                REFUSAL_ATTRIBUTE, text(refusal),
                SOURCE_MESSAGE_ID_ATTRIBUTE, text(String.valueOf(sourceMessageId)))));
    }

    private static MessageAttributeValue text(String value) {
        // SQS message attributes hold at most 256 KB in all; a reason is a line.
        String v = value == null || value.isEmpty() ? "-" : value.length() > 1000 ? value.substring(0, 1000) : value;
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }
}
