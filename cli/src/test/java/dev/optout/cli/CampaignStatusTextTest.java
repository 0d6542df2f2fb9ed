package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.CampaignStatus;
import dev.optout.campaign.GuardThresholds;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code campaign status} tells an operator about a campaign (text and JSON), and which
 * thresholds a deployed stack's campaign guard uses. No store involved (CampaignCliIT reads them
 * from the table).
 */
class CampaignStatusTextTest {
    private static final Instant T1 = Instant.parse("2026-11-01T08:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-02T08:00:00Z");
    private static final Instant T3 = Instant.parse("2026-11-03T08:00:00Z");
    private static final Instant T4 = Instant.parse("2026-11-04T08:00:00Z");
    private static final GuardThresholds T = GuardThresholds.DEFAULTS;

    private static CampaignStatus.Entry entry(String action, Instant at, String reason, String actor, CampaignCounts counts) {
        return new CampaignStatus.Entry(action, at, reason, actor, counts);
    }

    @Test
    void aPausedCampaignSaysSinceWhenWhichRuleAndTheCountsAtThePause() {
        CampaignStatus s = new CampaignStatus("weekly", true, T3, CampaignGuard.BOUNCE_RATE, new CampaignCounts(3000, 80, 1),
                new CampaignCounts(1200, 61, 0), List.of(
                entry(CampaignGuard.PAUSED, T1, CampaignGuard.COMPLAINT_RATE, "campaign-guard", new CampaignCounts(1000, 2, 2)),
                entry(CampaignGuard.RESUMED, T2, "cleaned", "ana", new CampaignCounts(1000, 2, 2)),
                entry(CampaignGuard.PAUSED, T3, CampaignGuard.BOUNCE_RATE, "campaign-guard", new CampaignCounts(1200, 61, 0))));
        String text = CampaignCommand.text(s, T, "weekly", "the template's defaults");
        assertThat(text).startsWith("campaign weekly\n")
                .contains("PAUSED since " + T3 + ": hard-bounce rate above 5.00% after 1000 sends (BOUNCE_RATE)"
                        + "; at the pause 0 complaints and 61 hard bounces in 1200 sends\n")
                .contains("./optout campaign resume weekly --reason TEXT")
                .contains("judged since the last resume: 1200 sends, 61 hard bounces (5.08%), 0 complaints (0.00%)")
                .contains("counted in all: 3000 sends, 80 hard bounces, 1 complaints")
                .contains("thresholds (the template's defaults): complaints above 0.10% after 1000 sends; hard bounces above 5.00% after 1000 sends")
                .contains("    " + T2 + "  RESUMED  cleaned  by ana  (1000 sends, 2 bounces, 2 complaints)")
                .doesNotContain("nothing counted").doesNotContain("  sending");
    }

    @Test
    void aComplaintPauseNamesTheComplaintRuleAndAnUnknownRuleIsShownAsItIs() {
        CampaignStatus complaints = new CampaignStatus("c", true, T1, CampaignGuard.COMPLAINT_RATE, new CampaignCounts(2000, 0, 5),
                new CampaignCounts(2000, 0, 5), List.of());
        assertThat(CampaignCommand.text(complaints, T, "c", "x"))
                .contains("complaint rate above 0.10% after 1000 sends (COMPLAINT_RATE)").doesNotContain("at the pause");
        CampaignStatus other = new CampaignStatus("c", true, T1, "MANUAL", CampaignCounts.ZERO, CampaignCounts.ZERO, List.of());
        assertThat(CampaignCommand.text(other, T, "c", "x")).contains("PAUSED since " + T1 + ": MANUAL\n");
    }

    @Test
    void aResumedCampaignNamesItsLastResume() {
        CampaignStatus s = new CampaignStatus("weekly", false, T3, null, new CampaignCounts(3000, 80, 1), CampaignCounts.ZERO, List.of(
                entry(CampaignGuard.PAUSED, T1, CampaignGuard.COMPLAINT_RATE, "campaign-guard", new CampaignCounts(1000, 2, 2)),
                entry(CampaignGuard.RESUMED, T2, "cleaned", "ana", new CampaignCounts(1000, 2, 2)),
                entry(CampaignGuard.PAUSED, T3, CampaignGuard.BOUNCE_RATE, "campaign-guard", new CampaignCounts(1200, 61, 0)),
                entry(CampaignGuard.RESUMED, T4, "cleaned again", "budi", new CampaignCounts(1200, 61, 0))));
        String text = CampaignCommand.text(s, T, "weekly", "x");
        assertThat(text).contains("  sending (resumed " + T4 + " by budi)\n")
                .contains("judged since the last resume: 0 sends, 0 hard bounces (-), 0 complaints (-)")
                .doesNotContain("PAUSED since");

        Map<String, Object> json = CampaignCommand.tree(s, T, "weekly");
        assertThat(json).containsEntry("paused", false).containsEntry("known", true).containsEntry("resumedAt", T4.toString());
        assertThat(json.get("pausedAt")).as("not paused now").isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> judged = (Map<String, Object>) json.get("judged");
        assertThat(judged).containsEntry("sends", 0L).containsEntry("bounceRate", null).containsEntry("complaintRate", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> total = (Map<String, Object>) json.get("total");
        assertThat(total).containsEntry("bounces", 80L).containsEntry("bounceRate", 80 / 3000.0).containsEntry("complaintRate", 1 / 3000.0);
        assertThat((List<?>) json.get("log")).hasSize(4);
        assertThat(json.get("thresholds")).isEqualTo(Map.of("complaintRate", 0.001, "complaintMinSends", 1000L,
                "bounceRate", 0.05, "bounceMinSends", 1000L));
    }

    @Test
    void aCampaignNothingWasCountedForIsShownAsUnknown() {
        CampaignStatus s = new CampaignStatus("Spring_sale_", false, null, null, CampaignCounts.ZERO, CampaignCounts.ZERO, List.of());
        String text = CampaignCommand.text(s, T, "Spring sale!", "x");
        assertThat(text).startsWith("campaign 'Spring sale!' (kept as Spring_sale_)\n").contains("nothing counted for it")
                .contains("  sending\n").doesNotContain("log:");
        Map<String, Object> json = CampaignCommand.tree(s, T, "Spring sale!");
        assertThat(json).containsEntry("known", false).containsEntry("campaign", "Spring_sale_").containsEntry("id", "Spring sale!")
                .containsEntry("resumedAt", null);

        CampaignStatus sendsOnly = new CampaignStatus("c", false, null, null, new CampaignCounts(1, 0, 0), new CampaignCounts(1, 0, 0), List.of());
        assertThat(CampaignCommand.text(sendsOnly, T, "c", "x")).doesNotContain("nothing counted");
        assertThat(CampaignCommand.tree(sendsOnly, T, "c")).containsEntry("known", true);
        CampaignStatus logOnly = new CampaignStatus("c", false, null, null, CampaignCounts.ZERO, CampaignCounts.ZERO,
                List.of(entry(CampaignGuard.RESUMED, T2, "r", "ana", CampaignCounts.ZERO)));
        assertThat(CampaignCommand.text(logOnly, T, "c", "x")).doesNotContain("nothing counted");
        assertThat(CampaignCommand.tree(logOnly, T, "c")).containsEntry("known", true);
    }

    @Test
    void aPausedCampaignsJsonSaysSinceWhenAndWhy() {
        CampaignStatus s = new CampaignStatus("c", true, T1, CampaignGuard.COMPLAINT_RATE, new CampaignCounts(2000, 0, 5),
                new CampaignCounts(2000, 0, 5), List.of(entry(CampaignGuard.PAUSED, T1, CampaignGuard.COMPLAINT_RATE, "campaign-guard",
                new CampaignCounts(2000, 0, 5))));
        Map<String, Object> json = CampaignCommand.tree(s, T, "c");
        assertThat(json).containsEntry("paused", true).containsEntry("pausedAt", T1.toString())
                .containsEntry("pauseReason", CampaignGuard.COMPLAINT_RATE).containsEntry("resumedAt", null);
        @SuppressWarnings("unchecked")
        Map<String, Object> log = (Map<String, Object>) ((List<?>) json.get("log")).get(0);
        assertThat(log).containsEntry("action", CampaignGuard.PAUSED).containsEntry("at", T1.toString())
                .containsEntry("actor", "campaign-guard").containsEntry("reason", CampaignGuard.COMPLAINT_RATE);
    }

    @Test
    void aStacksGuardParametersAreItsThresholdsAndTheOnesItLacksAreTheDefaults() {
        Operator.Guard all = Operator.guard("prod", Map.of("CampaignComplaintRate", "0.002", "CampaignComplaintMinSends", "500",
                "CampaignBounceRate", "0.04", "CampaignBounceMinSends", "800", "CampaignCounterShards", "20",
                "CampaignSenderRejections", "30"));
        assertThat(all.thresholds()).isEqualTo(new GuardThresholds(0.002, 500, 0.04, 800, 20, 30));
        assertThat(all.origin()).isEqualTo("stack prod's parameters");

        Operator.Guard some = Operator.guard("old", Map.of("CampaignBounceRate", "0.04", "OtherParameter", "x"));
        assertThat(some.thresholds()).isEqualTo(new GuardThresholds(0.001, 1000, 0.04, 1000, 10));
        assertThat(some.origin()).isEqualTo("stack old's parameters, defaults for those it lacks");

        assertThatThrownBy(() -> Operator.guard("bad", Map.of("CampaignComplaintRate", "lots")))
                .isInstanceOf(Refusal.class).hasMessageContaining("stack bad has a campaign guard parameter this command cannot read");
    }
}
