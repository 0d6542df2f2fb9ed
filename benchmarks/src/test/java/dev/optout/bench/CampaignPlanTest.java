package dev.optout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CampaignPlanTest {
    @Test
    void aMillionAtFourteenHundredACallIsSevenHundredFifteenCallsTheLastOneShort() {
        CampaignPlan plan = new CampaignPlan(1_000_000, 1_400);
        assertThat(plan.calls()).isEqualTo(715);
        assertThat(plan.size(0)).isEqualTo(1_400);
        assertThat(plan.size(713)).isEqualTo(1_400);
        assertThat(plan.size(714)).isEqualTo(1_000_000 - 714 * 1_400);
    }

    @Test
    void anExactMultipleHasNoShortCall() {
        CampaignPlan plan = new CampaignPlan(1_000_000, 10_000);
        assertThat(plan.calls()).isEqualTo(100);
        assertThat(plan.size(99)).isEqualTo(10_000);
        assertThatThrownBy(() -> plan.size(100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPartRunProjectsTheWholeAtItsMeasuredRate() {
        CampaignPlan plan = new CampaignPlan(1_000_000, 4_500);
        // 90,000 recipients in 60 s: the million takes 1,000,000 / 90,000 * 60 s
        assertThat(plan.projectedSeconds(90_000, 60.0)).isCloseTo(666.67, org.assertj.core.data.Offset.offset(0.01));
        assertThat(plan.projectedSeconds(1_000_000, 500.0)).isEqualTo(500.0);
        assertThatThrownBy(() -> plan.projectedSeconds(0, 1.0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] millis = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};
        assertThat(CampaignPlan.percentile(millis, 50)).isEqualTo(50);
        assertThat(CampaignPlan.percentile(millis, 99)).isEqualTo(100);
        assertThat(CampaignPlan.percentile(millis, 10)).isEqualTo(10);
        assertThat(CampaignPlan.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(millis[0]).as("the input is not reordered").isEqualTo(50);
    }

    @Test
    void anEmptyCampaignIsRefused() {
        assertThatThrownBy(() -> new CampaignPlan(0, 1_400)).isInstanceOf(IllegalArgumentException.class);
    }
}
