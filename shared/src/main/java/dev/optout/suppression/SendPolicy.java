package dev.optout.suppression;

import dev.optout.topic.Topic;

/**
 * May this address be mailed about this topic? The precedence, strongest first:
 * <ol>
 *   <li>hard bounce, then soft-bounce suppression ({@code BOUNCED}): the address does not take mail;</li>
 *   <li>complaint ({@code COMPLAINED});</li>
 *   <li>global opt-out ({@code UNSUBSCRIBED_ALL}): the person's own, then an operator's hold; it beats every topic choice;</li>
 *   <li>topic opt-out ({@code UNSUBSCRIBED_TOPIC}), which beats the topic default;</li>
 *   <li>explicit topic opt-in;</li>
 *   <li>the topic default: subscribed, or {@code NOT_OPTED_IN} for opt-in topics;</li>
 *   <li>a topic that needs confirmed consent: {@code NOT_CONFIRMED} unless the opt-in's mark comes
 *       from a confirmed opt-in ({@link Source#CONFIRMED_OPT_IN}).</li>
 * </ol>
 */
public final class SendPolicy {
    private SendPolicy() {
    }

    /**
     * The address-wide marks that stop all marketing mail whatever the topic, strongest first: the
     * head of the precedence above. The preference center's mail status is the first one set.
     */
    public enum Stop {
        HARD_BOUNCE(BlockReason.BOUNCED),
        SOFT_BOUNCE(BlockReason.BOUNCED),
        COMPLAINT(BlockReason.COMPLAINED),
        UNSUBSCRIBED_ALL(BlockReason.UNSUBSCRIBED_ALL),
        /** An operator's hold ({@code ./optout suppress}): the check answers it as an opt-out of all mail. */
        OPERATOR_HOLD(BlockReason.UNSUBSCRIBED_ALL);

        private static final Stop[] STRONGEST_FIRST = values();

        private final BlockReason reason;

        Stop(BlockReason reason) {
            this.reason = reason;
        }

        /** What the check answers for it. */
        public BlockReason reason() {
            return reason;
        }

        /** This stop's mark in {@code state}, or {@code null}. */
        public Mark markIn(AddressState state) {
            return switch (this) {
                case HARD_BOUNCE -> state.hardBounce();
                case SOFT_BOUNCE -> state.softBounce();
                case COMPLAINT -> state.complaint();
                case UNSUBSCRIBED_ALL -> state.unsubscribedAll();
                case OPERATOR_HOLD -> state.operatorHold();
            };
        }

        /** A bounce: the address does not take mail, so transactional mail stops too. */
        public boolean undeliverable() {
            return reason == BlockReason.BOUNCED;
        }
    }

    /**
     * What {@link #decide} reads of an address's state: the check's batch read projects exactly
     * these ({@code BatchStateReader#projectionNames}), so a rule that reads more must say so here.
     */
    public enum Reads {
        HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT, UNSUBSCRIBED_ALL, OPERATOR_HOLD, FREQUENCY, TOPIC_OPT_OUT, TOPIC_OPT_IN, TOPIC_FREQUENCY
    }

    /** The strongest address-wide stop set in {@code state}, or {@code null} while marketing mail may flow. */
    public static Stop stop(AddressState state) {
        for (Stop s : Stop.STRONGEST_FIRST) {
            if (s.markIn(state) != null) {
                return s;
            }
        }
        return null;
    }

    public static Decision decide(AddressState state, Topic topic) {
        Stop stop = stop(state);
        if (stop != null) {
            return Decision.block(stop.reason(), stop.markIn(state).at());
        }
        Mark optOut = state.topicOptOuts().get(topic.id());
        if (optOut != null) {
            return Decision.block(BlockReason.UNSUBSCRIBED_TOPIC, optOut.at());
        }
        Mark optIn = state.topicOptIns().get(topic.id());
        if (!topic.defaultSubscribed() && optIn == null) {
            return Decision.block(BlockReason.NOT_OPTED_IN, null);
        }
        if (topic.needsConfirmation() && (optIn == null || optIn.source() != Source.CONFIRMED_OPT_IN)) {
            return Decision.block(BlockReason.NOT_CONFIRMED, null);
        }
        return Decision.allow(state.frequencyFor(topic.id()));
    }

    /**
     * Transactional mail: blocked only by what makes mail undeliverable or harmful to the sender's
     * reputation, i.e. a hard bounce or a soft-bounce suppression ({@code BOUNCED}). Opt-outs, topic
     * choices and complaints do not block it (the caller reports a complaint).
     */
    public static Decision decideTransactional(AddressState state) {
        Stop stop = stop(state);
        if (stop != null && stop.undeliverable()) {
            return Decision.block(stop.reason(), stop.markIn(state).at());
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
