package dev.optout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.CampaignStatus;
import dev.optout.campaign.GuardThresholds;
import dev.optout.check.SesTags;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./optout campaign status|resume} against the local AWS: campaigns are paused the way the
 * feedback function pauses them (counts recorded through {@link CampaignGuard}), and what the check
 * reads ({@link CampaignGuard#pausedSince}) is what the operator's commands change.
 */
@ExtendWith(LocalAwsExtension.class)
class CampaignCliIT {
    /** Outside the SES tag charset: the commands must find it under the tag value the check and feedback use. */
    private static final String SALE = "Spring sale 2026!";
    private CliHarness cli;
    private CampaignGuard guard;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        cli = new CliHarness(aws, dir);
        guard = new CampaignGuard(aws.dynamoDb(), cli.table, GuardThresholds.DEFAULTS, Clock.systemUTC());
    }

    @Test
    void statusOfAPausedCampaignSaysSinceWhenWhyAndHowToResume() throws Exception {
        guard.record(SALE, new CampaignCounts(2_000, 3, 5));
        assertThat(guard.pausedSince(SALE)).isPresent();

        CliHarness.Result r = cli.run("campaign", "status", "--local", "--actor", "ops", SALE);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("kept as " + SesTags.value(SALE), "PAUSED since " + guard.pausedSince(SALE).get(),
                "complaint rate above 0.10% after 1000 sends (COMPLAINT_RATE)", "5 complaints and 3 hard bounces in 2000 sends",
                "2000 sends, 3 hard bounces (0.15%), 5 complaints (0.25%)",
                "./optout campaign resume 'Spring sale 2026!' --reason TEXT");

        JsonNode json = Json.MAPPER.readTree(cli.run("campaign", "status", "--local", "--actor", "ops", SALE, "--json").out());
        assertThat(json.path("campaign").asText()).isEqualTo(SesTags.value(SALE));
        assertThat(json.path("paused").asBoolean()).isTrue();
        assertThat(json.path("pauseReason").asText()).isEqualTo("COMPLAINT_RATE");
        assertThat(json.path("judged").path("complaintRate").asDouble()).isEqualTo(0.0025);
        assertThat(json.path("log").get(0).path("action").asText()).isEqualTo("PAUSED");
    }

    @Test
    void resumeRecordsReasonAndActorAndTheCheckAllowsTheCampaignAgain() {
        guard.record(SALE, new CampaignCounts(2_000, 0, 5));

        CliHarness.Result r = cli.run("campaign", "resume", "--local", "--actor", "ana@ops", SALE, "--reason", "list cleaned, ticket 5521");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("resumed campaign", "ana@ops", "list cleaned, ticket 5521", "2000 sends so far are the baseline",
                "  check it: ./optout campaign status 'Spring sale 2026!'");

        assertThat(guard.pausedSince(SALE)).as("what the check reads").isEmpty();
        CampaignStatus s = guard.status(SALE);
        CampaignStatus.Entry resumed = s.log().get(s.log().size() - 1);
        assertThat(List.of(resumed.action(), resumed.actor(), resumed.reason()))
                .containsExactly(CampaignGuard.RESUMED, "ana@ops", "list cleaned, ticket 5521");
        assertThat(cli.run("campaign", "status", "--local", "--actor", "x", SALE).out())
                .contains("sending (resumed " + resumed.at() + " by ana@ops)", "judged since the last resume: 0 sends");
    }

    @Test
    void resumingACampaignThatIsNotPausedIsRefusedAndChangesNothing() {
        guard.record("steady", new CampaignCounts(2_000, 0, 1));
        CliHarness.Result running = cli.run("campaign", "resume", "--local", "--actor", "ops", "steady", "--reason", "why not");
        assertThat(running.code()).isEqualTo(1);
        assertThat(running.err()).contains("campaign steady is not paused", "nothing was changed");
        assertThat(guard.status("steady").log()).isEmpty();

        guard.record("again", new CampaignCounts(2_000, 0, 5));
        assertThat(cli.run("campaign", "resume", "--local", "--actor", "ops", "again", "--reason", "cleaned").code()).isZero();
        CliHarness.Result twice = cli.run("campaign", "resume", "--local", "--actor", "ops", "again", "--reason", "cleaned");
        assertThat(twice.code()).isEqualTo(1);
        assertThat(twice.err()).contains("campaign again is not paused (last paused " + guard.status("again").pausedAt() + ", since resumed)");
        assertThat(guard.status("again").log()).hasSize(2);

        CliHarness.Result unknown = cli.run("campaign", "resume", "--local", "--actor", "ops", "no-such-campaign", "--reason", "x");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(cli.run("campaign", "status", "--local", "--actor", "ops", "no-such-campaign").out()).contains("nothing counted");
    }

    @Test
    void usageErrorsExitWith2() {
        CliHarness.Result noReason = cli.run("campaign", "resume", "--local", "--actor", "ops", "steady");
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason", "./optout campaign resume --help");
        assertThat(cli.run("campaign", "resume", "--local", "--actor", "ops", "steady", "--reason", " ").code()).isEqualTo(2);
        CliHarness.Result bare = cli.run("campaign");
        assertThat(bare.code()).isEqualTo(2);
        assertThat(bare.err()).contains("status or resume");
    }

    @Test
    void everyCampaignCommandHasHelp() {
        assertThat(cli.run("campaign", "--help").out()).contains("Usage: optout campaign", "status", "resume");
        for (String command : List.of("status", "resume")) {
            CliHarness.Result r = cli.run("campaign", command, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: optout campaign " + command, "--local", "--stack", "Exit status");
        }
    }
}
