package dev.optout.cli;

import static dev.optout.cli.CliHarness.addr;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What lookup shows an operator (text and JSON) for addresses with every kind of mark, choice
 * and history event; which marks lift takes, what it says, and what forget answers.
 */
@ExtendWith(LocalAwsExtension.class)
class LookupLiftForgetIT {
    private static final Instant T = Instant.parse("2026-10-01T08:00:00Z");
    private CliHarness cli;

    @BeforeEach
    void localInstance(LocalAws aws, @TempDir Path dir) throws Exception {
        cli = new CliHarness(aws, dir);
    }

    private CliHarness.Result run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "--local";
        all[2] = "--actor=ops";
        System.arraycopy(args, 1, all, 3, args.length - 1);
        return cli.run(all);
    }

    private void apply(String address, Change change) {
        cli.store.apply(addr(address), change);
    }

    private Instant t(int minutes) {
        return T.plusSeconds(60L * minutes);
    }

    /** Every mark, choice and kind of history field on one address. */
    private void everything(String address) {
        apply(address, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, t(0)).withCampaign("c-1")
                .withEvidence(Map.of("reportingMta", "dsn; mx.example.com", "sesMessageId", "0100-abc"))));
        apply(address, Change.withDetail(Action.SOFT_BOUNCE, "MailboxFull", Provenance.of(Source.SES_BOUNCE, t(1))));
        apply(address, Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "MailboxFull", Provenance.of(Source.SES_BOUNCE, t(2))));
        apply(address, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, t(3))));
        apply(address, Change.subscribeTopic("events", Provenance.of(Source.PREFERENCE_CENTER, t(4))));
        apply(address, Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, t(5)).withTokenIssuedAt(t(-60))));
        apply(address, Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, t(6))));
        apply(address, Change.frequency(null, Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_CENTER, t(7))));
        apply(address, Change.frequency("product-updates", Frequency.MONTHLY, Provenance.of(Source.PREFERENCE_CENTER, t(8))));
        apply(address, Change.unsubscribeAll(Provenance.byOperator(Source.OPERATOR, t(9), "ana@support", "ticket 4411")));
    }

    @Test
    void lookupShowsEveryMarkStrongestFirstEveryChoiceAndTheWholeHistoryNewestFirst() {
        everything("rich@example.com");
        CliHarness.Result r = run("lookup", "Rich <RICH@example.com>");
        assertThat(r.code()).as(r.err()).isZero();
        String out = r.out();
        assertThat(out).startsWith("rich@example.com   (the local instance (table " + cli.table + "))\n")
                .doesNotContain("never seen").doesNotContain("forgotten");
        assertThat(out).contains("check (what the pre-send check answers now):\n  newsletter         blocked: BOUNCED since " + t(0) + "\n");
        List<String> marks = List.of(
                "  hard_bounce                    " + t(0) + "  SES_BOUNCE  campaign=c-1  (General)\n",
                "  soft_bounce                    " + t(2) + "  SES_BOUNCE  (MailboxFull)\n",
                "  complaint                      " + t(3) + "  SES_COMPLAINT  (abuse)\n",
                "  unsubscribe                    " + t(9) + "  OPERATOR\n",
                "  unsubscribe:newsletter         " + t(6) + "  ONE_CLICK\n",
                "  unsubscribe:promotions         " + t(5) + "  ONE_CLICK\n");
        assertThat(out).containsSubsequence(marks).doesNotContain("  none\n");
        assertThat(out).containsSubsequence("choices:\n",
                "  opted in to events             " + t(4) + "  PREFERENCE_CENTER\n",
                "  frequency overall: WEEKLY\n",
                "  frequency for product-updates: MONTHLY\n",
                "  soft bounces counted: [" + t(1) + "]\n");
        assertThat(out).containsSubsequence("history (newest first, 10):\n",
                "  " + t(9) + "  UNSUBSCRIBE_ALL  OPERATOR  actor=ana@support  reason=\"ticket 4411\"\n",
                "  " + t(8) + "  SET_FREQUENCY  PREFERENCE_CENTER  topic=product-updates  frequency=MONTHLY\n",
                "  " + t(7) + "  SET_FREQUENCY  PREFERENCE_CENTER  frequency=WEEKLY\n",
                "  " + t(5) + "  UNSUBSCRIBE_TOPIC  ONE_CLICK  topic=promotions\n",
                "  " + t(0) + "  HARD_BOUNCE  SES_BOUNCE  campaign=c-1  {reportingMta=dsn; mx.example.com, sesMessageId=0100-abc}\n");
    }

    @Test
    void lookupShowsWhenASoftBounceStopExpiresByPolicyAndThatAnOldOneHasExpired() throws Exception {
        Instant recent = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(3600);
        apply("full@example.com", Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "MailboxFull", Provenance.of(Source.SES_BOUNCE, recent)));
        Instant until = recent.plus(java.time.Duration.ofDays(7));
        String out = run("lookup", "full@example.com").out();
        assertThat(out).contains("  newsletter         blocked: BOUNCED since " + recent + " until " + until + " (expires by policy)\n")
                .contains("  soft-bounce stop expires by policy at " + until + "\n");
        JsonNode json = Json.MAPPER.readTree(run("lookup", "full@example.com", "--json").out());
        assertThat(json.path("check").path("newsletter").path("until").asText()).isEqualTo(until.toString());

        apply("emptied@example.com", Change.withDetail(Action.SOFT_BOUNCE_SUPPRESS, "MailboxFull", Provenance.of(Source.SES_BOUNCE, T)));
        String expired = run("lookup", "emptied@example.com").out();
        assertThat(expired).contains("  newsletter         allowed (IMMEDIATE)\n")
                .contains("  soft-bounce stop expired by policy at " + T.plus(java.time.Duration.ofDays(7)) + ": mail may go again (no write needed)\n");
    }

    @Test
    void lookupJsonCarriesTheSameFactsForASubjectAccessRequest() throws Exception {
        everything("rich@example.com");
        JsonNode json = Json.MAPPER.readTree(run("lookup", "rich@example.com", "--json").out());
        assertThat(json.path("known").asBoolean()).isTrue();
        assertThat(json.path("addressKept").asBoolean()).isTrue();
        assertThat(json.has("forgotten")).isFalse();
        assertThat(json.path("key").asText()).isEqualTo(cli.store.read(addr("rich@example.com")).key());
        JsonNode newsletter = json.path("check").path("newsletter");
        assertThat(newsletter.path("allowed").asBoolean()).isFalse();
        assertThat(newsletter.path("reason").asText()).isEqualTo("BOUNCED");
        assertThat(newsletter.path("since").asText()).isEqualTo(t(0).toString());
        assertThat(newsletter.has("frequency")).isFalse();
        assertThat(json.path("marks").fieldNames()).toIterable().containsExactly("hard_bounce", "soft_bounce", "complaint", "unsubscribe",
                "unsubscribe:newsletter", "unsubscribe:promotions");
        JsonNode hard = json.path("marks").path("hard_bounce");
        assertThat(hard.path("at").asText()).isEqualTo(t(0).toString());
        assertThat(hard.path("source").asText()).isEqualTo("SES_BOUNCE");
        assertThat(hard.path("campaignId").asText()).isEqualTo("c-1");
        assertThat(hard.path("detail").asText()).isEqualTo("General");
        assertThat(json.path("marks").path("unsubscribe").has("campaignId")).isFalse();
        assertThat(json.path("marks").path("unsubscribe").has("detail")).isFalse();
        assertThat(json.path("topicOptIns").path("events").path("source").asText()).isEqualTo("PREFERENCE_CENTER");
        assertThat(json.path("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(json.path("topicFrequency").path("product-updates").asText()).isEqualTo("MONTHLY");
        assertThat(json.path("softBounces").get(0).asText()).isEqualTo(t(1).toString());
        JsonNode history = json.path("history");
        assertThat(history.size()).isEqualTo(10);
        JsonNode operator = history.get(0);
        assertThat(operator.path("action").asText()).isEqualTo("UNSUBSCRIBE_ALL");
        assertThat(operator.path("at").asText()).isEqualTo(t(9).toString());
        assertThat(operator.path("actor").asText()).isEqualTo("ana@support");
        assertThat(operator.path("reason").asText()).isEqualTo("ticket 4411");
        assertThat(operator.has("topic")).isFalse();
        assertThat(operator.has("evidence")).isFalse();
        assertThat(history.get(1).path("topic").asText()).isEqualTo("product-updates");
        assertThat(history.get(1).path("frequency").asText()).isEqualTo("MONTHLY");
        assertThat(history.get(4).path("tokenIssuedAt").asText()).isEqualTo(t(-60).toString());
        JsonNode bounce = history.get(9);
        assertThat(bounce.path("campaignId").asText()).isEqualTo("c-1");
        assertThat(bounce.path("evidence").path("sesMessageId").asText()).isEqualTo("0100-abc");
        assertThat(bounce.has("actor")).isFalse();
    }

    @Test
    void lookupOfAnAddressWithChoicesOnlyShowsWhatIsAllowedAndAtWhichFrequency() throws Exception {
        apply("choosy@example.com", Change.frequency(null, Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_CENTER, t(0))));
        CliHarness.Result r = run("lookup", "choosy@example.com");
        assertThat(r.out()).contains("  newsletter         allowed (WEEKLY)\n", "  events             blocked: NOT_OPTED_IN\n",
                "marks:\n  none\n", "choices:\n  frequency overall: WEEKLY\n", "history (newest first, 1):\n");
        JsonNode json = Json.MAPPER.readTree(run("lookup", "choosy@example.com", "--json").out());
        assertThat(json.path("check").path("newsletter").path("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(json.path("check").path("newsletter").has("reason")).isFalse();
        assertThat(json.path("check").path("events").has("since")).isFalse();

        apply("optout@example.com", Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, t(0))));
        assertThat(run("lookup", "optout@example.com").out()).doesNotContain("choices:");
    }

    @Test
    void lookupOfAnAddressNeverSeenAndOfAForgottenOne() throws Exception {
        assertThat(run("lookup", "new@example.com").out()).contains("  never seen: no marks, no history", "marks:\n  none\n",
                "history (newest first, 0):\n").doesNotContain("choices:");

        apply("gone@example.com", Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, t(0))));
        assertThat(run("forget", "gone@example.com").code()).isZero();
        Instant forgotten = cli.store.read(addr("gone@example.com")).forgotten().at();
        assertThat(run("lookup", "gone@example.com").out()).contains("  forgotten on " + forgotten + ": the address is no longer kept in clear")
                .doesNotContain("never seen");
        JsonNode json = Json.MAPPER.readTree(run("lookup", "gone@example.com", "--json").out());
        assertThat(json.path("addressKept").asBoolean()).isFalse();
        assertThat(json.path("forgotten").path("at").asText()).isEqualTo(forgotten.toString());
        assertThat(json.path("forgotten").path("source").asText()).isEqualTo("OPERATOR");
    }

    @Test
    void liftTakesSoftBouncesCountedBeforeAnySuppression() {
        apply("soft@example.com", Change.withDetail(Action.SOFT_BOUNCE, "MailboxFull", Provenance.of(Source.SES_BOUNCE, t(0))));
        CliHarness.Result r = run("lift", "soft@example.com", "--reason", "mailbox emptied");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("lifted soft bounces for soft@example.com (recorded: OPERATOR, actor ops)\n");
        assertThat(cli.store.read(addr("soft@example.com")).softBounceTimes()).isEmpty();
        assertThat(cli.store.fullHistory(addr("soft@example.com")).get(0).action()).isEqualTo(Action.LIFT_BOUNCE);
    }

    @Test
    void liftNamesEveryProtectedMarkAndWithConsentLiftsThemAllButTopicOptOuts() {
        String a = "both@example.com";
        apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, t(0))));
        apply(a, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, t(1))));
        apply(a, Change.unsubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, t(2))));
        apply(a, Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, t(3))));

        CliHarness.Result refused = run("lift", a, "--reason", "customer called");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("refused: both@example.com has a complaint (" + t(1) + "  SES_COMPLAINT  (abuse)) and "
                + "an unsubscribe the person made (" + t(2) + "  PREFERENCE_CENTER)");
        assertThat(cli.store.fullHistory(addr(a))).hasSize(4);

        CliHarness.Result r = run("lift", a, "--reason", "customer called", "--consent", " signed up again, ref 8812 ");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("lifted hard bounce, complaint, unsubscribe for both@example.com "
                + "(recorded: OPERATOR, actor ops, with the consent evidence)\n").contains("  topic opt-outs stay: [promotions]\n")
                .endsWith("  check it: ./optout lookup both@example.com\n");
        var s = cli.store.read(addr(a));
        assertThat(List.of(s.hardBounce() == null, s.complaint() == null, s.unsubscribedAll() == null)).containsOnly(true);
        assertThat(s.topicOptOuts()).containsKey("promotions");
        HistoryEvent resubscribe = cli.store.fullHistory(addr(a)).get(0);
        assertThat(resubscribe.action()).isEqualTo(Action.RESUBSCRIBE_ALL);
        assertThat(resubscribe.evidence()).containsEntry("consent", "signed up again, ref 8812");
        assertThat(resubscribe.reason()).isEqualTo("customer called");
    }

    @Test
    void anOperatorsOwnUnsubscribeIsNotProtectedButAComplaintBesideItIs() {
        String a = "mixed@example.com";
        apply(a, Change.unsubscribeAll(Provenance.byOperator(Source.OPERATOR, t(0), "ops", "by mistake")));
        apply(a, Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, t(1))));
        CliHarness.Result refused = run("lift", a, "--reason", "r");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("has a complaint (").doesNotContain("unsubscribe the person made");

        apply("op@example.com", Change.unsubscribeAll(Provenance.byOperator(Source.OPERATOR, t(0), "ops", "by mistake")));
        CliHarness.Result r = run("lift", "op@example.com", "--reason", "undo");
        assertThat(r.out()).startsWith("lifted unsubscribe for op@example.com (recorded: OPERATOR, actor ops)\n")
                .doesNotContain("topic opt-outs stay");
    }

    @Test
    void liftOfAnAddressWithNothingToLiftChangesNothingAndPointsTopicOptOutsToThePerson() {
        CliHarness.Result none = run("lift", "clean@example.com", "--reason", "r");
        assertThat(none.code()).isZero();
        assertThat(none.out()).isEqualTo("clean@example.com has no bounce, unsubscribe or complaint to lift: nothing changed.\n");

        apply("topics@example.com", Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, t(0))));
        CliHarness.Result topics = run("lift", "topics@example.com", "--reason", "r");
        assertThat(topics.out()).contains("nothing changed", "(topic opt-outs [promotions] are the person's own choices");
        assertThat(cli.store.fullHistory(addr("topics@example.com"))).hasSize(1);
    }

    @Test
    void forgetSaysWhenThereIsNothingToEraseAndWhenTheAddressHadNoSuppression() {
        CliHarness.Result unknown = run("forget", "nobody@example.com");
        assertThat(unknown.code()).isZero();
        assertThat(unknown.out()).contains("is not in the table", "Nothing changed");
        assertThat(cli.itemCount()).isZero();

        apply("weekly@example.com", Change.frequency(null, Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_CENTER, t(0))));
        CliHarness.Result r = run("forget", "weekly@example.com", "--reason", " ticket 7 ");
        assertThat(r.out()).contains("forgot weekly@example.com", "it had no suppression").doesNotContain("stays blocked");
        HistoryEvent forget = cli.store.fullHistory(addr("weekly@example.com")).get(0);
        assertThat(forget.action()).isEqualTo(Action.FORGET_ADDRESS);
        assertThat(forget.reason()).isEqualTo("ticket 7");
        assertThat(forget.actor()).isEqualTo("ops");
    }

    @Test
    void suppressingATopicSaysSoAndWhenItTookEffect() {
        CliHarness.Result r = run("suppress", "t@example.com", "--topic", "promotions", "--reason", " asked by phone ");
        assertThat(r.code()).as(r.err()).isZero();
        Instant at = cli.store.read(addr("t@example.com")).topicOptOuts().get("promotions").at();
        assertThat(r.out()).isEqualTo("suppressed t@example.com from topic promotions (in effect since " + at + ", OPERATOR)\n"
                + "  recorded: OPERATOR, actor ops, reason \"asked by phone\"\n"
                + "  check it: ./optout lookup t@example.com\n");
    }
}
