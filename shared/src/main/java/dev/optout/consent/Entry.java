package dev.optout.consent;

import dev.optout.suppression.Frequency;
import dev.optout.suppression.Mark;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * What one slot holds: the latest change made to it.
 *
 * @param value     stop or go
 * @param frequency for a {@link Slot.Kind#FREQUENCY} slot, the chosen frequency ({@code null}: follow the overall one)
 * @param mark      the latest change of this slot: when it was made, where from, campaign, detail
 * @param since     when the standing value began (the first of a run of equal values, as far as
 *                  the changes that arrived show); never after {@code mark.at()}
 */
public record Entry(Value value, Frequency frequency, Mark mark, Instant since) {
    public Entry {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(mark, "mark");
        Objects.requireNonNull(since, "since");
    }

    /** Same value and frequency: the slot says the same thing. */
    public boolean saysSameAs(Value otherValue, Frequency otherFrequency) {
        return value == otherValue && frequency == otherFrequency;
    }

    /**
     * Which of two changes to one slot wins: the one made later. At the same instant a stop beats
     * a go (fail closed), then a fixed order over the rest, so the winner never depends on which
     * arrived first.
     */
    static final Comparator<Entry> PRECEDENCE = Comparator.<Entry, Instant>comparing(e -> e.mark().at())
            .thenComparing(e -> e.value() == Value.STOP)
            .thenComparing(e -> e.frequency() == null ? "" : e.frequency().name())
            .thenComparing(e -> e.mark().source().ordinal())
            .thenComparing(e -> Objects.toString(e.mark().campaignId(), ""))
            .thenComparing(e -> Objects.toString(e.mark().detail(), ""));
}
