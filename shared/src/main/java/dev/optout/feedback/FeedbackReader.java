package dev.optout.feedback;

import dev.optout.json.JsonTree;
import java.util.Objects;

/**
 * Reads an SQS message body into feedback only once it is shown to come from our SES events topic
 * ({@link FeedbackAuthenticity}): an SNS envelope must pass {@link SnsEnvelopeVerifier}; a body
 * that is not an SNS envelope (raw SES JSON, or anything else) is accepted only where raw message
 * delivery is enabled. Then {@link SesFeedbackParser} reads it.
 */
public final class FeedbackReader {
    private final SnsEnvelopeVerifier verifier;

    public FeedbackReader(SnsEnvelopeVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier);
    }

    public static FeedbackReader from(FeedbackAuthenticity authenticity) {
        return new FeedbackReader(SnsEnvelopeVerifier.forTopic(authenticity));
    }

    /**
     * @throws UnauthenticFeedbackException when the body is not shown to come from the topic
     * @throws InvalidFeedbackException     when it does, but is not feedback a rule can act on
     */
    public FeedbackMessage read(String body) {
        JsonTree envelope = envelopeOrNull(body);
        if (envelope != null) {
            verifier.verify(envelope);
            return SesFeedbackParser.fromEnvelope(envelope);
        } else if (!verifier.authenticity().acceptRawDelivery()) {
            throw new UnauthenticFeedbackException("not an SNS envelope, and raw message delivery is not enabled");
        }
        return SesFeedbackParser.parse(body);
    }

    /** The body as an SNS envelope (a JSON object with a string {@code Type}), else {@code null}. */
    private static JsonTree envelopeOrNull(String body) {
        if (body == null || !body.strip().startsWith("{")) {
            return null;
        }
        try {
            JsonTree root = JsonTree.parse(body);
            return root != null && root.isObject() && root.path("Type").isTextual() ? root : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
