package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    /** A clock the test moves forward, as an invocation's time passes. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-11-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theTimeLeftShrinksAsTheClockMovesAndNeverGoesBelowZero() {
        MovingClock clock = new MovingClock();
        Deadline deadline = Deadline.after(Duration.ofSeconds(3), clock);
        assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofMillis(2_500));
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(500));
        clock.advance(Duration.ofSeconds(1));
        assertThat(deadline.remaining()).isEqualTo(Duration.ZERO);
    }

    @Test
    void moreWorkIsAllowedOnlyWhileStrictlyMoreThanItsTimeIsLeft() {
        MovingClock clock = new MovingClock();
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), clock);
        assertThat(deadline.allows(Duration.ofMillis(999))).isTrue();
        assertThat(deadline.allows(Duration.ofSeconds(1))).as("exactly the time left: no margin to answer").isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(deadline.allows(Duration.ZERO)).as("past the deadline").isFalse();
    }
}
