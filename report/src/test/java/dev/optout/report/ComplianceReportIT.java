package dev.optout.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.campaign.GuardThresholds;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The report's figures against a scripted history in the real table (moto). */
@ExtendWith(LocalAwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComplianceReportIT {
    private ComplianceReport report;

    private ComplianceReport chosen;
    private String table;

    @BeforeAll
    void script(LocalAws aws) {
        ScriptedHistory h = new ScriptedHistory(aws);
        table = h.table;
        report = ComplianceReports.build(aws.dynamoDb(), h.table, ScriptedHistory.SINCE, ScriptedHistory.REPORT_CLOCK,
                GuardThresholds.DEFAULTS, 3);
        chosen = ComplianceReports.build(aws.dynamoDb(), h.table, ScriptedHistory.SINCE, ScriptedHistory.REPORT_CLOCK,
                GuardThresholds.DEFAULTS, 3, new ComplianceReports.Rules(ComplianceDeadline.parse("CASL,GDPR"), HolidayCalendars.bundled()));
    }

    @Test
    void optOutsOfThePeriodAreCountedBySourceAndByDay() {
        assertThat(report.optOutsTotal()).as("eko's opt-out is before the period").isEqualTo(4);
        assertThat(report.optOutsBySource()).containsExactly(Map.entry("ONE_CLICK", 2L),
                Map.entry("PREFERENCE_CENTER", 1L), Map.entry("UNSUBSCRIBE_PAGE", 1L));
        assertThat(report.optOutsByDay()).containsOnlyKeys(LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-03"));
        assertThat(report.optOutsByDay().get(LocalDate.parse("2026-11-03")))
                .containsOnly(Map.entry("UNSUBSCRIBE_PAGE", 1L), Map.entry("PREFERENCE_CENTER", 1L));
    }

    @Test
    void campaignsShowThePeriodsBouncesAndComplaintsAndTheGuardsRates() {
        assertThat(report.campaigns()).extracting(ComplianceReport.Campaign::campaign)
                .containsExactly("<b>x</b>", "flash", "nov-weekly");
        ComplianceReport.Campaign weekly = report.campaigns().get(2);
        assertThat(List.of(weekly.bounces(), weekly.complaints(), weekly.sends())).containsExactly(1L, 1L, 1_000L);
        assertThat(weekly.complaintRate()).isEqualTo(0.001);
        assertThat(weekly.paused()).isFalse();
        ComplianceReport.Campaign flash = report.campaigns().get(1);
        assertThat(flash.paused()).isTrue();
        assertThat(flash.complaintRate()).isEqualTo(0.0025);
        assertThat(report.campaigns().get(0).complaintRate()).as("legacy tag: no counts").isNull();
    }

    @Test
    void everySendWhileSuppressedIsListedWithItsDelay() {
        assertThat(report.sentWhileSuppressed()).extracting(ComplianceReport.SuppressedSend::address)
                .containsExactly("a***@example.com", "e***@example.com", "c***a@example.com");
        assertThat(report.sentWhileSuppressed()).extracting(ComplianceReport.SuppressedSend::delay)
                .containsExactly(Duration.ofHours(24), Duration.ofDays(16), Duration.ofHours(72));
        assertThat(report.sentWhileSuppressed().get(0).reason()).isEqualTo("UNSUBSCRIBED_TOPIC");
        assertThat(report.sentWhileSuppressed().get(0).blockSource()).isEqualTo("ONE_CLICK");
        assertThat(report.sentWhileSuppressed().get(0).campaign()).isEqualTo("nov-weekly");
    }

    @Test
    void theComplianceClockHoldsTheLongestDelayAgainstEachDeadline() {
        assertThat(report.clock().longestDelay()).isEqualTo(Duration.ofDays(16));
        assertThat(report.clock().verdicts()).extracting(v -> v.deadline() + " " + v.late())
                .containsExactly("GMAIL 2", "YAHOO 2", "UU_PDP 1", "CAN_SPAM 1",
                        // 5 business days: 72 hours is within them, 16 days is not
                        "AU_SPAM_ACT 1", "CASL 1",
                        // the same day: a send 24 hours after an opt-out is on a later day
                        "GDPR 3", "UK_PECR 2");
        assertThat(report.clock().verdicts()).noneMatch(ComplianceReport.Verdict::met);
    }

    @Test
    void configurationChoosesTheLawsAndTheReportSaysWhichApplyWithTheirSources() throws Exception {
        assertThat(chosen.clock().verdicts()).extracting(v -> v.deadline() + " " + v.late()).containsExactly("CASL 1", "GDPR 3");
        JsonNode clock = Json.MAPPER.readTree(ReportJson.render(chosen)).path("complianceClock");
        assertThat(clock.path("laws").toString()).isEqualTo("[\"CASL\",\"GDPR\"]");
        JsonNode casl = clock.path("deadlines").get(0);
        assertThat(casl.path("source").asText()).contains("S.C. 2010 c. 23, s 11(3)");
        assertThat(casl.path("url").asText()).isEqualTo("https://laws-lois.justice.gc.ca/eng/acts/E-1.6/");
        assertThat(casl.path("jurisdiction").asText()).isEqualTo("CA");
        assertThat(casl.path("facilityDays").asInt()).isEqualTo(60);
        assertThat(clock.path("deadlines").get(1).path("note").asText()).contains("Art. 21(3) sets no period");
        assertThat(clock.path("holidayCalendars").path("CA").path("holidays").asInt()).isPositive();
        String html = ReportHtml.render(chosen);
        assertThat(html).contains("CASL (CA)", "S.C. 2010 c. 23", "https://laws-lois.justice.gc.ca/eng/acts/E-1.6/",
                "valid at least 60 days", "The rules that apply: 2", "CA (").doesNotContain("Gmail email sender guidelines");
        assertThat(ReportText.render(chosen)).contains("GDPR (EU)", "Art. 21(3) sets no period", "<https://eur-lex.europa.eu/eli/reg/2016/679/oj>");
    }

    @Test
    void theReportSeesBouncesAndComplaintsWithoutACampaignAndCountsPerMailboxProvider() throws Exception {
        ComplianceReport.Totals t = report.totals();
        assertThat(t.byReason()).containsEntry("HARD_BOUNCE", 3L).containsEntry("COMPLAINT", 3L)
                .containsEntry("SENDER_REJECTION", 1L).containsEntry("UNSUBSCRIBE_TOPIC", 3L).containsEntry("UNSUBSCRIBE_ALL", 1L);
        assertThat(t.bySource()).containsEntry("SES_BOUNCE", 3L).containsEntry("IMPORT", 1L).containsEntry("SES_COMPLAINT", 3L);
        assertThat(t.bouncesWithoutCampaign()).as("the demo's bounce and the imported one").isEqualTo(2);
        assertThat(t.complaintsWithoutCampaign()).isEqualTo(1);
        assertThat(t.providerTotals(ComplianceReport.BOUNCES)).containsExactly(Map.entry("gmail.com", 1L),
                Map.entry("yahoo.com", 1L), Map.entry("other", 1L));
        assertThat(t.providerTotals(ComplianceReport.COMPLAINTS)).containsExactly(Map.entry("outlook.com", 1L), Map.entry("other", 2L));
        assertThat(t.providerTotals(ComplianceReport.SENDER_REJECTIONS)).containsExactly(Map.entry("gmail.com", 1L));
        assertThat(t.byProvider().get(ComplianceReport.SENDER_REJECTIONS)).containsOnlyKeys(LocalDate.parse("2026-11-06"));

        JsonNode totals = Json.MAPPER.readTree(ReportJson.render(report)).path("totals");
        assertThat(totals.path("bouncesWithoutCampaign").asLong()).isEqualTo(2);
        assertThat(totals.path("byMailboxProvider").path("senderRejections").path("total").path("gmail.com").asLong()).isEqualTo(1);
        assertThat(totals.path("note").asText()).contains("Gmail's complaints never reach SES", "lower bound");
        String html = ReportHtml.render(report);
        assertThat(html).contains("chart-provider-bounces", "chart-provider-complaints", "chart-provider-rejections",
                "Gmail&#39;s complaints never reach SES");
        assertThat(ReportText.render(report)).contains("without a campaign: 2 bounce(s), 1 complaint(s)",
                "senderRejections by mailbox provider: gmail.com 1");
    }

    @Test
    void thePeriodEndsAtAWholeSecond(LocalAws aws) throws Exception {
        ComplianceReport r = ComplianceReports.build(aws.dynamoDb(), table, ScriptedHistory.SINCE,
                Clock.fixed(Instant.parse("2026-11-20T00:00:07.123456789Z"), ZoneOffset.UTC), GuardThresholds.DEFAULTS, 1);
        assertThat(Json.MAPPER.readTree(ReportJson.render(r)).path("period").path("until").asText()).isEqualTo("2026-11-20T00:00:07Z");
        assertThat(ReportText.render(r)).contains(" .. 2026-11-20T00:00:07Z (");
    }

    @Test
    void tenBusinessDaysSkipWeekends() {
        assertThat(ComplianceDeadline.CAN_SPAM.deadline(java.time.Instant.parse("2026-10-20T08:00:00Z")))
                .isEqualTo(java.time.Instant.parse("2026-11-03T08:00:00Z"));
    }

    @Test
    void theJsonAndTextCarryTheSameFigures() throws Exception {
        JsonNode json = Json.MAPPER.readTree(ReportJson.render(report));
        assertThat(json.path("optOuts").path("total").asLong()).isEqualTo(4);
        assertThat(json.path("sentWhileSuppressed")).hasSize(3);
        assertThat(json.path("complianceClock").path("longest").path("delaySeconds").asLong()).isEqualTo(16 * 86_400);
        assertThat(json.path("complianceClock").path("deadlines").get(2).path("rule").asText()).isEqualTo("UU_PDP");
        assertThat(json.path("campaigns").get(1).path("paused").asBoolean()).isTrue();
        String text = ReportText.render(report);
        assertThat(text).contains("Opt-outs: 4", "Sent while suppressed: 3", "longest opt-out-to-send delay 16d 00h 00m",
                "MISSED: 2 message(s)", "flash");
    }

    @Test
    void theHtmlIsOneSelfContainedEscapedPageWithAccessibleCharts() {
        String html = ReportHtml.render(report);
        assertThat(html).startsWith("<!doctype html>").contains("<html lang=\"en\">")
                .doesNotContain("<script", "<link", " src=", "href=", "url(", "<b>x</b>")
                .contains("&lt;b&gt;x&lt;/b&gt;", "default-src 'none'");
        for (String id : List.of("chart-optouts", "chart-complaints", "chart-bounces", "chart-clock")) {
            assertThat(html).contains("<svg id=\"" + id + "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\"",
                    "<title id=\"" + id + "-title\">", "<desc id=\"" + id + "-desc\">");
        }
        assertThat(html).contains("Gmail 0.3%", "Gmail 0.1%", "missed (2 late)");
    }

    @Test
    void dataRequestsOfThePeriodAreCountedAndTheirTimeHeldAgainstThreeTimes24Hours() throws Exception {
        ComplianceReport.DataRequests dr = report.dataRequests();
        assertThat(dr.total()).as("the one served before the period is not counted").isEqualTo(2);
        assertThat(dr.byKind()).containsOnly(Map.entry("ACCESS", 1L), Map.entry("ERASURE", 1L));
        assertThat(dr.bySource()).containsOnly(Map.entry("PREFERENCE_CENTER", 1L), Map.entry("OPERATOR", 1L));
        assertThat(dr.longest()).isEqualTo(Duration.ofDays(4));
        assertThat(dr.late()).isEqualTo(1);
        assertThat(dr.met()).isFalse();

        assertThat(ReportText.render(report)).contains("Data requests (the person's own data: downloads, erasures): 2",
                "longest from request to served: 4d 00h 00m", "MISSED: 1 request(s) served later than this", "Pasal 32(2)");
        var json = dev.optout.json.Json.MAPPER.readTree(ReportJson.render(report)).path("dataRequests");
        assertThat(json.path("total").asLong()).isEqualTo(2);
        assertThat(json.path("longestSeconds").asLong()).isEqualTo(Duration.ofDays(4).toSeconds());
        assertThat(json.path("deadlineSeconds").asLong()).isEqualTo(72 * 3600);
        assertThat(json.path("late").asLong()).isEqualTo(1);
        assertThat(ReportHtml.render(report)).contains("<h2 id=\"data-requests\">Data requests</h2>", "MISSED: 1 request(s) served later");
    }
}
