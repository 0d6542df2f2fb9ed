package dev.optout.function.pending;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.Faults;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.SqsEventSourceMapping;
import dev.optout.observability.EventLog;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChangeApplier;
import dev.optout.pending.PendingChanges;
import dev.optout.suppression.Action;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Change;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.testsupport.FunctionRole;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** PendingChangesFunction against moto: the queue's changes reach the table, once, with their original time. */
@ExtendWith(LocalAwsExtension.class)
class PendingChangesHandlerIT {
    private static final Instant AT = Instant.parse("2026-11-20T09:30:00Z");
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private LocalAws aws;
    private SuppressionStore store;
    private SqsClient sqs;
    private String queueUrl;
    private PendingChanges queue;
    private SqsEventSourceMapping mapping;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.on(aws);
        AddressKeys keys = fixture.keys();
        store = fixture.store(); // the test's own reads, as the admin
        // the handler's table calls as the function, with its role from template.yaml
        SuppressionStore functionStore = fixture.over(FunctionRole.client(aws, "PendingChangesFunction", DynamoDbClient.builder()));
        sqs = aws.client(SqsClient.builder());
        String name = "pending-" + UUID.randomUUID();
        // a short visibility timeout so that a failed message comes back within the test
        queueUrl = sqs.createQueue(r -> r.queueName(name).attributesWithStrings(Map.of("VisibilityTimeout", "1"))).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queue = new PendingChanges(sqs, queueUrl);
        PendingChangesHandler handler = new PendingChangesHandler(new PendingChangeApplier(functionStore, TopicCatalog.bundled()), keys,
                new EventLog("pending-changes", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        mapping = new SqsEventSourceMapping(sqs, queueUrl, arn, aws.region(), 10,
                SqsEventSourceMapping.inProcess(handler, "PendingChangesFunction"));
    }

    @AfterEach
    void recover() {
        aws.faults().dynamoDb(Faults.Mode.NONE);
        FunctionRole.assertObservedCallsAllowed("PendingChangesFunction");
    }

    @Test
    void queuedOptOutsAreAppliedOnceWithTheirOriginalTimeAndSource() {
        PendingChange oneClick = PendingChange.of(ANA, new Provenance(Source.ONE_CLICK, AT, "2026-11-weekly", AT.minusSeconds(86400), null),
                false, List.of("newsletter"));
        PendingChange save = PendingChange.of(ANA, Provenance.of(Source.PREFERENCE_CENTER, AT.plusSeconds(60)), true,
                List.of("promotions", "newsletter"));
        queue.enqueue(oneClick);
        queue.enqueue(save);
        queue.enqueue(oneClick); // SQS may deliver a message twice

        SqsEventSourceMapping.BatchOutcome outcome = mapping.drain(Duration.ofSeconds(30));

        assertThat(outcome.failed()).isEmpty();
        AddressState state = store.read(ANA);
        assertThat(state.topicOptOuts().get("newsletter").at()).isEqualTo(AT);
        assertThat(state.topicOptOuts().get("newsletter").source()).isEqualTo(Source.ONE_CLICK);
        assertThat(state.topicOptOuts().get("promotions").source()).isEqualTo(Source.PREFERENCE_CENTER);
        assertThat(state.unsubscribedAll().at()).isEqualTo(AT.plusSeconds(60));
        // the save's newsletter opt-out was already in force: the preference rules write only real differences
        assertThat(store.history(ANA, 10)).extracting(HistoryEvent::action)
                .containsExactlyInAnyOrder(Action.UNSUBSCRIBE_TOPIC, Action.UNSUBSCRIBE_TOPIC, Action.UNSUBSCRIBE_ALL);
        assertThat(logs.toString()).contains("\"PendingChangesApplied\"", "\"result\":\"DUPLICATE\"").doesNotContain("ana@example.com");
    }

    @Test
    void aQueuedOptOutDoesNotOverrideTheChoiceThePersonMadeAfterIt() {
        // during an outage the person's one-click (all mail) and a topic opt-out were queued ...
        queue.enqueue(PendingChange.of(ANA, Provenance.of(Source.ONE_CLICK, AT), true, List.of()));
        queue.enqueue(PendingChange.of(ANA, Provenance.of(Source.ONE_CLICK, AT), false, List.of("promotions")));
        // ... and once the table was back, before the queue was drained, they changed their mind
        store.apply(ANA, Change.resubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, AT.plusSeconds(3600))));
        store.apply(ANA, Change.subscribeTopic("promotions", Provenance.of(Source.PREFERENCE_CENTER, AT.plusSeconds(3600))));

        assertThat(mapping.drain(Duration.ofSeconds(30)).failed()).isEmpty();

        AddressState state = store.read(ANA);
        assertThat(state.unsubscribedAll()).as("the later resubscribe stands").isNull();
        assertThat(state.topicOptOuts()).doesNotContainKey("promotions");
        assertThat(logs.toString()).contains("\"result\":\"SUPERSEDED\"");
        assertThat(store.fullHistory(ANA)).filteredOn(h -> h.source() == Source.ONE_CLICK).hasSize(2)
                .allSatisfy(h -> assertThat(h.evidence().get("outcome")).startsWith("not applied:"));
    }

    @Test
    void aQueuedOptOutMadeAfterTheLastChoiceIsApplied() {
        store.apply(ANA, Change.resubscribeAll(Provenance.of(Source.PREFERENCE_CENTER, AT.minusSeconds(3600))));
        queue.enqueue(PendingChange.of(ANA, Provenance.of(Source.ONE_CLICK, AT), true, List.of()));

        assertThat(mapping.drain(Duration.ofSeconds(30)).failed()).isEmpty();

        assertThat(store.read(ANA).unsubscribedAll().at()).isEqualTo(AT);
    }

    @Test
    void aChangeTheTableCannotTakeStaysInTheQueueUntilItCan() {
        queue.enqueue(PendingChange.of(ANA, Provenance.of(Source.UNSUBSCRIBE_PAGE, AT), true, List.of()));
        aws.faults().dynamoDb(Faults.Mode.UNAVAILABLE);

        SqsEventSourceMapping.BatchOutcome during = mapping.pollOnce(Duration.ofSeconds(2));

        assertThat(during.failed()).hasSize(1);
        assertThat(logs.toString()).contains("pending-change-failed", "\"StoreFailures\":1");
        aws.faults().dynamoDb(Faults.Mode.NONE);
        assertThat(mapping.drain(Duration.ofSeconds(30)).failed()).isEmpty();
        assertThat(store.read(ANA).unsubscribedAll().at()).isEqualTo(AT);
    }

    @Test
    void anUnreadableMessageIsReportedAndChangesNothing() {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"v\":1,\"id\":\"x\",\"address\":\"not an address\"}"));

        assertThat(mapping.pollOnce(Duration.ofSeconds(2)).failed()).hasSize(1);
        assertThat(logs.toString()).contains("pending-change-rejected");
        store.apply(ANA, Change.unsubscribeAll(Provenance.of(Source.OPERATOR, AT))); // the table itself works
        assertThat(store.history(ANA, 10)).hasSize(1);
    }
}
