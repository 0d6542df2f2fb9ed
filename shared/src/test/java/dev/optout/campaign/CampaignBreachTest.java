package dev.optout.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The guard's one breach rule, as the guard, the report and campaign status apply it. */
class CampaignBreachTest {
    private final GuardThresholds t = new GuardThresholds(0.001, 1_000, 0.05, 500, 10);

    @Test
    void aRateIsNotJudgedBeforeItsMinimumOfSends() {
        assertThat(t.breach(new CampaignCounts(999, 0, 999))).isNull();
        assertThat(t.complaintsOver(new CampaignCounts(999, 0, 999))).isFalse();
    }

    @Test
    void aRateAtItsThresholdIsNotOverAndOneAboveIs() {
        assertThat(t.breach(new CampaignCounts(1_000, 0, 1))).isNull();
        assertThat(t.breach(new CampaignCounts(1_000, 0, 2))).isEqualTo(GuardThresholds.Breach.COMPLAINT_RATE);
        assertThat(t.breach(new CampaignCounts(500, 25, 0))).isNull();
        assertThat(t.breach(new CampaignCounts(500, 26, 0))).isEqualTo(GuardThresholds.Breach.BOUNCE_RATE);
    }

    @Test
    void eachRateHasItsOwnMinimumAndComplaintsAreNamedFirst() {
        // 600 sends: past the bounce minimum (500) but not the complaint minimum (1,000)
        assertThat(t.breach(new CampaignCounts(600, 100, 100))).isEqualTo(GuardThresholds.Breach.BOUNCE_RATE);
        assertThat(t.breach(new CampaignCounts(1_000, 100, 100))).isEqualTo(GuardThresholds.Breach.COMPLAINT_RATE);
    }
}
