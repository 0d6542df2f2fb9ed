package dev.optout.preferences;

import dev.optout.suppression.AddressState;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.topic.Topic;
import java.util.List;

/**
 * What the preference center shows for one address: overall status, each topic of the catalog
 * with the person's choice, and the recent history as the person's own proof.
 */
public record Preferences(String maskedAddress, MailStatus status, List<TopicChoice> topics, Frequency frequency,
                          List<HistoryEvent> history, AddressState state) {

    /**
     * @param chosen    whether the person wants this topic (ignoring a global stop)
     * @param frequency the person's frequency for it (the topic's own, else overall)
     * @param explicitFrequency whether the frequency was chosen for this topic specifically
     * @param needsConfirming   chosen, but the topic needs confirmed consent and the person's opt-in
     *                          was not confirmed by mail: the check answers {@code NOT_CONFIRMED}
     */
    public record TopicChoice(Topic topic, boolean chosen, Frequency frequency, boolean explicitFrequency, boolean needsConfirming) {
        public TopicChoice(Topic topic, boolean chosen, Frequency frequency, boolean explicitFrequency) {
            this(topic, chosen, frequency, explicitFrequency, false);
        }
    }
}
