package dev.optout.suppression;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of an address's history: the proof of what changed, when and how.
 *
 * @param actor  who made an operator or import change, else {@code null}
 * @param reason the reason given for it, else {@code null}
 */
public record HistoryEvent(Action action, Instant at, Source source, String topic, Frequency frequency,
                           String campaignId, Instant tokenIssuedAt, Map<String, String> evidence,
                           String actor, String reason) {
    /** An event without actor or reason (people and SES). */
    public HistoryEvent(Action action, Instant at, Source source, String topic, Frequency frequency,
                        String campaignId, Instant tokenIssuedAt, Map<String, String> evidence) {
        this(action, at, source, topic, frequency, campaignId, tokenIssuedAt, evidence, null, null);
    }
}
