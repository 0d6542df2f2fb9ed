package dev.optout.pending;

import dev.optout.suppression.StoreUnavailableException;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The queue of pending changes ({@code PENDING_CHANGES_QUEUE_URL}, template.yaml
 * {@code PendingChangesQueue}): where an opt-out goes when the table cannot take it, so that it
 * is never lost. SQS {@code SendMessage} returns only once the message is stored redundantly.
 */
public final class PendingChanges {
    /** No queue configured: every opt-out the table cannot take is a 503, as before. */
    public static final PendingChanges NONE = new PendingChanges(null, null);

    private final SqsClient sqs;
    private final String queueUrl;

    public PendingChanges(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        if ((sqs == null) != (queueUrl == null)) {
            throw new IllegalArgumentException("a queue needs both a client and a URL");
        }
    }

    public boolean enabled() {
        return sqs != null;
    }

    /**
     * Stores the change durably, or fails.
     *
     * @throws StoreUnavailableException when there is no queue or it did not take the message:
     *                                   then the change is nowhere and the person must be told so
     */
    public void enqueue(PendingChange change) {
        Objects.requireNonNull(change);
        if (sqs == null) {
            throw new StoreUnavailableException("no pending-changes queue configured");
        }
        try {
            sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(change.toJson()));
        } catch (SdkException e) {
            throw new StoreUnavailableException("pending-changes queue unavailable: " + e.getMessage(), e);
        }
    }
}
