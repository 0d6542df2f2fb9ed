package dev.optout.suppression;

import dev.optout.topic.Topic;

/**
 * May this address be mailed about this topic? The precedence, strongest first:
 * <ol>
 *   <li>hard bounce, then soft-bounce suppression ({@code BOUNCED}): the address does not take mail;</li>
 *   <li>complaint ({@code COMPLAINED});</li>
 *   <li>global opt-out ({@code UNSUBSCRIBED_ALL}), which beats every topic choice;</li>
 *   <li>topic opt-out ({@code UNSUBSCRIBED_TOPIC}), which beats the topic default;</li>
 *   <li>explicit topic opt-in;</li>
 *   <li>the topic default: subscribed, or {@code NOT_OPTED_IN} for opt-in topics.</li>
 * </ol>
 */
public final class SendPolicy {
    private SendPolicy() {
    }

    public static Decision decide(AddressState state, Topic topic) {
        if (state.hardBounce() != null) {
            return Decision.block(BlockReason.BOUNCED, state.hardBounce().at());
        }
        if (state.softBounce() != null) {
            return Decision.block(BlockReason.BOUNCED, state.softBounce().at());
        }
        if (state.complaint() != null) {
            return Decision.block(BlockReason.COMPLAINED, state.complaint().at());
        }
        if (state.unsubscribedAll() != null) {
            return Decision.block(BlockReason.UNSUBSCRIBED_ALL, state.unsubscribedAll().at());
        }
        Mark optOut = state.topicOptOuts().get(topic.id());
        if (optOut != null) {
            return Decision.block(BlockReason.UNSUBSCRIBED_TOPIC, optOut.at());
        }
        if (!topic.defaultSubscribed() && !state.topicOptIns().containsKey(topic.id())) {
            return Decision.block(BlockReason.NOT_OPTED_IN, null);
        }
        return Decision.allow(state.frequencyFor(topic.id()));
    }

    /**
     * Transactional mail: blocked only by what makes mail undeliverable or harmful to the sender's
     * reputation, i.e. a hard bounce or a soft-bounce suppression ({@code BOUNCED}). Opt-outs, topic
     * choices and complaints do not block it (the caller reports a complaint).
     */
    public static Decision decideTransactional(AddressState state) {
        if (state.hardBounce() != null) {
            return Decision.block(BlockReason.BOUNCED, state.hardBounce().at());
        }
        if (state.softBounce() != null) {
            return Decision.block(BlockReason.BOUNCED, state.softBounce().at());
        }
        return Decision.allow(null);
    }

    /** Whether the topic is on for this person, ignoring global suppression (for the preference center). */
    public static boolean topicChosen(AddressState state, Topic topic) {
        if (state.topicOptOuts().containsKey(topic.id())) {
            return false;
        }
        return topic.defaultSubscribed() || state.topicOptIns().containsKey(topic.id());
    }
}
