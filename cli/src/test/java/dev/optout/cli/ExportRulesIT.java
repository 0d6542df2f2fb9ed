package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Which marks export writes for each --reason and --since, in CSV and JSON lines, and where. */
@ExtendWith(LocalAwsExtension.class)
class ExportRulesIT {
    private static final Instant T = Instant.parse("2026-10-01T08:00:00Z");
    private CliHarness cli;

    @BeforeEach
    void table(LocalAws aws, @TempDir Path dir) throws Exception {
        cli = new CliHarness(aws, dir);
        cli.store.apply(addr("hard@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General",
                Provenance.of(Source.SES_BOUNCE, T).withCampaign("c-1")));
        cli.store.apply(addr("soft@example.com"), Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "MailboxFull",
                Provenance.of(Source.SES_BOUNCE, T.plusSeconds(60))));
        cli.store.apply(addr("spam@example.com"), Change.withDetail(Action.COMPLAINT, "abuse",
                Provenance.of(Source.SES_COMPLAINT, T.plusSeconds(120))));
        cli.store.apply(addr("all@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T.plusSeconds(180))));
        cli.store.apply(addr("topic@example.com"), Change.unsubscribeTopic("promotions", Provenance.of(Source.PREFERENCE_CENTER, T.plusSeconds(240))));
    }

    private List<String> csv(String... options) {
        String[] all = new String[options.length + 4];
        all[0] = "export";
        all[1] = "--local";
        all[2] = "--actor";
        all[3] = "ops";
        System.arraycopy(options, 0, all, 4, options.length);
        CliHarness.Result r = cli.run(all);
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("email,reason,topic,at,source");
        return lines.subList(1, lines.size());
    }

    @Test
    void eachReasonExportsItsOwnMarksAndUnsubscribeTakesTopicsToo() {
        assertThat(csv("--reason", "hard_bounce")).containsExactly("hard@example.com,hard_bounce,," + T + ",SES_BOUNCE");
        assertThat(csv("--reason", "soft_bounce")).containsExactly("soft@example.com,soft_bounce,," + T.plusSeconds(60) + ",SES_BOUNCE");
        assertThat(csv("--reason", "complaint", "--segments", "1"))
                .containsExactly("spam@example.com,complaint,," + T.plusSeconds(120) + ",SES_COMPLAINT");
        assertThat(csv("--reason", "unsubscribe")).containsExactlyInAnyOrder(
                "all@example.com,unsubscribe,," + T.plusSeconds(180) + ",ONE_CLICK",
                "topic@example.com,unsubscribe,promotions," + T.plusSeconds(240) + ",PREFERENCE_CENTER");
        assertThat(csv()).hasSize(5);
    }

    @Test
    void optInsExportTheStandingOptInsWithTheirEvidenceAndNoSuppression() {
        cli.store.apply(addr("keen@example.com"), dev.optout.optin.OptInEvidence.attach(Change.subscribeTopic("events",
                        new Provenance(Source.CONFIRMED_OPT_IN, T.plusSeconds(300), null, null, Map.of())),
                dev.optout.optin.OptInEvidence.shown("form", "Events: invitations").from("203.0.113.9", "UA",
                        dev.optout.optin.OptInEvidence.IpRetention.TRUNCATED).confirmed(T.plusSeconds(100), T.plusSeconds(300))));
        cli.store.apply(addr("undone@example.com"), Change.subscribeTopic("events", Provenance.of(Source.PREFERENCE_CENTER, T)));
        cli.store.apply(addr("undone@example.com"), Change.unsubscribeTopic("events", Provenance.of(Source.ONE_CLICK, T.plusSeconds(10))));

        CliHarness.Result r = cli.run("export", "--local", "--actor", "ops", "--opt-ins");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly("email,topic,at,source,channel,wording_version,requested_at,confirmed_at,ip",
                "keen@example.com,events," + T.plusSeconds(300) + ",CONFIRMED_OPT_IN,form,"
                        + dev.optout.optin.OptInEvidence.versionOf("Events: invitations") + "," + T.plusSeconds(100) + ","
                        + T.plusSeconds(300) + ",203.0.113.0/24");
        assertThat(r.err()).contains("exported 1 opt-in(s)");
    }

    @Test
    void bounceIsTheSameReasonAsHardBounceAsImportSpellsIt() {
        assertThat(csv("--reason", "bounce")).containsExactly("hard@example.com,hard_bounce,," + T + ",SES_BOUNCE");
    }

    @Test
    void sinceKeepsMarksSetAtOrAfterIt() {
        assertThat(csv("--since", T.plusSeconds(180).toString())).containsExactlyInAnyOrder(
                "all@example.com,unsubscribe,," + T.plusSeconds(180) + ",ONE_CLICK",
                "topic@example.com,unsubscribe,promotions," + T.plusSeconds(240) + ",PREFERENCE_CENTER");
    }

    @Test
    void jsonLinesCarryTheCampaignAndTopicWhereThereIsOne() throws Exception {
        CliHarness.Result r = cli.run("export", "--local", "--actor", "ops", "--format", "jsonl");
        assertThat(r.err()).contains("exported 5 suppression(s)").doesNotContain("erased");
        JsonNode hard = null;
        JsonNode topic = null;
        for (String line : r.out().strip().lines().toList()) {
            JsonNode n = Json.MAPPER.readTree(line);
            if (n.path("email").asText().startsWith("hard")) {
                hard = n;
            } else if (n.path("email").asText().startsWith("topic")) {
                topic = n;
            }
        }
        assertThat(hard.path("reason").asText()).isEqualTo("hard_bounce");
        assertThat(hard.path("campaignId").asText()).isEqualTo("c-1");
        assertThat(hard.path("at").asText()).isEqualTo(T.toString());
        assertThat(hard.path("source").asText()).isEqualTo("SES_BOUNCE");
        assertThat(hard.has("topic")).isFalse();
        assertThat(topic.path("topic").asText()).isEqualTo("promotions");
        assertThat(topic.has("campaignId")).isFalse();
    }

    @Test
    void anOutputFileThatCannotBeWrittenIsRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("no-such-dir").resolve("export.csv");
        CliHarness.Result r = cli.run("export", "--local", "--actor", "ops", "--out", out.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot write " + out);

        Path ok = dir.resolve("export.csv");
        CliHarness.Result written = cli.run("export", "--local", "--actor", "ops", "--out", ok.toString());
        assertThat(written.err()).contains("exported 5 suppression(s) to " + ok);
        assertThat(written.out()).isEmpty();
        assertThat(Files.readAllLines(ok)).hasSize(6);
    }
}
