package dev.optout.consent;

import java.util.Objects;

/**
 * One independent mark of a person's consent state. Each slot holds the latest change made to
 * it (by the time the change was made, not the time it arrived): slots never hide one another,
 * so an operator's hold and the person's own opt-out are two slots, and lifting one leaves the
 * other standing.
 *
 * @param kind  what the slot records
 * @param topic the topic, or {@code null} for all marketing mail (and for address-wide kinds)
 */
public record Slot(Kind kind, String topic) implements Comparable<Slot> {
    public enum Kind {
        /** The person's own choice: opted out ({@link Value#STOP}) or back in ({@link Value#GO}). */
        PERSON_CHOICE(true),
        /** An operator's hold on the address (./optout suppress), apart from the person's choice. */
        OPERATOR_HOLD(true),
        /** The person's chosen frequency ({@link Value#GO} with a frequency; without one: follow the overall one). */
        FREQUENCY(true),
        /** A complaint (spam report) from the mailbox provider. */
        COMPLAINT(false),
        /** A permanent bounce: the mailbox does not exist or refuses mail. */
        HARD_BOUNCE(false),
        /** Soft bounces crossed the threshold inside the window. */
        SOFT_BOUNCE_STOP(false),
        /** The address was erased: set once, never lifted. */
        FORGOTTEN(false);

        private final boolean scoped;

        Kind(boolean scoped) {
            this.scoped = scoped;
        }

        /** Whether the slot exists per topic as well as for all mail. */
        public boolean scoped() {
            return scoped;
        }
    }

    public Slot {
        Objects.requireNonNull(kind, "kind");
        if (topic != null && !kind.scoped()) {
            throw new IllegalArgumentException(kind + " is address-wide, not per topic");
        }
    }

    public static Slot all(Kind kind) {
        return new Slot(kind, null);
    }

    public static Slot topic(Kind kind, String topic) {
        return new Slot(kind, Objects.requireNonNull(topic, "topic"));
    }

    public boolean allMail() {
        return topic == null;
    }

    @Override
    public int compareTo(Slot o) {
        int k = kind.compareTo(o.kind);
        if (k != 0) {
            return k;
        }
        if (topic == null || o.topic == null) {
            return topic == null ? (o.topic == null ? 0 : -1) : 1;
        }
        return topic.compareTo(o.topic);
    }

    @Override
    public String toString() {
        return topic == null ? kind.name() : kind.name() + "[" + topic + "]";
    }
}
