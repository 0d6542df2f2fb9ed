package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.snapstart.RenewableRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one retry of DynamoDB's unprocessed keys and items. */
class UnprocessedRetryTest {
    private final UnprocessedRetry retry = new UnprocessedRetry(1, 4, 5, new RenewableRandom());

    @Test
    void whatStaysUnprocessedIsSentAgainUntilNothingIsLeft() {
        List<List<String>> sent = new ArrayList<>();
        retry.drain(List.of("a", "b", "c"), pending -> {
            sent.add(pending);
            return pending.size() > 1 ? pending.subList(1, pending.size()) : List.of();
        }, wait -> true, "keys");

        assertThat(sent).containsExactly(List.of("a", "b", "c"), List.of("b", "c"), List.of("c"));
    }

    @Test
    void afterItsLastAttemptItFailsNamingWhatIsLeft() {
        List<Integer> attempts = new ArrayList<>();
        assertThatThrownBy(() -> retry.drain(List.of("a", "b"), pending -> {
            attempts.add(attempts.size() + 1);
            return pending;
        }, wait -> true, "keys"))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("2 keys still unprocessed").hasMessageContaining("5 attempts");
        assertThat(attempts).hasSize(5);
    }

    @Test
    void itDoesNotWaitPastTheDeadline() {
        List<Integer> attempts = new ArrayList<>();
        assertThatThrownBy(() -> retry.drain(List.of("a"), pending -> {
            attempts.add(1);
            return pending;
        }, wait -> false, "keys")).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("after 1 attempt");
        assertThat(attempts).hasSize(1);
    }

    @Test
    void eachWaitIsWithinItsCappedExponentialBound() {
        UnprocessedRetry r = new UnprocessedRetry(10, 80, 10, new RenewableRandom());
        for (int i = 0; i < 200; i++) {
            assertThat(r.delay(1)).isBetween(0L, 10L);
            assertThat(r.delay(3)).isBetween(0L, 40L);
            assertThat(r.delay(9)).isBetween(0L, 80L);
        }
    }
}
