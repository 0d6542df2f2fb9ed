package dev.optout.suppression;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The time an invocation has left for its work, with a margin kept back to answer. */
public final class Deadline {
    private final Clock clock;
    private final Instant end;

    private Deadline(Clock clock, Instant end) {
        this.clock = clock;
        this.end = end;
    }

    public static Deadline after(Duration budget, Clock clock) {
        return new Deadline(clock, clock.instant().plus(budget));
    }

    public Duration remaining() {
        Duration d = Duration.between(clock.instant(), end);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public boolean allows(Duration more) {
        return remaining().compareTo(more) > 0;
    }
}
