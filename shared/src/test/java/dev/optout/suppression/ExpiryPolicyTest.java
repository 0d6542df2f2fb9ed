package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.topic.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stops that expire by policy: the decision reads the expiry, no write needed. */
class ExpiryPolicyTest {
    private static final Topic NEWSLETTER = new Topic("newsletter", true, Map.of("en", "Newsletter"), Map.of());
    private static final Instant STOPPED = Instant.parse("2026-11-01T08:00:00Z");
    private static final Instant DAY_7 = STOPPED.plus(Duration.ofDays(7));

    private static Mark mark(Instant at, Source source) {
        return new Mark(at, source, null, null);
    }

    private static AddressState state(Mark unsub, Mark hard, Mark soft, Mark complaint, List<Instant> softBounces) {
        return new AddressState("k", null, unsub, hard, soft, complaint, Map.of(), Map.of(), Map.of(), null, softBounces, STOPPED);
    }

    @Test
    void aSoftBounceStopExpiresAfterItsDaysAndSaysUntilWhen() {
        AddressState s = state(null, null, mark(STOPPED, Source.SES_BOUNCE), null, List.of(STOPPED));
        Decision during = SendPolicy.decide(s, NEWSLETTER, ExpiryPolicy.DEFAULT, DAY_7.minusSeconds(1));
        assertThat(during).isEqualTo(Decision.block(BlockReason.BOUNCED, STOPPED, DAY_7));
        assertThat(SendPolicy.decide(s, NEWSLETTER, ExpiryPolicy.DEFAULT, DAY_7).allowed()).isTrue();
        assertThat(SendPolicy.decideTransactional(s, ExpiryPolicy.DEFAULT, DAY_7.minusSeconds(1)).until()).isEqualTo(DAY_7);
        assertThat(SendPolicy.decideTransactional(s, ExpiryPolicy.DEFAULT, DAY_7).allowed()).isTrue();
    }

    @Test
    void aSoftBounceAfterTheStopRenewsItFromThatBounce() {
        Instant again = DAY_7.plus(Duration.ofDays(1));
        AddressState s = state(null, null, mark(STOPPED, Source.SES_BOUNCE), null, List.of(STOPPED, again));
        Decision d = SendPolicy.decide(s, NEWSLETTER, ExpiryPolicy.DEFAULT, again.plusSeconds(60));
        assertThat(d.allowed()).isFalse();
        assertThat(d.until()).isEqualTo(again.plus(Duration.ofDays(7)));
    }

    @Test
    void aHardBounceNeverExpiresByDefaultAndAfterItsDaysWhenConfigured() {
        AddressState s = state(null, mark(STOPPED, Source.SES_BOUNCE), null, null, List.of());
        Instant years = STOPPED.plus(Duration.ofDays(3650));
        Decision never = SendPolicy.decide(s, NEWSLETTER, ExpiryPolicy.DEFAULT, years);
        assertThat(never).isEqualTo(Decision.block(BlockReason.BOUNCED, STOPPED, null));
        ExpiryPolicy retest = ExpiryPolicy.ofDays(7, 90);
        assertThat(SendPolicy.decide(s, NEWSLETTER, retest, STOPPED.plus(Duration.ofDays(89))).until())
                .isEqualTo(STOPPED.plus(Duration.ofDays(90)));
        assertThat(SendPolicy.decide(s, NEWSLETTER, retest, STOPPED.plus(Duration.ofDays(90))).allowed()).isTrue();
    }

    @Test
    void aHardBounceAgainRenewsItFromTheLatestBounceWhileSinceStays() {
        Instant retested = STOPPED.plus(Duration.ofDays(31));
        AddressState s = new AddressState("k", null, null, mark(STOPPED, Source.SES_BOUNCE), null, null, Map.of(), Map.of(), Map.of(),
                null, List.of(), retested, null, null, 2, retested);
        ExpiryPolicy thirty = ExpiryPolicy.ofDays(7, 30);
        assertThat(SendPolicy.decide(s, NEWSLETTER, thirty, retested))
                .isEqualTo(Decision.block(BlockReason.BOUNCED, STOPPED, retested.plus(Duration.ofDays(30))));
        assertThat(SendPolicy.decide(s, NEWSLETTER, thirty, retested.plus(Duration.ofDays(30))).allowed()).isTrue();
    }

    @Test
    void complaintsAndOptOutsNeverExpireWhateverThePolicy() {
        ExpiryPolicy shortest = ExpiryPolicy.ofDays(1, 1);
        Instant later = STOPPED.plus(Duration.ofDays(3650));
        AddressState complained = state(null, null, null, mark(STOPPED, Source.SES_COMPLAINT), List.of());
        assertThat(SendPolicy.decide(complained, NEWSLETTER, shortest, later)).isEqualTo(Decision.block(BlockReason.COMPLAINED, STOPPED, null));
        AddressState optedOut = state(mark(STOPPED, Source.ONE_CLICK), null, null, null, List.of());
        assertThat(SendPolicy.decide(optedOut, NEWSLETTER, shortest, later)).isEqualTo(Decision.block(BlockReason.UNSUBSCRIBED_ALL, STOPPED, null));
    }

    @Test
    void anExpiredBounceUncoversTheNextStop() {
        AddressState s = state(mark(STOPPED.plusSeconds(5), Source.ONE_CLICK), null, mark(STOPPED, Source.SES_BOUNCE), null, List.of(STOPPED));
        assertThat(SendPolicy.decide(s, NEWSLETTER, ExpiryPolicy.DEFAULT, DAY_7).reason()).isEqualTo(BlockReason.UNSUBSCRIBED_ALL);
        assertThat(SendPolicy.decideTransactional(s, ExpiryPolicy.DEFAULT, DAY_7).allowed()).isTrue();
    }

    @Test
    void withoutAPolicyNothingExpires() {
        AddressState s = state(null, null, mark(STOPPED, Source.SES_BOUNCE), null, List.of(STOPPED));
        assertThat(SendPolicy.decide(s, NEWSLETTER)).isEqualTo(Decision.block(BlockReason.BOUNCED, STOPPED));
        assertThat(SendPolicy.decide(s, NEWSLETTER, ExpiryPolicy.NEVER, STOPPED.plus(Duration.ofDays(3650))).allowed()).isFalse();
    }

    @Test
    void zeroDaysMeansNeverAndANonPositiveDurationIsRefused() {
        assertThat(ExpiryPolicy.ofDays(0, 0)).isEqualTo(ExpiryPolicy.NEVER);
        assertThatThrownBy(() -> new ExpiryPolicy(Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
