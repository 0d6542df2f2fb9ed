package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadlineTest {
    private static final Instant START = Instant.parse("2026-11-01T10:00:00Z");

    @Test
    void theTimeLeftShrinksAsTheClockMovesAndNeverGoesBelowZero() {
        MovableClock clock = new MovableClock(START);
        Deadline deadline = Deadline.after(Duration.ofSeconds(3), clock);
        assertThat(deadline.remaining()).isEqualTo(Duration.ofSeconds(3));
        clock.advance(Duration.ofMillis(2_500));
        assertThat(deadline.remaining()).isEqualTo(Duration.ofMillis(500));
        clock.advance(Duration.ofSeconds(1));
        assertThat(deadline.remaining()).isEqualTo(Duration.ZERO);
    }

    @Test
    void moreWorkIsAllowedOnlyWhileStrictlyMoreThanItsTimeIsLeft() {
        MovableClock clock = new MovableClock(START);
        Deadline deadline = Deadline.after(Duration.ofSeconds(1), clock);
        assertThat(deadline.allows(Duration.ofMillis(999))).isTrue();
        assertThat(deadline.allows(Duration.ofSeconds(1))).as("exactly the time left: no margin to answer").isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(deadline.allows(Duration.ZERO)).as("past the deadline").isFalse();
    }
}
