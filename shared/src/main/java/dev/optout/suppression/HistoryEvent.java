package dev.optout.suppression;

import java.time.Instant;
import java.util.Map;

/** One entry of an address's history: the proof of what changed, when and how. */
public record HistoryEvent(Action action, Instant at, Source source, String topic, Frequency frequency,
                           String campaignId, Instant tokenIssuedAt, Map<String, String> evidence) {
}
