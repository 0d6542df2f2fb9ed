package dev.optout.function.pending;

import static org.assertj.core.api.Assertions.assertThat;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalDeployment;
import dev.optout.localaws.SqsEventSourceMapping;
import dev.optout.localaws.Template;
import dev.optout.observability.EventLog;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChangeApplier;
import dev.optout.pending.PendingChanges;
import dev.optout.pending.PendingDeadLetters;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A pending change that can never apply, on the template's own queues (deployed on moto with their
 * redrive policy: 240 receives before the dead-letter queue): it reaches the dead-letter queue on
 * its first receive, with why, and leaves the queue; what can apply still applies.
 */
@ExtendWith(LocalAwsExtension.class)
class UnapplicableChangesIT {
    private static final Instant AT = Instant.parse("2026-11-20T09:30:00Z");
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private LocalAws aws;
    private SqsClient sqs;
    private SuppressionStore store;
    private String queueUrl;
    private String queueArn;
    private String deadLetterUrl;
    private AddressKeys keys;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        LocalDeployment stack = LocalDeployment.deploy(aws, Template.load(), "unapplicable-" + System.nanoTime(), Map.of(), Map.of(),
                line -> { });
        StoreFixture fixture = StoreFixture.existing(aws, stack.ref(Template.TABLE_ID));
        keys = fixture.keys();
        store = fixture.store();
        sqs = aws.client(SqsClient.builder());
        queueUrl = stack.ref("PendingChangesQueue");
        queueArn = stack.att("PendingChangesQueue", "Arn");
        deadLetterUrl = stack.ref("PendingChangesDeadLetterQueue");
    }

    private SqsEventSourceMapping mapping(PendingDeadLetters deadLetters) {
        PendingChangesHandler handler = new PendingChangesHandler(new PendingChangeApplier(store, TopicCatalog.bundled()), keys,
                new EventLog("pending-changes", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()), deadLetters);
        return new SqsEventSourceMapping(sqs, queueUrl, queueArn, aws.region(), 10,
                SqsEventSourceMapping.inProcess(handler, "PendingChangesFunction"));
    }

    @Test
    void theQueueRetriesAChangeForTwelveHoursBeforeItsDeadLetterQueue() {
        String redrive = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);

        assertThat(redrive).containsPattern("\"maxReceiveCount\": ?240").contains("PendingChangesDeadLetterQueue");
    }

    @Test
    void anUnreadableBodyGoesToTheDeadLetterQueueOnItsFirstReceiveAndTheRestOfTheBatchApplies() {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("{\"v\":1,\"id\":\"x\",\"address\":\"not an address\"}"));
        new PendingChanges(sqs, queueUrl).enqueue(PendingChange.of(ANA, Provenance.of(Source.ONE_CLICK, AT), true, List.of()));

        SqsEventSourceMapping.BatchOutcome outcome = mapping(new PendingDeadLetters(sqs, deadLetterUrl)).pollOnce(Duration.ofSeconds(2));

        assertThat(outcome.failed()).isEmpty();
        assertThat(outcome.deleted()).hasSize(2);
        assertThat(messagesIn(queueUrl)).as("visible and in flight on the pending-changes queue").isZero();
        Message dead = onlyMessage(deadLetterUrl);
        assertThat(dead.body()).isEqualTo("{\"v\":1,\"id\":\"x\",\"address\":\"not an address\"}");
        assertThat(dead.messageAttributes().get(PendingDeadLetters.REFUSAL_ATTRIBUTE).stringValue())
                .startsWith("IllegalArgumentException: ").contains("pending change without \"source\"");
        assertThat(store.read(ANA).unsubscribedAll().at()).isEqualTo(AT);
        assertThat(logs.toString()).contains("pending-change-rejected", "moved to the dead-letter queue at once",
                "\"PendingChangesDeadLettered\":1");
    }

    @Test
    void aOneClickNamingATopicNotInTheCatalogIsRefusedWholeAndDeadLettered() {
        // A forged or stale body: sources other than the preference center are checked against the catalog too.
        new PendingChanges(sqs, queueUrl).enqueue(PendingChange.of(ANA, Provenance.of(Source.ONE_CLICK, AT), false,
                List.of("newsletter", "no-such-topic")));

        assertThat(mapping(new PendingDeadLetters(sqs, deadLetterUrl)).pollOnce(Duration.ofSeconds(2)).failed()).isEmpty();

        AddressState state = store.read(ANA);
        assertThat(state.exists()).as("nothing of it was applied").isFalse();
        assertThat(onlyMessage(deadLetterUrl).messageAttributes().get(PendingDeadLetters.REFUSAL_ATTRIBUTE).stringValue())
                .startsWith("UnknownTopicException: unknown topic 'no-such-topic'");
        assertThat(messagesIn(queueUrl)).isZero();
        assertThat(logs.toString()).contains("unknown topic 'no-such-topic'").doesNotContain("ana@example.com");
    }

    @Test
    void whenTheDeadLetterQueueCannotTakeItTheBodyStaysInTheQueue() {
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody("not json"));
        String missing = deadLetterUrl + "-deleted";

        SqsEventSourceMapping.BatchOutcome outcome = mapping(new PendingDeadLetters(sqs, missing)).pollOnce(Duration.ofSeconds(2));

        assertThat(outcome.failed()).hasSize(1);
        assertThat(messagesIn(queueUrl)).as("kept for the redrive policy").isEqualTo(1);
        assertThat(logs.toString()).contains("could not be copied to the dead-letter queue");
    }

    private int messagesIn(String url) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private Message onlyMessage(String url) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }
}
