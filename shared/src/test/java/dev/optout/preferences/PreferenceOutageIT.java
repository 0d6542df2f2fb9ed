package dev.optout.preferences;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChanges;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A save while the table cannot be reached (every DynamoDB call of the center's client fails, by
 * an SDK interceptor on the real client): its opt-outs wait in the real queue (moto's SQS), nothing
 * else is claimed.
 */
@ExtendWith(LocalAwsExtension.class)
class PreferenceOutageIT {
    private static final Instant T = Instant.parse("2026-11-20T09:30:00Z");
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private final EmailAddress ana = AddressParser.parseOrNull("ana@example.com");
    private SuppressionStore store;
    private SuppressionStore unreachable;
    private SqsClient sqs;
    private String queueUrl;

    @BeforeEach
    void setUp(LocalAws aws) {
        StoreFixture fixture = StoreFixture.on(aws);
        store = fixture.store();
        DynamoDbClient down = aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        throw SdkClientException.create("injected: DynamoDB cannot be reached");
                    }
                })));
        unreachable = fixture.over(down);
        sqs = aws.client(SqsClient.builder());
        queueUrl = sqs.createQueue(r -> r.queueName("pending-" + UUID.randomUUID())).queueUrl();
    }

    private static Provenance page() {
        return Provenance.of(Source.PREFERENCE_CENTER, T);
    }

    private List<PendingChange> queued() {
        List<Message> messages = sqs.receiveMessage(q -> q.queueUrl(queueUrl).maxNumberOfMessages(10)).messages();
        return messages.stream().map(m -> PendingChange.fromJson(m.body())).toList();
    }

    @Test
    void theOptOutsOfASaveWaitInTheQueueAndTheRestIsNotClaimed() {
        PreferenceCenter center = new PreferenceCenter(unreachable, catalog, new PendingChanges(sqs, queueUrl));

        PreferenceCenter.Outcome outcome = center.save(ana, new PreferenceUpdate(
                Map.of("promotions", false, "events", true, "newsletter", false), Map.of(), null, false), page());

        assertThat(outcome.isPending()).isTrue();
        assertThat(outcome.preferences()).isNull();
        assertThat(outcome.changes()).extracting(Change::action).containsExactly(
                Action.UNSUBSCRIBE_TOPIC, Action.UNSUBSCRIBE_TOPIC, Action.UNSUBSCRIBE_ALL);
        assertThat(outcome.changes()).extracting(Change::topic).containsExactlyInAnyOrder("promotions", "newsletter", null);
        List<PendingChange> queued = queued();
        assertThat(queued).singleElement().satisfies(p -> {
            assertThat(p.topics()).containsExactlyInAnyOrder("promotions", "newsletter");
            assertThat(p.unsubscribeAll()).isTrue();
            assertThat(p.address()).isEqualTo(ana);
            assertThat(p).isEqualTo(outcome.pending());
        });
    }

    @Test
    void aTopicOptOutAloneOrAGlobalOptOutAloneIsQueuedToo() {
        PreferenceCenter center = new PreferenceCenter(unreachable, catalog, new PendingChanges(sqs, queueUrl));

        PreferenceCenter.Outcome topicOnly = center.save(ana, new PreferenceUpdate(Map.of("promotions", false), Map.of(), null, null), page());
        PreferenceCenter.Outcome allOnly = center.save(ana, new PreferenceUpdate(Map.of(), Map.of(), null, false), page());

        assertThat(topicOnly.changes()).extracting(Change::action).containsExactly(Action.UNSUBSCRIBE_TOPIC);
        assertThat(allOnly.changes()).extracting(Change::action).containsExactly(Action.UNSUBSCRIBE_ALL);
        assertThat(queued()).extracting(PendingChange::unsubscribeAll).containsExactlyInAnyOrder(false, true);
    }

    @Test
    void aSaveWithoutAnOptOutOrWithoutAQueueFailsAndNothingIsQueued() {
        PreferenceCenter withQueue = new PreferenceCenter(unreachable, catalog, new PendingChanges(sqs, queueUrl));
        assertThatThrownBy(() -> withQueue.save(ana, new PreferenceUpdate(Map.of("events", true), Map.of(), null, true), page()))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("injected");
        assertThat(queued()).isEmpty();

        PreferenceCenter withoutQueue = new PreferenceCenter(unreachable, catalog, PendingChanges.NONE);
        assertThatThrownBy(() -> withoutQueue.save(ana, new PreferenceUpdate(Map.of("promotions", false), Map.of(), null, null), page()))
                .isInstanceOf(StoreUnavailableException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                        .contains("no pending-changes queue"));
    }

    @Test
    void aSaveTheTableTakesIsNotPending() {
        PreferenceCenter center = new PreferenceCenter(store, catalog, new PendingChanges(sqs, queueUrl));

        PreferenceCenter.Outcome outcome = center.save(ana, new PreferenceUpdate(Map.of("promotions", false), Map.of(), null, null), page());

        assertThat(outcome.isPending()).isFalse();
        assertThat(outcome.preferences().topics()).filteredOn(c -> c.topic().id().equals("promotions"))
                .singleElement().extracting(Preferences.TopicChoice::chosen).isEqualTo(false);
        assertThat(queued()).isEmpty();
    }
}
