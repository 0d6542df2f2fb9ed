package dev.optout.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The store against a real DynamoDB wire API (moto), created from template.yaml. */
@ExtendWith(LocalAwsExtension.class)
class SuppressionStoreIT {
    private static final AddressKeys KEYS = new AddressKeys(new byte[32]);
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private SuppressionStore store;
    private LocalAws aws;

    @BeforeEach
    void freshTable(LocalAws aws) {
        this.aws = aws;
        store = new SuppressionStore(aws.dynamoDb(), aws.createSuppressionTable(), KEYS, Clock.systemUTC());
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
}
