package dev.optout.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.check.SesTags;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The campaign guard's counters and rules against the real table (moto). */
@ExtendWith(LocalAwsExtension.class)
class CampaignGuardIT {
    private CampaignGuard guard;

    @BeforeEach
    void setUp(LocalAws aws) {
        guard = new CampaignGuard(aws.dynamoDb(), aws.createSuppressionTable(), GuardThresholds.DEFAULTS, Clock.systemUTC());
    }

    @Test
    void concurrentBatchesLoseNoCount() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            futures.add(pool.submit(() -> guard.record("summer", new CampaignCounts(10, 0, 0))));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();

        assertThat(guard.status("summer").total()).isEqualTo(new CampaignCounts(800, 0, 0));
        assertThat(guard.pausedSince("summer")).isEmpty();
    }

    @Test
    void theRateIsJudgedOnlyAfterTheMinimumVolumeAndPausesOnlyOverTheThreshold() {
        guard.record("small", new CampaignCounts(999, 0, 5));
        assertThat(guard.pausedSince("small")).as("under 1,000 sends: not judged").isEmpty();

        guard.record("bounce", new CampaignCounts(1_000, 50, 0));
        assertThat(guard.pausedSince("bounce")).as("exactly 5%: not over").isEmpty();
        guard.record("bounce", new CampaignCounts(0, 1, 0));

        assertThat(guard.pausedSince("bounce")).isPresent();
        assertThat(guard.status("bounce").pauseReason()).isEqualTo(CampaignGuard.BOUNCE_RATE);
    }

    @Test
    void aBurstOfSenderRejectionsFromOneProviderPausesAndAResumeJudgesAfresh() {
        guard.record("dkim", new CampaignCounts(50, 60, 0, Map.of("gmail.com", 60L, "other", 40L)));
        assertThat(guard.pausedSince("dkim")).as("60 from Gmail: not over 100").isEmpty();
        guard.record("dkim", new CampaignCounts(0, 41, 0, Map.of("gmail.com", 41L)));

        assertThat(guard.pausedSince("dkim")).as("101 from Gmail, though only 50 sends were counted").isPresent();
        CampaignStatus paused = guard.status("dkim");
        assertThat(paused.pauseReason()).isEqualTo(CampaignGuard.SENDER_REJECTIONS);
        assertThat(paused.total().senderRejections()).containsExactly(Map.entry("gmail.com", 101L), Map.entry("other", 40L));

        assertThat(guard.resume("dkim", "DKIM key rotated back", "ops").resumed()).isTrue();
        assertThat(guard.status("dkim").judged().senderRejections()).as("counted afresh after the resume").isEmpty();
        guard.record("dkim", new CampaignCounts(0, 100, 0, Map.of("gmail.com", 100L)));
        assertThat(guard.pausedSince("dkim")).isEmpty();
    }

    @Test
    void aThresholdOfZeroNeverPausesForSenderRejections(LocalAws aws) {
        CampaignGuard off = new CampaignGuard(aws.dynamoDb(), aws.createSuppressionTable(),
                new GuardThresholds(0.001, 1_000, 0.05, 1_000, 10, 0), Clock.systemUTC());
        off.record("quiet", new CampaignCounts(0, 0, 0, Map.of("yahoo.com", 5_000L)));
        assertThat(off.pausedSince("quiet")).isEmpty();
    }

    @Test
    void aCampaignIdOutsideTheTagCharsetIsTheSameCampaignEverywhere() {
        guard.record("Spring sale 2026", new CampaignCounts(1_000, 0, 2));

        assertThat(guard.pausedSince(SesTags.value("Spring sale 2026"))).isPresent();
        assertThat(guard.resume("Spring sale 2026", "fixed", "ops").resumed()).isTrue();
    }

    @Test
    void aResumeNeedsAReasonAndAnActor() {
        assertThatThrownBy(() -> guard.resume("x", " ", "ops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> guard.resume("x", "why", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actor");
    }
}
