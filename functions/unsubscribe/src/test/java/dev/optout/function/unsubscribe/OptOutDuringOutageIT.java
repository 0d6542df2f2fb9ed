package dev.optout.function.unsubscribe;

import static dev.optout.function.unsubscribe.Fixture.ANA;
import static dev.optout.function.unsubscribe.Fixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.optout.localaws.Faults;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.pending.PendingChange;
import dev.optout.pending.PendingChangeApplier;
import dev.optout.pending.PendingChanges;
import dev.optout.suppression.AddressState;
import dev.optout.suppression.HistoryEvent;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import dev.optout.topic.TopicCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** Issue 10 point 1: an opt-out made while the table is down is never lost. */
@ExtendWith(LocalAwsExtension.class)
class OptOutDuringOutageIT {
    private LocalAws aws;
    private Fixture f;
    private SqsClient sqs;
    private String queueUrl;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        f = new Fixture(aws);
        sqs = aws.client(SqsClient.builder());
        queueUrl = sqs.createQueue(r -> r.queueName("pending-" + UUID.randomUUID())).queueUrl();
    }

    @AfterEach
    void recover() {
        aws.faults().dynamoDb(Faults.Mode.NONE);
    }

    @Test
    void aOneClickAndAPageOptOutDuringAnOutageAreAnsweredDoneAndAppliedWithTheirOriginalTimeAfterRecovery() {
        UnsubscribeHandler handler = f.handler(NOW, f.store, new PendingChanges(sqs, queueUrl));
        aws.faults().dynamoDb(Faults.Mode.UNAVAILABLE);

        APIGatewayV2HTTPResponse oneClick = handler.handleRequest(Fixture.event("one-click-post-urlencoded.json"), null);
        APIGatewayV2HTTPResponse page = handler.handleRequest(Fixture.event("page-confirm-post.json"), null);

        assertThat(oneClick.getStatusCode()).isEqualTo(200);
        assertThat(oneClick.getBody()).isEqualTo(UnsubscribeHandler.ONE_CLICK_BODY);
        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getBody()).contains("You are unsubscribed", "takes effect within a few minutes")
                .doesNotContain("value=\"resubscribe-all\"");
        assertThat(f.logs.toString()).contains("\"ChangesQueued\":1", "\"StoreFailures\":1").doesNotContain("ana@example.com");

        aws.faults().dynamoDb(Faults.Mode.NONE);
        assertThat(f.store.read(ANA).exists()).as("not in the table until applied").isFalse();
        List<Message> queued = receiveAll();
        assertThat(queued).hasSize(2);
        PendingChangeApplier applier = new PendingChangeApplier(f.store, TopicCatalog.bundled());
        queued.forEach(m -> assertThat(applier.apply(PendingChange.fromJson(m.body()))).isEqualTo(PendingChangeApplier.Result.APPLIED));

        AddressState state = f.store.read(ANA);
        assertThat(state.topicOptOuts().get("newsletter").at()).isEqualTo(NOW);
        assertThat(state.topicOptOuts().get("newsletter").source()).isEqualTo(Source.ONE_CLICK);
        assertThat(state.unsubscribedAll().at()).isEqualTo(NOW);
        assertThat(state.unsubscribedAll().source()).isEqualTo(Source.UNSUBSCRIBE_PAGE);
        assertThat(f.store.history(ANA, 10)).hasSize(2).allSatisfy(h -> {
            assertThat(h.at()).isEqualTo(NOW);
            assertThat(h.campaignId()).isEqualTo("2026-11-weekly");
            assertThat(h.evidence()).containsKey("pendingChangeId");
        });

        // SQS delivers at least once: a redelivered change is recognised and writes nothing.
        assertThat(applier.apply(PendingChange.fromJson(queued.get(0).body()))).isEqualTo(PendingChangeApplier.Result.DUPLICATE);
        assertThat(f.store.history(ANA, 10)).extracting(HistoryEvent::action).hasSize(2);
    }

    @Test
    void anUndoDuringAnOutageIsA503AndIsNeverQueued() {
        UnsubscribeHandler handler = f.handler(NOW, quickToGiveUp(), new PendingChanges(sqs, queueUrl));
        handler.handleRequest(Fixture.event("page-confirm-post.json"), null);
        aws.faults().dynamoDb(Faults.Mode.THROTTLE);

        APIGatewayV2HTTPResponse undo = handler.handleRequest(
                Fixture.pagePost(Fixture.tokenOf(Fixture.event("page-confirm-post.json")), "action=resubscribe-all&lang=en"), null);

        assertThat(undo.getStatusCode()).isEqualTo(503);
        assertThat(undo.getBody()).contains("nothing has been changed");
        aws.faults().dynamoDb(Faults.Mode.NONE);
        assertThat(receiveAll()).isEmpty();
        assertThat(f.store.read(ANA).unsubscribedAll()).isNotNull();
    }

    @Test
    void whenTheQueueFailsTooTheOneClickIsA503AndNothingChanges() {
        UnsubscribeHandler handler = f.handler(NOW, f.store, new PendingChanges(sqs, queueUrl + "-no-such-queue"));
        aws.faults().dynamoDb(Faults.Mode.UNAVAILABLE);

        APIGatewayV2HTTPResponse oneClick = handler.handleRequest(Fixture.event("one-click-post-urlencoded.json"), null);

        assertThat(oneClick.getStatusCode()).isEqualTo(503);
        assertThat(oneClick.getBody()).contains("nothing was changed");
        aws.faults().dynamoDb(Faults.Mode.NONE);
        assertThat(f.store.read(ANA).exists()).isFalse();
    }

    /** The table through a client that retries a throttled call once, not for a minute (the test's time). */
    private SuppressionStore quickToGiveUp() {
        DynamoDbClient dynamo = aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(2))));
        return f.storeFixture.over(dynamo);
    }

    private List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        List<Message> batch;
        do {
            batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            all.addAll(batch);
        } while (!batch.isEmpty());
        return all;
    }
}
