package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalIam;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.BlockReason;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.SendPolicy;
import dev.optout.suppression.Source;
import dev.optout.token.LinkToken;
import dev.optout.topic.TopicCatalog;
import dev.optout.unsubscribe.UnsubscribeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** lookup, suppress, lift, forget, export and the exit codes, against the local AWS (moto). */
@ExtendWith(LocalAwsExtension.class)
class OperatorCommandsIT {
    private static final Instant T = Instant.parse("2026-10-01T08:00:00Z");
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private CliHarness cli;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        cli = new CliHarness(aws, dir);
    }

    @Test
    void lookupOfAnUnknownAddressAnswersTheTopicDefaults() throws Exception {
        CliHarness.Result r = cli.run("lookup", "--local", "--actor", "ops", "Someone <Someone@Example.COM>", "--json");
        assertThat(r.code()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.path("address").asText()).isEqualTo("someone@example.com");
        assertThat(json.path("known").asBoolean()).isFalse();
        assertThat(json.path("check").path("newsletter").path("allowed").asBoolean()).isTrue();
        assertThat(json.path("check").path("events").path("reason").asText()).isEqualTo("NOT_OPTED_IN");
    }

    @Test
    void suppressRecordsTheOperatorActorAndReasonAndTheCheckBlocks() throws Exception {
        CliHarness.Result r = cli.run("suppress", "--local", "--actor", "ana@support", "Budi@Example.com", "--reason", "ticket 4411");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("suppressed budi@example.com from all marketing mail");

        JsonNode json = Json.MAPPER.readTree(cli.run("lookup", "--local", "--actor", "x", "budi@example.com", "--json").out());
        assertThat(json.path("check").path("newsletter").path("reason").asText()).isEqualTo("UNSUBSCRIBED_ALL");
        assertThat(json.path("marks").path("unsubscribe").path("source").asText()).isEqualTo("OPERATOR");
        JsonNode event = json.path("history").path(0);
        assertThat(event.path("action").asText()).isEqualTo("UNSUBSCRIBE_ALL");
        assertThat(event.path("source").asText()).isEqualTo("OPERATOR");
        assertThat(event.path("actor").asText()).isEqualTo("ana@support");
        assertThat(event.path("reason").asText()).isEqualTo("ticket 4411");
    }

    @Test
    void theActorIsTheCallersIdentityFromStsWhenNotGiven() {
        assertThat(cli.run("suppress", "--local", "sts@example.com", "--reason", "r").code()).isZero();
        HistoryEvent e = cli.store.fullHistory(addr("sts@example.com")).get(0);
        // STS GetCallerIdentity names the caller: locally the admin user (an IAM user's ARN, as on AWS)
        String caller = ":user/" + LocalIam.ADMIN_USER;
        assertThat(e.actor()).startsWith("arn:aws:").endsWith(caller);

        assertThat(cli.run("suppress", "--local", "--actor", " ", "blank@example.com", "--reason", "r").code()).isZero();
        assertThat(cli.store.fullHistory(addr("blank@example.com")).get(0).actor()).as("a blank --actor names no one").endsWith(caller);
        assertThat(cli.run("suppress", "--local", "--actor", " ana@support ", "padded@example.com", "--reason", "r").code()).isZero();
        assertThat(cli.store.fullHistory(addr("padded@example.com")).get(0).actor()).isEqualTo("ana@support");
    }

    @Test
    void suppressingOneTopicBlocksOnlyThatTopic() {
        assertThat(cli.run("suppress", "--local", "--actor", "ops", "citra@example.com", "--topic", "promotions", "--reason", "asked by phone").code()).isZero();
        AddressState s = cli.store.read(addr("citra@example.com"));
        assertThat(SendPolicy.decide(s, catalog.require("promotions")).reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(SendPolicy.decide(s, catalog.require("newsletter")).allowed()).isTrue();
    }

    @Test
    void anUnknownTopicIsAUsageErrorThatNamesTheTopicsAndChangesNothing() {
        CliHarness.Result r = cli.run("suppress", "--local", "--actor", "ops", "citra@example.com", "--topic", "nope", "--reason", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nope").contains("newsletter");
        assertThat(cli.itemCount()).isZero();
    }

    @Test
    void aHardBounceIsLiftedWithoutConsent() {
        cli.store.apply(addr("dewi@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T)));
        CliHarness.Result r = cli.run("lift", "--local", "--actor", "ops", "dewi@example.com", "--reason", "mailbox fixed, ticket 9");
        assertThat(r.code()).as(r.err()).isZero();
        AddressState s = cli.store.read(addr("dewi@example.com"));
        assertThat(s.hardBounce()).isNull();
        assertThat(SendPolicy.decide(s, catalog.require("newsletter")).allowed()).isTrue();
        HistoryEvent lift = cli.store.fullHistory(addr("dewi@example.com")).get(0);
        assertThat(lift.action()).isEqualTo(Action.LIFT_BOUNCE);
        assertThat(lift.reason()).isEqualTo("mailbox fixed, ticket 9");
    }

    @Test
    void aComplaintIsLiftedOnlyWithConsentAndWithoutItNothingChanges() {
        cli.store.apply(addr("eka@example.com"), Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, T)));
        CliHarness.Result refused = cli.run("lift", "--local", "--actor", "ops", "eka@example.com", "--reason", "customer called");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("complaint").contains("--consent").contains("Nothing was changed");
        assertThat(cli.store.read(addr("eka@example.com")).complaint()).isNotNull();
        assertThat(cli.store.fullHistory(addr("eka@example.com"))).hasSize(1);

        CliHarness.Result lifted = cli.run("lift", "--local", "--actor", "ops", "eka@example.com", "--reason", "customer called",
                "--consent", "double opt-in confirmed 2026-11-20, ref 77");
        assertThat(lifted.code()).as(lifted.err()).isZero();
        assertThat(cli.store.read(addr("eka@example.com")).complaint()).isNull();
        HistoryEvent e = cli.store.fullHistory(addr("eka@example.com")).get(0);
        assertThat(e.action()).isEqualTo(Action.RESUBSCRIBE_ALL);
        assertThat(e.source()).isEqualTo(Source.OPERATOR);
        assertThat(e.evidence()).containsEntry("consent", "double opt-in confirmed 2026-11-20, ref 77");
    }

    @Test
    void anUnsubscribeThePersonMadeNeedsConsentButAnOperatorsOwnDoesNot() {
        cli.store.apply(addr("fajar@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T)));
        assertThat(cli.run("lift", "--local", "--actor", "ops", "fajar@example.com", "--reason", "r").code()).isEqualTo(1);
        assertThat(cli.store.read(addr("fajar@example.com")).unsubscribedAll()).isNotNull();

        cli.run("suppress", "--local", "--actor", "ops", "gita@example.com", "--reason", "by mistake");
        CliHarness.Result r = cli.run("lift", "--local", "--actor", "ops", "gita@example.com", "--reason", "undo my mistake");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(cli.store.read(addr("gita@example.com")).operatorHold()).isNull();
        assertThat(cli.store.read(addr("gita@example.com")).unsubscribedAll()).isNull();
    }

    @Test
    void anOperatorsSuppressDoesNotHideThePersonsOwnLaterOneClick() {
        cli.run("suppress", "--local", "--actor", "ops", "hadi@example.com", "--reason", "support ticket 12");
        // the person then unsubscribes themselves with the one-click button
        cli.store.apply(addr("hadi@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T.plusSeconds(60))));

        CliHarness.Result lift = cli.run("lift", "--local", "--actor", "ops", "hadi@example.com", "--reason", "ticket closed");
        assertThat(lift.code()).isEqualTo(1);
        assertThat(lift.err()).contains("an unsubscribe the person made");
        var state = cli.store.read(addr("hadi@example.com"));
        assertThat(state.unsubscribedAll().source()).isEqualTo(Source.ONE_CLICK);
        assertThat(state.operatorHold()).isNotNull();
        assertThat(cli.run("lookup", "--local", "hadi@example.com").out()).contains("unsubscribe ", "ONE_CLICK", "operator_hold");
    }

    @Test
    void forgetSticksAcrossALaterOneClickAndBounceAndTheAddressStaysBlocked() {
        String address = "Hana.Forget@Example.com";
        cli.store.apply(addr(address), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T)
                .withEvidence(Map.of("diagnosticCode", "smtp; 550 5.1.1 <hana.forget@example.com>: no such user",
                        "reportingMta", "dsn; mx.example.com", "sesMessageId", "0100-abc"))));
        cli.run("suppress", "--local", "--actor", "ops", address, "--reason", "request from hana.forget@example.com");
        assertThat(cli.wholeTable()).contains("hana.forget@example.com");

        CliHarness.Result r = cli.run("forget", "--local", "--actor", "dpo@corp", address);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("stays blocked (BOUNCED)");
        assertThat(cli.wholeTable()).doesNotContain("hana.forget");

        // later: the person clicks an old one-click link, and a bounce arrives
        new UnsubscribeService(cli.store, Clock.systemUTC()).unsubscribe(
                new LinkToken(addr(address), "newsletter", "c-9", T), UnsubscribeService.Scope.TOPIC, Source.ONE_CLICK);
        cli.store.apply(addr(address), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T.plusSeconds(60))
                .withEvidence(Map.of("diagnosticCode", "550 hana.forget@example.com unknown"))).once("fb-2/hana"));

        assertThat(cli.wholeTable()).doesNotContain("hana.forget");
        AddressState s = cli.store.read(addr(address));
        assertThat(s.address()).isNull();
        assertThat(s.topicOptOuts()).containsKey("newsletter");
        assertThat(SendPolicy.decide(s, catalog.require("newsletter")).reason()).isEqualTo(BlockReason.BOUNCED);
        // newest first by when each change was made: the late bounce (made at T + 60 s) sorts below today's acts
        assertThat(cli.store.fullHistory(addr(address))).extracting(HistoryEvent::action)
                .containsExactly(Action.UNSUBSCRIBE_TOPIC, Action.FORGET_ADDRESS, Action.UNSUBSCRIBE_ALL, Action.HARD_BOUNCE, Action.HARD_BOUNCE);
    }

    @Test
    void exportStreamsEverySuppressionStillKnownAndLeavesErasedOnesOut() throws Exception {
        cli.store.apply(addr("a1@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T)));
        cli.store.apply(addr("a2@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, T.plusSeconds(3600))));
        cli.store.apply(addr("a3@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T.plusSeconds(7200))));
        cli.store.apply(addr("a4@example.com"), Change.frequency(null, dev.optout.suppression.Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_API, T)));
        cli.run("forget", "--local", "--actor", "ops", "a3@example.com");

        Path out = cli.stateDir.resolve("export.csv");
        CliHarness.Result r = cli.run("export", "--local", "--actor", "ops", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("email,reason,topic,at,source");
        assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
                "a1@example.com,hard_bounce,," + T + ",SES_BOUNCE",
                "a2@example.com,unsubscribe,newsletter," + T.plusSeconds(3600) + ",ONE_CLICK");
        assertThat(r.err()).contains("1 erased address");

        CliHarness.Result jsonl = cli.run("export", "--local", "--actor", "ops", "--format", "jsonl", "--reason", "unsubscribe",
                "--since", "2026-10-01T08:30:00Z");
        assertThat(jsonl.out().strip().lines().toList()).hasSize(1);
        JsonNode line = Json.MAPPER.readTree(jsonl.out().strip());
        assertThat(line.path("email").asText()).isEqualTo("a2@example.com");
        assertThat(line.path("topic").asText()).isEqualTo("newsletter");
    }

    @Test
    void anExportReadsBackAsAnImportThatChangesNothing() {
        cli.store.apply(addr("round@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T)));
        Path out = cli.stateDir.resolve("round.csv");
        cli.run("export", "--local", "--actor", "ops", "--out", out.toString());
        CliHarness.Result r = cli.run("import", "--local", "--actor", "ops", out.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("0 new, 1 already suppressed");
        assertThat(cli.store.fullHistory(addr("round@example.com"))).hasSize(1);
    }

    @Test
    void usageErrorsExitWith2AndSayWhatToDo() throws Exception {
        assertThat(cli.run("lookup", "--local", "not-an-address").code()).isEqualTo(2);
        CliHarness.Result noReason = cli.run("suppress", "--local", "x@example.com");
        assertThat(noReason.code()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        assertThat(cli.run("frobnicate").code()).isEqualTo(2);
        assertThat(cli.run("lookup", "--local", "--stack", "s", "x@example.com").code()).isEqualTo(2);

        Files.delete(cli.stateDir.resolve("local.json"));
        CliHarness.Result noTarget = cli.run("lookup", "x@example.com");
        assertThat(noTarget.code()).isEqualTo(2);
        assertThat(noTarget.err()).contains("--local").contains("--stack");
        CliHarness.Result notRunning = cli.run("lookup", "--local", "x@example.com");
        assertThat(notRunning.code()).isEqualTo(1);
        assertThat(notRunning.err()).contains("./optout local");
    }

    @Test
    void aStackIsFoundByItsOutputsWithCredentialsFromTheDefaultChain() throws Exception {
        String arn = Json.MAPPER.readTree(Files.readString(cli.stateDir.resolve("local.json"))).path("addressHashKeySecretArn").asText();
        String template = "{\"Resources\":{\"Marker\":{\"Type\":\"AWS::SNS::Topic\"}},\"Outputs\":{"
                + "\"SuppressionTableName\":{\"Value\":\"" + cli.table + "\"},"
                + "\"AddressHashKeySecretArn\":{\"Value\":\"" + arn + "\"}}}";
        try (var cfn = cli.aws.client(software.amazon.awssdk.services.cloudformation.CloudFormationClient.builder())) {
            cfn.createStack(r -> r.stackName("optout-prod").templateBody(template));
        }
        // the local endpoint's admin identity, as an operator's profile would hold it
        System.setProperty("aws.accessKeyId", cli.aws.credentials().resolveCredentials().accessKeyId());
        System.setProperty("aws.secretAccessKey", cli.aws.credentials().resolveCredentials().secretAccessKey());
        try {
            String endpoint = cli.aws.endpoint().toString();
            CliHarness.Result r = cli.run("suppress", "--stack", "optout-prod", "--region", cli.aws.region(), "--endpoint-url", endpoint,
                    "--actor", "ops", "stack@example.com", "--reason", "via the stack");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("suppressed stack@example.com");
            assertThat(cli.store.read(addr("stack@example.com")).operatorHold()).isNotNull();

            try (var cfn = cli.aws.client(software.amazon.awssdk.services.cloudformation.CloudFormationClient.builder())) {
                cfn.createStack(c -> c.stackName("optout-old").templateBody(template.replace("\"AddressHashKeySecretArn\"", "\"Other\"")));
            }
            CliHarness.Result old = cli.run("lookup", "--stack", "optout-old", "--region", cli.aws.region(), "--endpoint-url", endpoint,
                    "--actor", "ops", "stack@example.com");
            assertThat(old.code()).isEqualTo(1);
            assertThat(old.err()).contains("stack optout-old has no output AddressHashKeySecretArn", "deploy the current template.yaml");

            CliHarness.Result missing = cli.run("lookup", "--stack", "no-such-stack", "--region", cli.aws.region(),
                    "--endpoint-url", endpoint, "--actor", "ops", "stack@example.com");
            assertThat(missing.code()).isEqualTo(1);
            assertThat(missing.err()).contains("cannot read stack no-such-stack");
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("lookup", "suppress", "lift", "forget", "import", "export")) {
            CliHarness.Result r = cli.run(command, "--help");
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("Usage: optout " + command).contains("--local").contains("--stack");
        }
        assertThat(cli.run("--help").out()).contains("lookup", "suppress", "lift", "forget", "import", "export");
    }
}
