package dev.optout.suppression;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/** What each kind of change does to an address's state and history, against moto through the real SDK. */
@ExtendWith(LocalAwsExtension.class)
class SuppressionStoreActionsIT {
    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    private LocalAws aws;
    private String table;
    private StoreFixture fixture;
    private SuppressionStore store;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @BeforeEach
    void freshTable(LocalAws aws) {
        this.aws = aws;
        fixture = StoreFixture.on(aws);
        table = fixture.table();
        store = fixture.store();
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static Provenance at(Source source, long seconds) {
        return Provenance.of(source, T.plusSeconds(seconds));
    }

    private Map<String, AttributeValue> stateItem(EmailAddress a) {
        return aws.dynamoDb().getItem(r -> r.tableName(table).key(TableLayout.stateKey(KEYS.keyOf(a))).consistentRead(true)).item();
    }

    @Test
    void theHistoryKeepsTheProofOfAnOptOutTheLinksIssueTimeTheCampaignAndTheEvidence() {
        EmailAddress a = addr("proof@example.com");
        Instant issued = T.minusSeconds(86_400);
        store.apply(a, Change.unsubscribeTopic("promotions", at(Source.ONE_CLICK, 0).withCampaign("2026-11-weekly")
                .withTokenIssuedAt(issued).withEvidence(Map.of("userAgent", "Mozilla/5.0"))));

        HistoryEvent event = store.fullHistory(a).get(0);

        assertThat(event).isEqualTo(new HistoryEvent(Action.UNSUBSCRIBE_TOPIC, T, Source.ONE_CLICK, "promotions", null,
                "2026-11-weekly", issued, Map.of("userAgent", "Mozilla/5.0")));
        assertThat(store.read(a).topicOptOuts().get("promotions").campaignId()).isEqualTo("2026-11-weekly");
    }

    @Test
    void historyIsNewestFirstByWhenEachChangeWasMadeNotByWhenItArrived() {
        EmailAddress a = addr("late@example.com");
        store.apply(a, Change.unsubscribeTopic("promotions", at(Source.PREFERENCE_CENTER, 60)));
        // an SES bounce from before, delivered late
        store.apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", at(Source.SES_BOUNCE, 0)));

        assertThat(store.history(a, 10)).extracting(HistoryEvent::action).containsExactly(Action.UNSUBSCRIBE_TOPIC, Action.HARD_BOUNCE);
        assertThat(store.fullHistory(a)).extracting(HistoryEvent::action).containsExactly(Action.UNSUBSCRIBE_TOPIC, Action.HARD_BOUNCE);
        assertThat(store.history(a, 1)).extracting(HistoryEvent::action).containsExactly(Action.UNSUBSCRIBE_TOPIC);
    }

    @Test
    void aPersonsResubscribeLiftsOnlyTheirOwnOptOutNeverAComplaintASoftBounceStopOrAHardBounce() {
        EmailAddress a = addr("back@example.com");
        store.apply(a, Change.unsubscribeAll(at(Source.ONE_CLICK, 0)));
        store.apply(a, Change.withDetail(Action.COMPLAINT, "abuse", at(Source.SES_COMPLAINT, 1)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 2)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE_SUPPRESS, at(Source.SES_BOUNCE, 3)));
        EmailAddress dead = addr("dead@example.com");
        store.apply(dead, Change.withDetail(Action.HARD_BOUNCE, "General", at(Source.SES_BOUNCE, 0)));

        store.apply(a, Change.resubscribeAll(at(Source.PREFERENCE_CENTER, 10)));
        store.apply(dead, Change.resubscribeAll(at(Source.PREFERENCE_CENTER, 10)));

        AddressState back = store.read(a);
        assertThat(back.unsubscribedAll()).isNull();
        assertThat(back.complaint()).as("a link never lifts a complaint").isNotNull();
        assertThat(back.softBounce()).isNotNull();
        assertThat(SendPolicy.stop(back)).isEqualTo(SendPolicy.Stop.SOFT_BOUNCE);
        assertThat(store.read(dead).hardBounce().detail()).isEqualTo("General");
        assertThat(store.history(a, 10).get(0).action()).isEqualTo(Action.RESUBSCRIBE_ALL);
    }

    @Test
    void anOperatorsResubscribeWithRecordedConsentLiftsTheComplaintAndTheSoftBounceStopButNeverAHardBounce() {
        EmailAddress a = addr("consented@example.com");
        store.apply(a, Change.withDetail(Action.COMPLAINT, "abuse", at(Source.SES_COMPLAINT, 1)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE_SUPPRESS, at(Source.SES_BOUNCE, 3)));
        store.apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", at(Source.SES_BOUNCE, 4)));

        store.apply(a, Change.resubscribeAll(Provenance.byOperator(Source.OPERATOR, T.plusSeconds(10), "ops", "ticket 7")
                .withEvidence(java.util.Map.of("consent", "signed up again, form ref 8812"))));

        AddressState back = store.read(a);
        assertThat(back.complaint()).isNull();
        assertThat(back.softBounce()).isNull();
        assertThat(back.hardBounce()).isNotNull();
    }

    @Test
    void liftingABounceLetsMailFlowAgainButKeepsThePersonsOwnOptOut() {
        EmailAddress a = addr("lifted@example.com");
        store.apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", at(Source.SES_BOUNCE, 0)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 1)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE_SUPPRESS, at(Source.SES_BOUNCE, 2)));
        store.apply(a, Change.unsubscribeTopic("promotions", at(Source.ONE_CLICK, 3)));

        store.apply(a, Change.of(Action.LIFT_BOUNCE, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(10), "ops", "mailbox fixed")));

        AddressState state = store.read(a);
        assertThat(state.hardBounce()).isNull();
        assertThat(state.softBounce()).isNull();
        assertThat(state.softBounceTimes()).isEmpty();
        assertThat(state.topicOptOuts()).containsKey("promotions");
    }

    @Test
    void aSoftBounceSuppressionBlocksAsABounceAndADeliveryForgetsTheCountedSoftBounces() {
        EmailAddress a = addr("flaky@example.com");
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 0)));
        store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 1)));
        assertThat(store.read(a).softBounceTimes()).containsExactly(T, T.plusSeconds(1));

        store.apply(a, Change.of(Action.DELIVERY, at(Source.SES_DELIVERY, 2)));
        assertThat(store.read(a).softBounceTimes()).isEmpty();

        store.apply(a, Change.of(Action.SOFT_BOUNCE_SUPPRESS, at(Source.SES_BOUNCE, 3)));
        assertThat(SendPolicy.stop(store.read(a))).isEqualTo(SendPolicy.Stop.SOFT_BOUNCE);
        assertThat(store.read(a).softBounce().at()).isEqualTo(T.plusSeconds(3));
    }

    @Test
    void softBouncesAtTheSameInstantCountTwiceWithOrWithoutAnIdempotencyKey() {
        EmailAddress keyed = addr("keyed@example.com");
        store.apply(keyed, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 0)).once("feedback-1/keyed"));
        store.apply(keyed, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 0)).once("feedback-2/keyed"));
        EmailAddress bare = addr("bare@example.com");
        store.apply(bare, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 0)));
        store.apply(bare, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, 0)));

        assertThat(store.read(keyed).softBounceTimes()).containsExactly(T, T);
        assertThat(store.read(bare).softBounceTimes()).containsExactly(T, T);
    }

    @Test
    void optingOutOfATopicOnceOptedInLeavesOnlyTheOptOut() {
        EmailAddress a = addr("events@example.com");
        store.apply(a, Change.subscribeTopic("events", at(Source.PREFERENCE_CENTER, 0)));
        store.apply(a, Change.unsubscribeTopic("events", at(Source.ONE_CLICK, 5)));

        AddressState state = store.read(a);
        assertThat(state.topicOptIns()).doesNotContainKey("events");
        assertThat(state.topicOptOuts().get("events").at()).isEqualTo(T.plusSeconds(5));
    }

    @Test
    void clearingATopicsFrequencyMakesItFollowTheOverallOneAgain() {
        EmailAddress a = addr("freq@example.com");
        store.apply(a, Change.frequency(null, Frequency.MONTHLY, at(Source.PREFERENCE_CENTER, 0)));
        store.apply(a, Change.frequency("newsletter", Frequency.WEEKLY, at(Source.PREFERENCE_CENTER, 0)));

        store.apply(a, Change.clearFrequency("newsletter", at(Source.PREFERENCE_CENTER, 5)));

        AddressState state = store.read(a);
        assertThat(state.topicFrequency()).isEmpty();
        assertThat(state.frequencyFor("newsletter")).isEqualTo(Frequency.MONTHLY);
    }

    @Test
    void theStateItemKeepsWhenTheAddressWasFirstSeenAndWhenItLastChanged() {
        EmailAddress a = addr("times@example.com");
        Instant first = Instant.parse("2026-11-01T10:00:00Z");
        Instant later = Instant.parse("2026-11-03T12:00:00Z");
        fixture.at(Clock.fixed(first, ZoneOffset.UTC))
                .apply(a, Change.unsubscribeTopic("promotions", at(Source.ONE_CLICK, 0)));
        fixture.at(Clock.fixed(later, ZoneOffset.UTC))
                .apply(a, Change.unsubscribeAll(at(Source.ONE_CLICK, 0)));

        assertThat(store.read(a).updatedAt()).isEqualTo(later);
        assertThat(stateItem(a).get(TableLayout.CREATED_AT).s()).isEqualTo(first.toString());
    }

    @Test
    void changesOneWriterMakesInTheSameMillisecondAreListedInTheOrderTheyWereMade() {
        EmailAddress a = addr("burst@example.com");
        SuppressionStore frozen = fixture.at(Clock.fixed(T, ZoneOffset.UTC));
        List<String> topics = List.of("t1", "t2", "t3", "t4", "t5", "t6");
        topics.forEach(t -> frozen.apply(a, Change.unsubscribeTopic(t, at(Source.PREFERENCE_CENTER, 0))));

        assertThat(store.history(a, 10)).extracting(HistoryEvent::topic).containsExactly("t6", "t5", "t4", "t3", "t2", "t1");
    }

    @Test
    void twoWritersChangingOneAddressInTheSameMillisecondBothKeepTheirHistoryEvent() {
        EmailAddress a = addr("twice@example.com");
        Clock frozen = Clock.fixed(T, ZoneOffset.UTC);
        fixture.at(frozen).apply(a, Change.unsubscribeTopic("t1", at(Source.ONE_CLICK, 0)));
        fixture.at(frozen).apply(a, Change.unsubscribeTopic("t2", at(Source.ONE_CLICK, 0)));

        assertThat(store.fullHistory(a)).extracting(HistoryEvent::topic).containsExactlyInAnyOrder("t1", "t2");
    }

    @Test
    void aSaveOfTheMostChangesOneTransactionTakesIsAppliedAndOneMoreIsRefusedWritingNothing() {
        EmailAddress a = addr("many@example.com");
        List<Change> most = new ArrayList<>();
        for (int i = 0; i < SuppressionStore.MAX_CHANGES_PER_TRANSACTION; i++) {
            most.add(Change.unsubscribeTopic("topic" + i, at(Source.PREFERENCE_CENTER, 0)));
        }
        List<Change> tooMany = new ArrayList<>(most);
        tooMany.add(Change.unsubscribeAll(at(Source.PREFERENCE_CENTER, 0)));
        EmailAddress b = addr("toomany@example.com");

        assertThat(store.applyAll(a, most, null)).isEqualTo(ApplyResult.APPLIED);
        assertThatThrownBy(() -> store.applyAll(b, tooMany, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("99");
        assertThatThrownBy(() -> store.applyAll(b, List.of(), null)).isInstanceOf(IllegalArgumentException.class);

        assertThat(store.read(a).topicOptOuts()).hasSize(98);
        assertThat(store.read(b).exists()).isFalse();
    }

    @Test
    void aChangeByTableKeyKeepsTheAddressTheItemHoldsAndCannotForgetIt() {
        EmailAddress a = addr("mailto@example.com");
        store.apply(a, Change.unsubscribeTopic("promotions", at(Source.ONE_CLICK, 0)));

        ApplyResult result = store.applyToKey(KEYS.keyOf(a), Change.unsubscribeAll(at(Source.MAILTO, 5)).once("mail-1"));

        assertThat(result).isEqualTo(ApplyResult.APPLIED);
        assertThat(store.applyToKey(KEYS.keyOf(a), Change.unsubscribeAll(at(Source.MAILTO, 5)).once("mail-1")))
                .isEqualTo(ApplyResult.DUPLICATE);
        AddressState state = store.read(a);
        assertThat(state.unsubscribedAll().source()).isEqualTo(Source.MAILTO);
        assertThat(state.address()).isEqualTo("mailto@example.com");
        assertThatThrownBy(() -> store.applyToKey(KEYS.keyOf(a), Change.of(Action.FORGET_ADDRESS, at(Source.OPERATOR, 9))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.read(a).forgotten()).isNull();
    }

    @Test
    void aFindingIsRecordedInTheHistoryOnceWithoutChangingTheState() {
        EmailAddress a = addr("audit@example.com");
        store.apply(a, Change.unsubscribeAll(at(Source.ONE_CLICK, 0)));
        Change finding = Change.of(Action.SENT_WHILE_SUPPRESSED, at(Source.SES_DELIVERY, 60)
                .withEvidence(Map.of("reason", "UNSUBSCRIBED_ALL", "sesMessageId", "m-9"))).once("m-9/audit");
        AddressState before = store.read(a);

        assertThat(store.recordEvent(a, finding)).isEqualTo(ApplyResult.APPLIED);
        assertThat(store.recordEvent(a, finding)).isEqualTo(ApplyResult.DUPLICATE);
        assertThat(store.recordEvent(a, Change.of(Action.SENT_WHILE_SUPPRESSED, at(Source.SES_DELIVERY, 70))))
                .isEqualTo(ApplyResult.APPLIED);

        assertThat(store.read(a)).isEqualTo(before);
        List<HistoryEvent> history = store.fullHistory(a);
        assertThat(history).extracting(HistoryEvent::action)
                .containsExactlyInAnyOrder(Action.SENT_WHILE_SUPPRESSED, Action.SENT_WHILE_SUPPRESSED, Action.UNSUBSCRIBE_ALL);
        assertThat(history).filteredOn(h -> "m-9".equals(h.evidence().get("sesMessageId"))).hasSize(1);
    }

    @Test
    void prunedSoftBouncesAreOnlyThoseBeforeTheCutoffAndAnUnknownAddressGetsNoItem() {
        EmailAddress a = addr("prune@example.com");
        for (int day = 0; day < 4; day++) {
            store.apply(a, Change.of(Action.SOFT_BOUNCE, at(Source.SES_BOUNCE, day * 86_400L)));
        }

        store.dropSoftBouncesBefore(a, T.plusSeconds(2 * 86_400L));
        assertThat(store.read(a).softBounceTimes()).containsExactly(T.plusSeconds(2 * 86_400L), T.plusSeconds(3 * 86_400L));
        store.dropSoftBouncesBefore(a, T);
        assertThat(store.read(a).softBounceTimes()).hasSize(2);
        store.dropSoftBouncesBefore(a, T.plusSeconds(9 * 86_400L));
        assertThat(store.read(a).softBounceTimes()).isEmpty();
        assertThat(store.read(a).exists()).isTrue();

        EmailAddress unknown = addr("never@example.com");
        store.dropSoftBouncesBefore(unknown, T);
        assertThat(store.read(unknown).exists()).isFalse();
    }

    @Test
    void forgetAnswersHowManyHistoryItemsHadSomethingRemoved() {
        EmailAddress a = addr("count.me@example.com");
        store.apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", at(Source.SES_BOUNCE, 0)
                .withEvidence(Map.of("diagnosticCode", "550 unknown", "sesMessageId", "m-1"))));
        store.apply(a, Change.withDetail(Action.COMPLAINT, "abuse", at(Source.SES_COMPLAINT, 1)
                .withEvidence(Map.of("userAgent", "Yahoo!-Mail-Feedback/2.0"))));
        store.apply(a, Change.unsubscribeAll(Provenance.byOperator(Source.OPERATOR, T, "ops", "count.me@example.com asked")));

        int scrubbed = store.forget(a, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(60), "ops", "Art. 17 request"));

        // three history items held free text or the address; the erasure's own event and the state
        // item (already without addr) held nothing to remove
        assertThat(scrubbed).isEqualTo(3);
        assertThat(store.forget(a, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(90), "ops", "again"))).isZero();
    }

    @Test
    void aChangeToAForgottenAddressIsAppliedWithoutNamingIt() {
        EmailAddress a = addr("erased@example.com");
        store.forget(a, Provenance.byOperator(Source.OPERATOR, T, "ops", "erasure"));

        ApplyResult result = store.apply(a, Change.withDetail(Action.COMPLAINT, "erased@example.com complained",
                at(Source.SES_COMPLAINT, 5)));

        assertThat(result).isEqualTo(ApplyResult.APPLIED);
        assertThat(store.read(a).complaint().detail()).isNull();
        assertThat(store.read(a).address()).isNull();
    }

    @Test
    void aBulkChangeKnownToBeForgottenNeverWritesTheAddressAndOthersKeepTheirReasonAsProof() {
        EmailAddress gone = addr("gone@example.com");
        store.forget(gone, Provenance.byOperator(Source.OPERATOR, T, "ops", "erasure"));
        EmailAddress kept = addr("kept@example.com");
        List<SuppressionStore.BulkChange> changes = List.of(
                new SuppressionStore.BulkChange(gone, Change.withDetail(Action.UNSUBSCRIBE_ALL, "list of gone@example.com",
                        Provenance.byOperator(Source.IMPORT, T, "ops", "gone@example.com from the old list")).once("import/gone"), true),
                new SuppressionStore.BulkChange(kept, Change.withDetail(Action.UNSUBSCRIBE_ALL, "list of kept@example.com",
                        Provenance.byOperator(Source.IMPORT, T, "ops", "kept@example.com from the old list")).once("import/kept"), false));

        store.applyBulk(changes, T.plusSeconds(60), pool);

        assertThat(store.read(gone).unsubscribedAll()).isNotNull();
        assertThat(store.read(gone).unsubscribedAll().detail()).isNull();
        assertThat(store.read(gone).address()).isNull();
        assertThat(store.read(kept).unsubscribedAll().detail()).isEqualTo("list of kept@example.com");
        assertThat(store.fullHistory(gone)).filteredOn(h -> h.action() == Action.UNSUBSCRIBE_ALL)
                .singleElement().extracting(HistoryEvent::reason).isNull();
        assertThat(store.read(kept).address()).isEqualTo("kept@example.com");
        assertThat(store.fullHistory(kept)).extracting(HistoryEvent::reason).containsExactly("kept@example.com from the old list");
    }

    @Test
    void aBulkWritesEveryRowAndTwoRowsOfOneAddressBothStand() {
        List<SuppressionStore.BulkChange> changes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            changes.add(new SuppressionStore.BulkChange(addr("row" + i + "@example.com"),
                    Change.unsubscribeAll(Provenance.byOperator(Source.IMPORT, T, "ops", "migration")).once("row/" + i), false));
        }
        // the same address twice in one batch: written in parallel, one write finds the other's version and applies again
        EmailAddress both = addr("both@example.com");
        changes.add(new SuppressionStore.BulkChange(both, Change.withDetail(Action.COMPLAINT, null,
                Provenance.byOperator(Source.IMPORT, T, "ops", "migration")).once("row/both/complaint"), false));
        changes.add(new SuppressionStore.BulkChange(both, Change.withDetail(Action.HARD_BOUNCE, null,
                Provenance.byOperator(Source.IMPORT, T, "ops", "migration")).once("row/both/bounce"), false));

        store.applyBulk(changes, T.plusSeconds(60), pool);

        for (int i = 0; i < 50; i++) {
            EmailAddress a = addr("row" + i + "@example.com");
            assertThat(store.fullHistory(a)).as("history of row " + i).hasSize(1);
            assertThat(store.read(a).unsubscribedAll()).isNotNull();
        }
        AddressState state = store.read(both);
        assertThat(state.complaint()).isNotNull();
        assertThat(state.hardBounce()).isNotNull();
        assertThat(state.version()).isEqualTo(2);
        assertThat(store.fullHistory(both)).hasSize(2);
    }

    @Test
    void anImportedOptOutOlderThanThePersonsLaterChoiceOfTheSameScopeIsRecordedAsNotApplied() {
        EmailAddress a = addr("later@example.com");
        store.apply(a, Change.resubscribeAll(at(Source.PREFERENCE_CENTER, 3600)));
        store.apply(a, Change.subscribeTopic("newsletter", at(Source.PREFERENCE_CENTER, 3600)));

        store.applyBulk(List.of(
                new SuppressionStore.BulkChange(a, Change.unsubscribeAll(Provenance.byOperator(Source.IMPORT, T, "ops", "old list"))
                        .once("old/all"), false),
                new SuppressionStore.BulkChange(a, Change.unsubscribeTopic("newsletter", Provenance.byOperator(Source.IMPORT, T, "ops", "old list"))
                        .once("old/newsletter"), false)), T.plusSeconds(7200), pool);

        AddressState state = store.read(a);
        assertThat(state.unsubscribedAll()).as("the person's later resubscribe stands").isNull();
        assertThat(state.topicOptOuts()).isEmpty();
        assertThat(state.topicOptIns()).containsKey("newsletter");
        assertThat(store.fullHistory(a)).filteredOn(h -> h.source() == Source.IMPORT).hasSize(2)
                .allSatisfy(h -> assertThat(h.evidence().get("outcome")).startsWith("not applied: made at " + T));
    }

    @Test
    void anImportStoppedBetweenARowsStateAndItsHistoryKeepsTheHistoryInTheStateUntilItIsWrittenOnce() {
        EmailAddress a = addr("window@example.com");
        SuppressionStore.BulkChange row = new SuppressionStore.BulkChange(a,
                Change.unsubscribeAll(Provenance.byOperator(Source.IMPORT, T, "ops", "old list")).once("window/1"), false);
        ExecutionInterceptor historyLost = new ExecutionInterceptor() {
            @Override
            public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
                if (context.request() instanceof PutItemRequest p && p.item().get(TableLayout.SK).s().startsWith(TableLayout.HISTORY_PREFIX)) {
                    throw SdkClientException.create("injected: connection lost");
                }
                return context.request();
            }
        };
        SuppressionStore crashing = fixture.over(aws.client(DynamoDbClient.builder()
                .overrideConfiguration(c -> c.addExecutionInterceptor(historyLost))));

        assertThatThrownBy(() -> crashing.applyBulk(List.of(row), T.plusSeconds(60), pool)).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.read(a).unsubscribedAll()).isNotNull();
        assertThat(historyItems(a)).as("not yet written on its own").isZero();
        assertThat(store.fullHistory(a)).as("the proof is in the state item meanwhile").singleElement()
                .extracting(HistoryEvent::action).isEqualTo(Action.UNSUBSCRIBE_ALL);

        List<SuppressionStore.BulkResult> replay = store.applyBulk(List.of(row), T.plusSeconds(60), pool);

        assertThat(replay).singleElement().extracting(SuppressionStore.BulkResult::result).isEqualTo(ApplyResult.DUPLICATE);
        assertThat(historyItems(a)).isEqualTo(1);
        store.apply(a, Change.unsubscribeTopic("newsletter", at(Source.ONE_CLICK, 120)));
        assertThat(stateItem(a)).as("written, so dropped from the state").doesNotContainKey(StateCodec.OUTBOX);
        assertThat(store.fullHistory(a)).extracting(HistoryEvent::action).containsExactly(Action.UNSUBSCRIBE_TOPIC, Action.UNSUBSCRIBE_ALL);
    }

    private long historyItems(EmailAddress a) {
        return aws.dynamoDb().query(r -> r.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(TableLayout.ADDRESS_PREFIX + KEYS.keyOf(a))))).items().stream()
                .filter(i -> i.get(TableLayout.SK).s().startsWith(TableLayout.HISTORY_PREFIX)).count();
    }
}
