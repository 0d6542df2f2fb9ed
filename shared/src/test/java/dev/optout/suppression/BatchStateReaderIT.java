package dev.optout.suppression;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The check's batch read against moto through the real SDK: every key answered, or a failure. */
@ExtendWith(LocalAwsExtension.class)
class BatchStateReaderIT {
    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");
    private final Topic newsletter = TopicCatalog.bundled().require("newsletter");
    private LocalAws aws;
    private String table;
    private SuppressionStore store;

    @BeforeEach
    void freshTable(LocalAws aws) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.on(aws);
        table = fixture.table();
        store = fixture.store();
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static Deadline seconds(long s) {
        return Deadline.after(Duration.ofSeconds(s), Clock.systemUTC());
    }

    private static List<String> keys(String prefix, int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(KEYS.keyOf(addr(prefix + i + "@example.com")));
        }
        return keys;
    }

    @Test
    void everyKeyOfSeveralBatchesIsAnsweredAndKeysNeverSeenReadAsUnknown() {
        store.apply(addr("p0@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        store.apply(addr("p249@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, T0)));
        List<String> keys = keys("p", 250);

        Map<String, AddressState> states;
        try (BatchStateReader reader = new BatchStateReader(aws.dynamoDb(), table, 2)) {
            states = reader.read(keys, newsletter, seconds(20));
        }

        assertThat(states).hasSize(250).containsOnlyKeys(keys);
        assertThat(SendPolicy.decide(states.get(keys.get(0)), newsletter).reason()).isEqualTo(BlockReason.UNSUBSCRIBED_ALL);
        assertThat(SendPolicy.decide(states.get(keys.get(249)), newsletter).reason()).isEqualTo(BlockReason.UNSUBSCRIBED_TOPIC);
        assertThat(states.get(keys.get(100)).exists()).isFalse();
        assertThat(states.get(keys.get(100)).key()).isEqualTo(keys.get(100));
    }

    @Test
    void aReadForOneTopicFetchesOnlyWhatItsDecisionNeedsAndACompleteReadFetchesEverything() {
        EmailAddress a = addr("ana@example.com");
        store.apply(a, Change.unsubscribeTopic("promotions", Provenance.of(Source.ONE_CLICK, T0)));
        store.apply(a, Change.subscribeTopic("events", Provenance.of(Source.PREFERENCE_CENTER, T0)));
        store.apply(a, Change.frequency("newsletter", Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_CENTER, T0)));
        String key = KEYS.keyOf(a);

        AddressState forNewsletter;
        AddressState complete;
        try (BatchStateReader reader = new BatchStateReader(aws.dynamoDb(), table, 1)) {
            forNewsletter = reader.read(List.of(key), newsletter, seconds(20)).get(key);
            complete = reader.readComplete(List.of(key), seconds(20)).get(key);
        }

        assertThat(forNewsletter.address()).as("the address is not part of a decision").isNull();
        assertThat(forNewsletter.topicOptOuts()).isEmpty();
        assertThat(forNewsletter.topicOptIns()).isEmpty();
        assertThat(forNewsletter.frequencyFor("newsletter")).isEqualTo(Frequency.WEEKLY);
        assertThat(forNewsletter.exists()).isTrue();
        assertThat(complete.address()).isEqualTo("ana@example.com");
        assertThat(complete.topicOptOuts()).containsOnlyKeys("promotions");
        assertThat(complete.topicOptIns()).containsOnlyKeys("events");
        assertThat(complete).isEqualTo(store.read(a));
    }

    @Test
    void keysDynamoDbLeavesUnprocessedAreAskedForAgainUntilAnswered() {
        store.apply(addr("u3@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        BatchReadThrottling throttle = new BatchReadThrottling(4);
        List<String> keys = keys("u", 120);

        Map<String, AddressState> states;
        try (BatchStateReader reader = new BatchStateReader(throttle.client(aws), table, 2)) {
            states = reader.read(keys, newsletter, seconds(30));
        }

        assertThat(throttle.handedBack()).isEqualTo(4);
        assertThat(states).hasSize(120);
        assertThat(states.get(keys.get(3)).unsubscribedAll()).isNotNull();
    }

    @Test
    void keysStillUnprocessedWhenTheTimeIsNearlyUpFailTheReadInsteadOfAnsweringPartly() {
        store.apply(addr("x0@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        BatchReadThrottling forever = new BatchReadThrottling(Integer.MAX_VALUE);

        try (BatchStateReader reader = new BatchStateReader(forever.client(aws), table, 2)) {
            assertThatThrownBy(() -> reader.read(keys("x", 3), newsletter, seconds(2)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("3 keys still unprocessed");
        }
        assertThat(forever.handedBack()).isGreaterThan(1);
    }

    @Test
    void aTableThatCannotBeReadFailsTheRead() {
        try (BatchStateReader reader = new BatchStateReader(aws.dynamoDb(), "no-such-table", 2)) {
            assertThatThrownBy(() -> reader.read(keys("y", 2), newsletter, seconds(10)))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageStartingWith("BatchGetItem on no-such-table failed");
        }
    }
}
