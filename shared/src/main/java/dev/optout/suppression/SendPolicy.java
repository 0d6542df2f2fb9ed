package dev.optout.suppression;

import dev.optout.topic.Topic;
import java.time.Instant;

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
        HARD_BOUNCE, SOFT_BOUNCE, COMPLAINT, UNSUBSCRIBED_ALL, OPERATOR_HOLD, FREQUENCY, TOPIC_OPT_OUT, TOPIC_OPT_IN, TOPIC_FREQUENCY,
        /** The soft bounces counted: a soft bounce after a soft-bounce stop renews it ({@link ExpiryPolicy}). */
        SOFT_BOUNCE_TIMES,
        /** The latest hard bounce while one stands: a hard bounce again renews it ({@link ExpiryPolicy}). */
        HARD_BOUNCE_LAST
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

    /**
     * The strongest address-wide stop that still stands at {@code now} under {@code policy}, or
     * {@code null}: a stop expired by policy lets mail go without a write.
     */
    public static Stop stop(AddressState state, ExpiryPolicy policy, Instant now) {
        for (Stop s : Stop.STRONGEST_FIRST) {
            if (policy.stands(s, state, now)) {
                return s;
            }
        }
        return null;
    }

    /** {@link #decide(AddressState, Topic, ExpiryPolicy, Instant)} with nothing expiring. */
    public static Decision decide(AddressState state, Topic topic) {
        return decide(state, topic, ExpiryPolicy.NEVER, Instant.MIN);
    }

    /**
     * The decision at {@code now}: stops expired under {@code policy} no longer count, and a block
     * by a stop that will expire says {@code until} when.
     */
    public static Decision decide(AddressState state, Topic topic, ExpiryPolicy policy, Instant now) {
        Stop stop = stop(state, policy, now);
        if (stop != null) {
            return Decision.block(stop.reason(), stop.markIn(state).at(), policy.until(stop, state));
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
        return decideTransactional(state, ExpiryPolicy.NEVER, Instant.MIN);
    }

    /** Transactional mail at {@code now}: a bounce expired under {@code policy} no longer blocks it. */
    public static Decision decideTransactional(AddressState state, ExpiryPolicy policy, Instant now) {
        for (Stop s : Stop.STRONGEST_FIRST) {
            if (s.undeliverable() && policy.stands(s, state, now)) {
                return Decision.block(s.reason(), s.markIn(state).at(), policy.until(s, state));
            }
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
