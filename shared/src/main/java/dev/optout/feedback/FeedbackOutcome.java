package dev.optout.feedback;

import dev.optout.suppression.Action;
import dev.optout.suppression.ApplyResult;
import java.util.List;

/**
 * What processing one feedback event did.
 *
 * @param effects       each change attempted, per recipient (by address key, never in clear)
 * @param ignoredTopics SES topic names that match no catalog topic
 * @param note          why nothing was done, when nothing was (e.g. {@code not-spam})
 * @param sentWhileSuppressed messages sent to a blocked address ({@link SendAudit}), Send and Delivery events only
 */
public record FeedbackOutcome(List<Effect> effects, List<String> ignoredTopics, String note,
                              List<SendAudit.Finding> sentWhileSuppressed) {
    public FeedbackOutcome {
        effects = List.copyOf(effects);
        ignoredTopics = List.copyOf(ignoredTopics);
        sentWhileSuppressed = sentWhileSuppressed == null ? List.of() : List.copyOf(sentWhileSuppressed);
    }

    public FeedbackOutcome(List<Effect> effects, List<String> ignoredTopics, String note) {
        this(effects, ignoredTopics, note, List.of());
    }

    public FeedbackOutcome withSentWhileSuppressed(List<SendAudit.Finding> findings) {
        return findings.isEmpty() ? this : new FeedbackOutcome(effects, ignoredTopics, note, findings);
    }

    public static FeedbackOutcome nothing(String note) {
        return new FeedbackOutcome(List.of(), List.of(), note);
    }

    /**
     * @param addressKey the recipient's table key
     * @param action     the change
     * @param result     written, or already written before (redelivery)
     * @param mirrored   whether it was also mirrored into the SES suppression list
     */
    public record Effect(String addressKey, Action action, ApplyResult result, boolean mirrored) {
    }

    /** How many changes of this kind were written now (not duplicates). */
    public long applied(Action action) {
        return effects.stream().filter(e -> e.action() == action && e.result() == ApplyResult.APPLIED).count();
    }

    public long duplicates() {
        return effects.stream().filter(e -> e.result() == ApplyResult.DUPLICATE).count();
    }
}
