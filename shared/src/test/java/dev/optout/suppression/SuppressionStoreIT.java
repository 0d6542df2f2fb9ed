package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.TableDefinition;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The store against a real DynamoDB wire API (moto), created from template.yaml. */
@ExtendWith(LocalAwsExtension.class)
class SuppressionStoreIT {
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private LocalAws aws;
    private String table;
    private StoreFixture fixture;
    private SuppressionStore store;

    @BeforeEach
    void freshTable(LocalAws aws) {
        this.aws = aws;
        fixture = StoreFixture.on(aws);
        table = fixture.table();
        store = fixture.store();
    }

    /** Every string anywhere in the table (keys, attributes, nested maps), lowercased. */
    private String wholeTable() {
        StringBuilder all = new StringBuilder();
        aws.dynamoDb().scanPaginator(r -> r.tableName(store.tableName())).items()
                .forEach(item -> all.append(item.toString().toLowerCase(java.util.Locale.ROOT)).append('\n'));
        return all.toString();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    @Test
    void anAddressNeverSeenIsSubscribedToDefaultTopics() {
        AddressState state = store.read(addr("new@example.com"));
        assertThat(state.exists()).isFalse();
        assertThat(SendPolicy.decide(state, catalog.require("newsletter")).allowed()).isTrue();
    }

    @Test
    void repeatedOptOutKeepsTheFirstTimeAndRecordsEveryRequestInHistory() {
        EmailAddress a = addr("Ana <ANA@example.com>");
        Instant first = Instant.parse("2026-11-01T10:00:00Z");
        Instant second = Instant.parse("2026-11-02T10:00:00Z");
        store.apply(a, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, first).withCampaign("c1")));
        store.apply(a, Change.unsubscribeAll(Provenance.of(Source.UNSUBSCRIBE_PAGE, second)));

        AddressState state = store.read(a);
        assertThat(state.unsubscribedAll().at()).isEqualTo(first);
        assertThat(state.unsubscribedAll().source()).isEqualTo(Source.ONE_CLICK);
        assertThat(state.unsubscribedAll().campaignId()).isEqualTo("c1");
        assertThat(state.address()).isEqualTo("ana@example.com");
        List<HistoryEvent> history = store.history(a, 10);
        assertThat(history).extracting(HistoryEvent::source).containsExactly(Source.UNSUBSCRIBE_PAGE, Source.ONE_CLICK);
    }

    @Test
    void topicOptOutThenOptInLeavesOnlyTheOptIn() {
        EmailAddress a = addr("budi@example.co.id");
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        store.apply(a, Change.unsubscribeTopic("promotions", Provenance.of(Source.PREFERENCE_CENTER, t)));
        assertThat(store.read(a).topicOptOuts()).containsKey("promotions");
        store.apply(a, Change.subscribeTopic("promotions", Provenance.of(Source.PREFERENCE_CENTER, t.plusSeconds(60))));
        AddressState state = store.read(a);
        assertThat(state.topicOptOuts()).doesNotContainKey("promotions");
        assertThat(state.topicOptIns().get("promotions").at()).isEqualTo(t.plusSeconds(60));
    }

    @Test
    void frequencyPerTopicAndOverall() {
        EmailAddress a = addr("siti@example.com");
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        store.apply(a, Change.frequency(null, Frequency.MONTHLY, Provenance.of(Source.PREFERENCE_API, t)));
        store.apply(a, Change.frequency("newsletter", Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_API, t)));
        AddressState state = store.read(a);
        assertThat(state.frequencyFor("newsletter")).isEqualTo(Frequency.WEEKLY);
        assertThat(state.frequencyFor("promotions")).isEqualTo(Frequency.MONTHLY);
    }

    @Test
    void aChangeWithAnIdempotencyKeyIsAppliedOnce() {
        EmailAddress a = addr("dup@example.com");
        Change bounce = Change.withDetail(Action.HARD_BOUNCE, "General",
                Provenance.of(Source.SES_BOUNCE, Instant.parse("2026-11-01T10:00:00Z"))).once("feedback-1/dup");
        assertThat(store.apply(a, bounce)).isEqualTo(ApplyResult.APPLIED);
        assertThat(store.apply(a, bounce)).isEqualTo(ApplyResult.DUPLICATE);
        assertThat(store.history(a, 10)).hasSize(1);
        assertThat(store.read(a).hardBounce().detail()).isEqualTo("General");
    }

    @Test
    void concurrentWritersOnOneAddressLoseNothing() throws Exception {
        EmailAddress a = addr("busy@example.com");
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        List<Change> changes = new ArrayList<>();
        for (String topic : List.of("newsletter", "promotions", "product-updates")) {
            changes.add(Change.unsubscribeTopic(topic, Provenance.of(Source.PREFERENCE_CENTER, t)));
        }
        changes.add(Change.frequency("events", Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_API, t)));
        changes.add(Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, t)));
        for (int i = 0; i < 5; i++) {
            changes.add(Change.of(Action.SOFT_BOUNCE, Provenance.of(Source.SES_BOUNCE, t.plusSeconds(i))));
        }
        ExecutorService pool = Executors.newFixedThreadPool(changes.size());
        try {
            List<Callable<ApplyResult>> tasks = new ArrayList<>();
            changes.forEach(c -> tasks.add(() -> store.apply(a, c)));
            for (Future<ApplyResult> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isEqualTo(ApplyResult.APPLIED);
            }
        } finally {
            pool.shutdownNow();
        }
        AddressState state = store.read(a);
        assertThat(state.topicOptOuts().keySet()).containsExactlyInAnyOrder("newsletter", "promotions", "product-updates");
        assertThat(state.topicFrequency()).isEqualTo(Map.of("events", Frequency.WEEKLY));
        assertThat(state.complaint().detail()).isEqualTo("abuse");
        assertThat(state.softBounceTimes()).hasSize(5);
        assertThat(store.history(a, 50)).hasSize(changes.size());
    }

    @Test
    void forgettingAnAddressLeavesOnlyItsKey() {
        EmailAddress a = addr("erase@example.com");
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        store.apply(a, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, t)));
        store.apply(a, Change.of(Action.FORGET_ADDRESS, Provenance.of(Source.OPERATOR, t)));
        AddressState state = store.read(a);
        assertThat(state.address()).isNull();
        assertThat(state.unsubscribedAll()).isNotNull();
    }

    @Test
    void forgetRemovesTheAddressFromStateAndHistoryAndKeepsTheSuppression() {
        EmailAddress a = addr("Rina.Erase@example.com");
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        store.apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, t)
                .withEvidence(Map.of("diagnosticCode", "smtp; 550 5.1.1 <Rina.Erase@Example.com>: user unknown",
                        "reportingMta", "dsn; mx.example.com", "sesMessageId", "m-1"))));
        store.apply(a, Change.unsubscribeAll(Provenance.byOperator(Source.OPERATOR, t, "ops@corp",
                "ticket 7: rina.erase@example.com asked")));
        assertThat(wholeTable()).contains("rina.erase@example.com");

        int scrubbed = store.forget(a, Provenance.byOperator(Source.OPERATOR, t.plusSeconds(60), "ops@corp", "Art. 17 request"));

        assertThat(scrubbed).isGreaterThanOrEqualTo(2);
        assertThat(wholeTable()).doesNotContain("rina.erase").doesNotContain("user unknown");
        AddressState state = store.read(a);
        assertThat(state.address()).isNull();
        assertThat(state.forgotten()).isNotNull();
        assertThat(SendPolicy.decide(state, catalog.require("newsletter")).reason()).isEqualTo(BlockReason.BOUNCED);
        List<HistoryEvent> history = store.fullHistory(a);
        assertThat(history).extracting(HistoryEvent::action)
                .containsExactly(Action.FORGET_ADDRESS, Action.UNSUBSCRIBE_ALL, Action.HARD_BOUNCE);
        assertThat(history.get(2).evidence()).containsEntry("sesMessageId", "m-1").doesNotContainKey("diagnosticCode");
    }

    @Test
    void noLaterWriteBringsAForgottenAddressBack() {
        EmailAddress a = addr("gone@example.com");
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        store.apply(a, Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, t)));
        store.forget(a, Provenance.byOperator(Source.OPERATOR, t, "ops", "erasure"));

        store.apply(a, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, t.plusSeconds(5))));
        store.apply(a, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, t.plusSeconds(9))
                .withEvidence(Map.of("diagnosticCode", "550 <gone@example.com> unknown", "status", "gone@example.com"))).once("fb-1"));
        store.applyBulk(List.of(new SuppressionStore.BulkChange(a, Change.withDetail(Action.COMPLAINT, "gone@example.com",
                Provenance.byOperator(Source.IMPORT, t, "ops", "from gone@example.com list")).once("import-1"), false)),
                t, java.util.concurrent.Executors.newSingleThreadExecutor());

        assertThat(wholeTable()).doesNotContain("gone@example.com");
        AddressState state = store.read(a);
        assertThat(state.unsubscribedAll()).isNotNull();
        assertThat(state.hardBounce()).isNotNull();
        assertThat(state.complaint()).isNotNull();
        assertThat(store.fullHistory(a)).hasSize(5);
    }

    @Test
    void bulkChangesWriteStateAndHistoryLikeApplyAndAReplayChangesNothing() {
        Instant batch = Instant.parse("2026-11-05T00:00:00Z");
        Instant rowTime = Instant.parse("2024-03-01T08:00:00Z");
        List<SuppressionStore.BulkChange> changes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            changes.add(new SuppressionStore.BulkChange(addr("bulk" + i + "@example.com"),
                    Change.withDetail(Action.HARD_BOUNCE, null, Provenance.byOperator(Source.IMPORT, rowTime, "ops", "migration")
                            .withEvidence(Map.of("importLine", Integer.toString(i + 2)))).once("f#" + i), false));
        }
        var pool = Executors.newFixedThreadPool(4);
        try {
            store.applyBulk(changes, batch, pool);
            store.applyBulk(changes, batch, pool); // a replay after a crash
        } finally {
            pool.shutdownNow();
        }
        EmailAddress a = addr("bulk7@example.com");
        assertThat(store.read(a).hardBounce()).isEqualTo(new Mark(rowTime, Source.IMPORT, null, null));
        assertThat(store.read(a).address()).isEqualTo("bulk7@example.com");
        List<HistoryEvent> history = store.fullHistory(a);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).actor()).isEqualTo("ops");
        assertThat(history.get(0).reason()).isEqualTo("migration");
        assertThat(history.get(0).evidence()).containsEntry("importLine", "9");
    }

    /**
     * The history is the complete proof of the state: when either write of a change fails (made
     * to fail by the real server, through a condition that cannot hold added on the wire), neither
     * is kept. A history written by its own request, before or after the state, fails this.
     */
    @ParameterizedTest(name = "the {0} write fails")
    @ValueSource(strings = {"history", "state"})
    void aChangeWhoseHistoryOrStateWriteFailsWritesNothingAndCanBeRetried(String failing) {
        EmailAddress a = addr("atomic@example.com");
        Change bounce = Change.withDetail(Action.HARD_BOUNCE, "General",
                Provenance.of(Source.SES_BOUNCE, Instant.parse("2026-11-01T10:00:00Z"))).once("feedback-7/atomic");
        SuppressionStore failingStore = fixture.over(
                aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                        new FailingWrite(failing.equals("history") ? TableLayout.HISTORY_PREFIX : TableLayout.STATE_SK)))));

        assertThatThrownBy(() -> failingStore.apply(a, bounce)).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("HARD_BOUNCE").hasMessageContaining("ConditionalCheckFailed");

        assertThat(store.read(a).exists()).as("state written").isFalse();
        assertThat(store.history(a, 10)).as("history written").isEmpty();
        assertThat(itemsWithKeyPrefix(TableLayout.DEDUPE_PREFIX)).as("dedupe record written").isEmpty();
        // nothing half-done: SES's redelivery of the notification applies it in full
        assertThat(store.apply(a, bounce)).isEqualTo(ApplyResult.APPLIED);
        assertThat(store.read(a).hardBounce().detail()).isEqualTo("General");
        assertThat(store.history(a, 10)).extracting(HistoryEvent::action).containsExactly(Action.HARD_BOUNCE);
    }

    @Test
    void aBulkWhoseStateWritesFailIsAnErrorThatNamesTheChange() {
        SuppressionStore failingStore = fixture.over(
                aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(
                        new FailingWrite(TableLayout.STATE_SK)))));
        EmailAddress a = addr("bulkfail@example.com");
        var pool = Executors.newFixedThreadPool(2);
        try {
            assertThatThrownBy(() -> failingStore.applyBulk(List.of(new SuppressionStore.BulkChange(a,
                    Change.unsubscribeAll(Provenance.byOperator(Source.IMPORT, Instant.parse("2026-11-01T10:00:00Z"), "ops", "list"))
                            .once("import/bulkfail"), false)), Instant.parse("2026-11-05T00:00:00Z"), pool))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("suppression table unavailable for UNSUBSCRIBE_ALL");
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.read(a).exists()).isFalse();
    }

    @Test
    void aDedupeRecordExpiresByTheTablesTtlAttributeAndStateAndHistoryNeverExpire() {
        String ttl = TableDefinition.suppressionTable().ttlAttribute();
        assertThat(ttl).as("template.yaml's TimeToLiveSpecification").isNotNull();
        Instant now = Instant.parse("2026-11-01T10:00:00Z");
        SuppressionStore fixed = fixture.at(Clock.fixed(now, ZoneOffset.UTC));
        EmailAddress a = addr("ttl@example.com");

        fixed.apply(a, Change.of(Action.SOFT_BOUNCE, Provenance.of(Source.SES_BOUNCE, now)).once("feedback-8/ttl"));

        List<Map<String, AttributeValue>> dedupe = itemsWithKeyPrefix(TableLayout.DEDUPE_PREFIX);
        assertThat(dedupe).hasSize(1);
        assertThat(dedupe.get(0)).as("dedupe record").containsKey(ttl);
        assertThat(dedupe.get(0).get(ttl).n()).isEqualTo(Long.toString(now.plus(Duration.ofDays(30)).getEpochSecond()));
        assertThat(itemsWithKeyPrefix(TableLayout.ADDRESS_PREFIX)).hasSize(2) // state and history
                .allSatisfy(item -> assertThat(item).doesNotContainKey(ttl));
    }

    private List<Map<String, AttributeValue>> itemsWithKeyPrefix(String prefix) {
        return aws.dynamoDb().scan(r -> r.tableName(table).consistentRead(true)).items().stream()
                .filter(item -> item.get(TableLayout.PK).s().startsWith(prefix)).toList();
    }

    /**
     * Makes the server refuse one kind of item (history items by their sort-key prefix, or the
     * state item) wherever it is written: a condition that cannot hold is added to that write,
     * in a transaction or in a request of its own; a batch write of it is refused outright.
     */
    private record FailingWrite(String sortKeyPrefix) implements ExecutionInterceptor {
        private static final String NEVER = "attribute_exists(#injectedFault)";

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            if (request instanceof TransactWriteItemsRequest t) {
                List<TransactWriteItem> items = new ArrayList<>();
                for (TransactWriteItem item : t.transactItems()) {
                    if (item.put() != null && targets(item.put().item())) {
                        Put p = item.put();
                        item = item.toBuilder().put(p.toBuilder().conditionExpression(never(p.conditionExpression()))
                                .expressionAttributeNames(names(p.expressionAttributeNames())).build()).build();
                    } else if (item.update() != null && targets(item.update().key())) {
                        Update u = item.update();
                        item = item.toBuilder().update(u.toBuilder().conditionExpression(never(u.conditionExpression()))
                                .expressionAttributeNames(names(u.expressionAttributeNames())).build()).build();
                    }
                    items.add(item);
                }
                return t.toBuilder().transactItems(items).build();
            }
            if (request instanceof PutItemRequest p && targets(p.item())) {
                return p.toBuilder().conditionExpression(never(p.conditionExpression()))
                        .expressionAttributeNames(names(p.expressionAttributeNames())).build();
            }
            if (request instanceof UpdateItemRequest u && targets(u.key())) {
                return u.toBuilder().conditionExpression(never(u.conditionExpression()))
                        .expressionAttributeNames(names(u.expressionAttributeNames())).build();
            }
            if (request instanceof BatchWriteItemRequest b && b.requestItems().values().stream().flatMap(List::stream)
                    .anyMatch(w -> w.putRequest() != null && targets(w.putRequest().item()))) {
                throw SdkClientException.create("injected failure of a batch write");
            }
            return request;
        }

        private boolean targets(Map<String, AttributeValue> item) {
            AttributeValue sk = item.get(TableLayout.SK);
            return sk != null && sk.s() != null && sk.s().startsWith(sortKeyPrefix);
        }

        private static String never(String existing) {
            return existing == null ? NEVER : "(" + existing + ") AND " + NEVER;
        }

        private static Map<String, String> names(Map<String, String> existing) {
            Map<String, String> names = new HashMap<>(existing);
            names.put("#injectedFault", "injectedFault");
            return names;
        }
    }
}
