package dev.optout.function.preferences;

import static dev.optout.function.preferences.Fixture.ANA;
import static dev.optout.function.preferences.Fixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.localaws.Faults;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChanges;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Issue 10 point 1 for the preference center: a save's opt-outs are never lost; nothing else is claimed. */
@ExtendWith(LocalAwsExtension.class)
class SaveDuringOutageIT {
    private LocalAws aws;
    private Fixture f;
    private SqsClient sqs;
    private String queueUrl;
    private PreferencesHandler handler;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        f = new Fixture(aws);
        sqs = aws.client(SqsClient.builder());
        queueUrl = sqs.createQueue(r -> r.queueName("pending-" + UUID.randomUUID())).queueUrl();
        handler = f.handler(NOW, f.store, new PendingChanges(sqs, queueUrl));
    }

    @AfterEach
    void recover() {
        aws.faults().dynamoDb(Faults.Mode.NONE);
    }

    @Test
    void aPageSaveDuringAnOutageQueuesItsOptOutsAndSaysWhatWillStopAndWhatWasNotSaved() {
        aws.faults().dynamoDb(Faults.Mode.UNAVAILABLE);

        APIGatewayV2HTTPResponse r = handler.handleRequest(Fixture.event("post-form.json"), null);

        assertThat(r.getStatusCode()).isEqualTo(200);
        assertThat(r.getBody()).contains("Recorded. What will stop:", "Promotions and offers", "within a few minutes",
                "were not saved").doesNotContain("took effect at once");
        List<Message> queued = sqs.receiveMessage(q -> q.queueUrl(queueUrl).maxNumberOfMessages(10)).messages();
        assertThat(queued).hasSize(1);
        PendingChange change = PendingChange.fromJson(queued.get(0).body());
        assertThat(change.topics()).containsExactly("promotions");
        assertThat(change.unsubscribeAll()).isFalse();
        assertThat(change.provenance().source()).isEqualTo(Source.PREFERENCE_CENTER);
        assertThat(change.provenance().at()).isEqualTo(NOW);
        assertThat(f.logs.toString()).contains("\"ChangesQueued\":1").doesNotContain("ana@example.com");
    }

    @Test
    void anApiSaveDuringAnOutageIsA202WithTheQueuedOptOuts() {
        // a client that retries a throttled call once, not for a minute (the test's time)
        DynamoDbClient quick = aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(2))));
        PreferencesHandler handler = f.handler(NOW, f.storeFixture.over(quick),
                new PendingChanges(sqs, queueUrl));
        aws.faults().dynamoDb(Faults.Mode.THROTTLE);

        APIGatewayV2HTTPResponse r = handler.handleRequest(Fixture.put("{\"receiveMarketing\":false}"), null);

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(r.getBody()).contains("\"pending\":true", "\"action\":\"UNSUBSCRIBE_ALL\"");
    }

    @Test
    void aSaveWithoutAnyOptOutDuringAnOutageIsA503AndNothingIsQueued() {
        aws.faults().dynamoDb(Faults.Mode.UNAVAILABLE);

        APIGatewayV2HTTPResponse r = handler.handleRequest(Fixture.put("{\"receiveMarketing\":true,\"topics\":{\"events\":true}}"), null);

        assertThat(r.getStatusCode()).isEqualTo(503);
        assertThat(r.getBody()).contains("STORE_UNAVAILABLE");
        assertThat(sqs.receiveMessage(q -> q.queueUrl(queueUrl)).messages()).isEmpty();
        aws.faults().dynamoDb(Faults.Mode.NONE);
        assertThat(f.store.read(ANA).exists()).isFalse();
    }
}
