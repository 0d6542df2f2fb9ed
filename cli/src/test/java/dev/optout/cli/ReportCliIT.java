package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.SesEvent;
import dev.optout.feedback.SesFeedbackParser;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.topic.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./optout report} against a scripted history written through the real paths (store,
 * feedback processor with the send audit, campaign guard) into the local instance's table. Times
 * are counted back from now, since the command's period ends now.
 *
 * <pre>
 * B = now - 10 days
 * opt-outs in the last 30 days: ana ONE_CLICK (topic, B), budi ONE_CLICK (topic, B+2h), citra UNSUBSCRIBE_PAGE (all, B+1d)
 * opt-out before the period:    eko OPERATOR (all, now-45d)
 * sends after a block:          ana +24 h, citra +72 h (now-6d), eko +20 days (now-25d): the longest
 * sent before the opt-out:      budi (no finding)
 * campaign weekly: 1 hard bounce, 1 complaint; guard counts 1,000 / 1 / 1
 * campaign flash: guard counts 2,000 sends, 5 complaints: paused
 * </pre>
 */
@ExtendWith(LocalAwsExtension.class)
class ReportCliIT {
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final Instant b = now.minus(Duration.ofDays(10));
    private CliHarness cli;

    @BeforeEach
    void scriptedHistory(LocalAws aws, @TempDir Path dir) throws Exception {
        cli = new CliHarness(aws, dir);
        TopicCatalog catalog = TopicCatalog.bundled();
        FeedbackProcessor processor = new FeedbackProcessor(cli.store, catalog, FeedbackRules.DEFAULTS, SuppressionMirror.NONE,
                new SendAudit(cli.store, catalog));
        Instant eko = now.minus(Duration.ofDays(45));
        cli.store.apply(addr("ana@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, b)));
        cli.store.apply(addr("budi@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, b.plus(hours(2)))));
        cli.store.apply(addr("citra@example.com"), Change.unsubscribeAll(Provenance.of(Source.UNSUBSCRIBE_PAGE, b.plus(hours(24)))));
        cli.store.apply(addr("eko@example.com"), Change.unsubscribeAll(Provenance.of(Source.OPERATOR, eko)));

        String weekly = "{\"optout-campaign\":[\"weekly\"],\"optout-topic\":[\"newsletter\"],\"optout-purpose\":[\"marketing\"]}";
        process(processor, send("msg-ana", b.plus(hours(24)), "ana@example.com", weekly));
        process(processor, send("msg-citra", b.plus(hours(24 + 72)), "citra@example.com", weekly));
        process(processor, send("msg-eko", eko.plus(Duration.ofDays(20)), "eko@example.com", weekly));
        process(processor, send("msg-budi", b.plus(hours(1)), "budi@example.com", weekly));
        process(processor, "{\"eventType\":\"Bounce\",\"mail\":{\"timestamp\":\"" + b.plus(hours(30)) + "\",\"messageId\":\"msg-gone\","
                + "\"destination\":[\"gone@example.com\"],\"tags\":" + weekly + "},\"bounce\":{\"bounceType\":\"Permanent\","
                + "\"bounceSubType\":\"General\",\"timestamp\":\"" + b.plus(hours(30)) + "\",\"feedbackId\":\"fb-gone\","
                + "\"bouncedRecipients\":[{\"emailAddress\":\"gone@example.com\",\"status\":\"5.1.1\"}]}}");
        process(processor, "{\"eventType\":\"Complaint\",\"mail\":{\"timestamp\":\"" + b.plus(hours(40)) + "\",\"messageId\":\"msg-frank\","
                + "\"destination\":[\"frank@example.com\"],\"tags\":" + weekly + "},\"complaint\":{\"timestamp\":\"" + b.plus(hours(41))
                + "\",\"feedbackId\":\"fb-frank\",\"complaintFeedbackType\":\"abuse\",\"complainedRecipients\":[{\"emailAddress\":"
                + "\"frank@example.com\"}]}}");
        CampaignGuard guard = new CampaignGuard(aws.dynamoDb(), cli.table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        guard.record("weekly", new CampaignCounts(1_000, 1, 1));
        guard.record("flash", new CampaignCounts(2_000, 0, 5));
    }

    @Test
    void theTextReportCarriesTheFiguresOfTheLast30Days() {
        CliHarness.Result r = cli.run("report", "--local");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Opt-outs: 3", "ONE_CLICK 2", "UNSUBSCRIBE_PAGE 1", "Sent while suppressed: 3",
                "longest opt-out-to-send delay 20d 00h 00m", "MISSED: 2 message(s)", "e***@example.com")
                .doesNotContain("eko@example.com", "OPERATOR 1");
        assertThat(r.out()).containsPattern("flash +0 +0 +2000 +0.00% +0.25% +PAUSED since");
        assertThat(r.out()).containsPattern("weekly +1 +1 +1000 +0.10% +0.10% +sending");
        assertThat(r.err()).contains("scanning", "items scanned", "the template's defaults");
    }

    @Test
    void theJsonReportCarriesTheSameFiguresAndSinceNarrowsThePeriod() throws Exception {
        CliHarness.Result r = cli.run("report", "--local", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("optOuts").path("total").asLong()).isEqualTo(3);
        assertThat(json.path("optOuts").path("bySource").path("ONE_CLICK").asLong()).isEqualTo(2);
        assertThat(json.path("sentWhileSuppressed")).hasSize(3);
        assertThat(json.path("complianceClock").path("longest").path("delaySeconds").asLong()).isEqualTo(20 * 86_400);
        assertThat(json.path("campaigns").findValuesAsText("campaign")).containsExactly("flash", "weekly");
        assertThat(json.path("campaigns").get(0).path("paused").asBoolean()).isTrue();
        assertThat(json.path("thresholds").path("complaintRate").asDouble()).isEqualTo(0.001);

        JsonNode week = Json.MAPPER.readTree(cli.run("report", "--local", "--json", "--since", "7d").out());
        assertThat(week.path("optOuts").path("total").asLong()).as("every opt-out is 9 or more days old").isZero();
        assertThat(week.path("sentWhileSuppressed").findValuesAsText("address")).containsExactly("c***a@example.com");
        JsonNode iso = Json.MAPPER.readTree(cli.run("report", "--local", "--json", "--since", "P12D").out());
        assertThat(iso.path("optOuts").path("total").asLong()).isEqualTo(3);
        assertThat(iso.path("sentWhileSuppressed")).as("eko's send is 25 days old").hasSize(2);
    }

    @Test
    void theHtmlReportIsWrittenToTheFileAndTheCommandSaysWhere(@TempDir Path out) throws Exception {
        Path file = out.resolve("report.html");
        CliHarness.Result r = cli.run("report", "--local", "--html", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote the report to " + file.toAbsolutePath()).doesNotContain("Opt-outs: 3");
        String html = Files.readString(file);
        assertThat(html).startsWith("<!doctype html>").doesNotContain("<script", " src=", "eko@example.com")
                .contains("chart-optouts", "chart-complaints", "chart-clock", "e***@example.com", "weekly", "flash");

        Path second = out.resolve("second.html");
        CliHarness.Result both = cli.run("report", "--local", "--html", second.toString(), "--json");
        assertThat(Json.MAPPER.readTree(both.out()).path("optOuts").path("total").asLong()).as("only JSON on standard output").isEqualTo(3);
        assertThat(both.err()).contains("wrote the report to " + second.toAbsolutePath());
        assertThat(second).exists();

        CliHarness.Result unwritable = cli.run("report", "--local", "--html", out.resolve("no-such-dir/r.html").toString());
        assertThat(unwritable.code()).isEqualTo(1);
        assertThat(unwritable.err()).contains("cannot write", "give another --html FILE");
    }

    @Test
    void lawsChooseTheRulesTheClockJudgesAndHolidaysExtendTheCalendars(@TempDir Path dir) throws Exception {
        JsonNode two = Json.MAPPER.readTree(cli.run("report", "--local", "--json", "--laws", "casl,gdpr").out());
        assertThat(two.path("complianceClock").path("laws").toString()).isEqualTo("[\"CASL\",\"GDPR\"]");
        assertThat(two.path("complianceClock").path("deadlines").findValuesAsText("url"))
                .containsExactly("https://laws-lois.justice.gc.ca/eng/acts/E-1.6/", "https://eur-lex.europa.eu/eli/reg/2016/679/oj");
        JsonNode all = Json.MAPPER.readTree(cli.run("report", "--local", "--json").out());
        assertThat(all.path("complianceClock").path("laws")).hasSize(8);

        CliHarness.Result unknown = cli.run("report", "--local", "--laws", "GMAIL,HIPAA");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--laws", "unknown rule 'HIPAA'", "CASL");

        Files.writeString(dir.resolve("CA.txt"), "2099-01-02 our holiday\n");
        CliHarness.Result extended = cli.run("report", "--local", "--json", "--laws", "CASL", "--holidays", dir.toString());
        assertThat(extended.code()).as(extended.err()).isZero();
        assertThat(Json.MAPPER.readTree(extended.out()).path("complianceClock").path("holidayCalendars").path("CA").path("lastListed")
                .asText()).isEqualTo("2099-01-02");
        CliHarness.Result missing = cli.run("report", "--local", "--holidays", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("--holidays", "is not a directory");
    }

    @Test
    void aSinceThatIsNoDurationIsAUsageErrorNamingTheAcceptedForms() {
        for (String bad : List.of("yesterday", "30", "-7d", "P-3D", "30x")) {
            CliHarness.Result r = cli.run("report", "--local", "--since", bad);
            assertThat(r.code()).as(bad).isEqualTo(2);
            assertThat(r.err()).contains("--since", "7d", "24h", "P30D", bad);
            assertThat(r.out()).isEmpty();
        }
        assertThat(cli.run("report", "--local", "--since", "2999-01-01").err()).contains("in the future");
    }

    @Test
    void aStacksGuardParametersAreTheThresholdsTheReportHoldsRatesAgainst() throws Exception {
        String arn = Json.MAPPER.readTree(Files.readString(cli.stateDir.resolve("local.json"))).path("addressHashKeySecretArn").asText();
        String template = "{\"Parameters\":{\"CampaignComplaintRate\":{\"Type\":\"String\",\"Default\":\"0.001\"},"
                + "\"CampaignComplaintMinSends\":{\"Type\":\"Number\",\"Default\":1000}},"
                + "\"Resources\":{\"Marker\":{\"Type\":\"AWS::SNS::Topic\"}},\"Outputs\":{"
                + "\"SuppressionTableName\":{\"Value\":\"" + cli.table + "\"},"
                + "\"AddressHashKeySecretArn\":{\"Value\":\"" + arn + "\"}}}";
        try (var cfn = cli.aws.client(software.amazon.awssdk.services.cloudformation.CloudFormationClient.builder())) {
            cfn.createStack(r -> r.stackName("optout-report").templateBody(template).parameters(
                    p -> p.parameterKey("CampaignComplaintRate").parameterValue("0.003"),
                    p -> p.parameterKey("CampaignComplaintMinSends").parameterValue("500")));
        }
        // the local endpoint's admin identity, as an operator's profile would hold it
        System.setProperty("aws.accessKeyId", cli.aws.credentials().resolveCredentials().accessKeyId());
        System.setProperty("aws.secretAccessKey", cli.aws.credentials().resolveCredentials().secretAccessKey());
        try {
            CliHarness.Result r = cli.run("report", "--stack", "optout-report", "--region", cli.aws.region(),
                    "--endpoint-url", cli.aws.endpoint().toString(), "--actor", "ops", "--json");
            assertThat(r.code()).as(r.err()).isZero();
            JsonNode thresholds = Json.MAPPER.readTree(r.out()).path("thresholds");
            assertThat(thresholds.path("complaintRate").asDouble()).isEqualTo(0.003);
            assertThat(thresholds.path("complaintMinSends").asLong()).isEqualTo(500);
            assertThat(thresholds.path("bounceRate").asDouble()).as("not a parameter of this stack: the default").isEqualTo(0.05);
            assertThat(r.err()).contains("stack optout-report's parameters, defaults for those it lacks");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void reportHasHelp() {
        CliHarness.Result r = cli.run("report", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: optout report", "--since", "--json", "--html", "--local", "--stack", "Exit status");
        assertThat(cli.run("--help").out()).contains("report", "campaign");
    }

    private static Duration hours(long h) {
        return Duration.ofHours(h);
    }

    private static void process(FeedbackProcessor p, String json) {
        p.process((SesEvent) SesFeedbackParser.parse(json));
    }

    private static String send(String id, Instant at, String to, String tags) {
        return "{\"eventType\":\"Send\",\"mail\":{\"timestamp\":\"" + at + "\",\"messageId\":\"" + id + "\",\"destination\":[\""
                + to + "\"],\"tags\":" + tags + "},\"send\":{}}";
    }
}
