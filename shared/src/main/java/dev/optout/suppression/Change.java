package dev.optout.suppression;

import java.util.Objects;

/**
 * One change to one address, with its provenance. Build with the factories.
 *
 * @param detail         a short qualifier kept with the flag: bounce subtype, complaint feedback type
 * @param idempotencyKey when set, the change is applied at most once for this key (SES feedback
 *                       is delivered at least once); a repeat is reported as a duplicate
 */
public record Change(Action action, String topic, Frequency frequency, String detail, Provenance provenance,
                     String idempotencyKey) {
    public Change {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(provenance, "provenance");
    }

    public static Change of(Action action, Provenance provenance) {
        return new Change(action, null, null, null, provenance, null);
    }

    public static Change unsubscribeAll(Provenance p) {
        return of(Action.UNSUBSCRIBE_ALL, p);
    }

    public static Change resubscribeAll(Provenance p) {
        return of(Action.RESUBSCRIBE_ALL, p);
    }

    public static Change unsubscribeTopic(String topic, Provenance p) {
        return new Change(Action.UNSUBSCRIBE_TOPIC, Objects.requireNonNull(topic), null, null, p, null);
    }

    public static Change subscribeTopic(String topic, Provenance p) {
        return new Change(Action.SUBSCRIBE_TOPIC, Objects.requireNonNull(topic), null, null, p, null);
    }

    /** Frequency for a topic, or overall when {@code topic} is null. */
    public static Change frequency(String topic, Frequency frequency, Provenance p) {
        return new Change(Action.SET_FREQUENCY, topic, Objects.requireNonNull(frequency), null, p, null);
    }

    /** A change to a flag with a qualifier, e.g. a hard bounce with its subtype. */
    public static Change withDetail(Action action, String detail, Provenance p) {
        return new Change(action, null, null, detail, p, null);
    }

    /** Drops a topic's own frequency, so it follows the overall one again. */
    public static Change clearFrequency(String topic, Provenance p) {
        return new Change(Action.SET_FREQUENCY, Objects.requireNonNull(topic), null, null, p, null);
    }

    public Change once(String key) {
        return new Change(action, topic, frequency, detail, provenance, key);
    }
}
