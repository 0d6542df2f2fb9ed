package dev.optout.function.changeevents;

import static dev.optout.suppression.StoreFixture.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.campaign.CampaignCounts;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.events.AddressDirectory;
import dev.optout.events.ChangeEvents;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.StreamEventSourceMapping;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.SuppressionStore;
import dev.optout.testsupport.FunctionRole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The table's stream through ChangeEventsFunction (as the function's role) to a real EventBridge
 * bus on moto, whose rule copies every event to an SQS queue: what a consumer receives.
 */
@ExtendWith(LocalAwsExtension.class)
class ChangeEventsHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-01T10:00:00Z");
    private static final EmailAddress ANA = AddressParser.parseOrNull("ana@example.com");
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final List<String> deadLetters = new ArrayList<>();
    private LocalAws aws;
    private String table;
    private String queueUrl;
    private SqsClient sqs;
    private SuppressionStore store;
    private StreamEventSourceMapping mapping;

    private String bus;

    private String busName() {
        return bus;
    }

    private void deploy(LocalAws aws, boolean hashOnly, String busForTheFunction) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.withStream(aws);
        table = fixture.table();
        store = fixture.store();
        bus = "changes-" + UUID.randomUUID().toString().substring(0, 8);
        sqs = aws.client(SqsClient.builder());
        queueUrl = sqs.createQueue(r -> r.queueName(bus + "-copy")).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        try (EventBridgeClient admin = aws.client(EventBridgeClient.builder())) {
            admin.createEventBus(r -> r.name(bus));
            admin.putRule(r -> r.name("all").eventBusName(bus).eventPattern("{\"source\":[\"dev.optout\"]}"));
            admin.putTargets(r -> r.rule("all").eventBusName(bus).targets(t -> t.id("copy").arn(queueArn)));
        }
        EventBridgeClient events = FunctionRole.client(aws, "ChangeEventsFunction", EventBridgeClient.builder());
        DynamoDbClient dynamo = FunctionRole.client(aws, "ChangeEventsFunction", DynamoDbClient.builder());
        ChangeEventsHandler handler = new ChangeEventsHandler(new StreamPublisher(new AddressDirectory(dynamo, table), hashOnly,
                new EventBusPublisher(events, busForTheFunction == null ? bus : busForTheFunction, new EventBusPublisher.Retries(2, 10))),
                new EventLog("change-events", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        String streamArn = aws.dynamoDb().describeTable(r -> r.tableName(table)).table().latestStreamArn();
        mapping = new StreamEventSourceMapping(FunctionRole.client(aws, "ChangeEventsFunction", DynamoDbStreamsClient.builder()),
                streamArn, aws.region(), 100, 2, json -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    handler.handleRequest(new ByteArrayInputStream(json), out, null);
                    return out.toByteArray();
                }, deadLetters::add);
    }

    @AfterEach
    void stop() {
        if (mapping != null) {
            mapping.close();
        }
    }

    /** Every event the rule copied to the queue, by receive order. */
    private List<JsonNode> received() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (got.isEmpty()) {
                empty++;
            }
            for (Message m : got) {
                out.add(JSON.readTree(m.body()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return out;
    }

    private List<String> historyIds() {
        List<Map<String, AttributeValue>> items = new ArrayList<>(aws.items(table).stream().filter(ChangeEvents::isHistory).toList());
        items.sort(Comparator.comparing(i -> i.get("sk").s()));
        return items.stream().map(i -> ChangeEvents.historyId(ChangeEvents.addressKey(i), i.get("sk").s())).toList();
    }

    @Test
    void aOneClickABounceALiftAndAForgetArriveAsFourEventsWithTheHistoryIdsAndTheErasureNamesNoAddress(LocalAws aws) throws Exception {
        deploy(aws, false, null);
        store.apply(ANA, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T).withCampaign("welcome")));
        store.apply(ANA, Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T.plusSeconds(60))));
        store.apply(ANA, Change.of(Action.LIFT_BOUNCE, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(120), "ops", "fixed")));
        List<String> ids = historyIds();
        mapping.drain(Duration.ofSeconds(10));
        store.forget(ANA, Provenance.byOperator(Source.OPERATOR, T.plusSeconds(180), "ops", "erasure request"));
        List<String> allIds = historyIds();
        mapping.drain(Duration.ofSeconds(10));

        List<JsonNode> events = received();
        assertThat(events).extracting(e -> e.path("detail-type").asText())
                .containsExactly("Opted Out", "Suppressed", "Suppression Lifted", "Address Erased");
        assertThat(events).extracting(e -> e.path("source").asText()).containsOnly("dev.optout");
        assertThat(events).extracting(e -> e.path("detail").path("id").asText()).containsExactlyElementsOf(allIds)
                .startsWith(ids.toArray(String[]::new));
        // published before the erasure: with the address; the erasure: never
        assertThat(events.get(0).path("detail").path("address").asText()).isEqualTo("ana@example.com");
        assertThat(events.get(0).path("detail").path("campaignId").asText()).isEqualTo("welcome");
        assertThat(events.get(0).path("detail").path("at").asText()).isEqualTo(T.toString());
        assertThat(events.get(1).path("detail").path("reason").asText()).isEqualTo("HARD_BOUNCE");
        JsonNode erasure = events.get(3).path("detail");
        assertThat(erasure.path("instruction").asText()).isEqualTo("DELETE");
        assertThat(erasure.path("addressKey").asText()).isEqualTo(KEYS.keyOf(ANA));
        assertThat(events.get(3).toString()).doesNotContain("ana@example.com");
        assertThat(deadLetters).isEmpty();
        FunctionRole.assertObservedCallsAllowed("ChangeEventsFunction");
    }

    @Test
    void inHashOnlyModeNoEventCarriesTheAddress(LocalAws aws) throws Exception {
        deploy(aws, true, null);
        store.apply(ANA, Change.unsubscribeTopic("newsletter", Provenance.of(Source.PREFERENCE_CENTER, T)));
        mapping.drain(Duration.ofSeconds(10));
        List<JsonNode> events = received();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("detail").path("topic").asText()).isEqualTo("newsletter");
        assertThat(events.get(0).path("detail").path("scope").asText()).isEqualTo("TOPIC");
        assertThat(events.get(0).path("detail").has("address")).isFalse();
        assertThat(events.get(0).path("detail").path("addressKey").asText()).isEqualTo(KEYS.keyOf(ANA));
    }

    @Test
    void aCampaignPausedByTheGuardIsAnEvent(LocalAws aws) throws Exception {
        deploy(aws, false, null);
        CampaignGuard guard = new CampaignGuard(aws.dynamoDb(), table, GuardThresholds.DEFAULTS, Clock.systemUTC());
        guard.record("welcome", new CampaignCounts(1000, 200, 0));
        guard.resume("welcome", "list cleaned", "ops");
        mapping.drain(Duration.ofSeconds(10));
        List<JsonNode> events = received();
        assertThat(events).extracting(e -> e.path("detail-type").asText()).containsExactly("Campaign Paused", "Campaign Resumed");
        assertThat(events).extracting(e -> e.path("detail").path("id").asText()).containsExactly("campaign/welcome/0", "campaign/welcome/1");
        assertThat(events.get(0).path("detail").path("reason").asText()).isEqualTo("BOUNCE_RATE");
    }

    @Test
    void whenTheBusRefusesTheRecordIsRetriedThenItsCoordinatesGoToTheDeadLetterQueueAndNothingIsPublished(LocalAws aws) throws Exception {
        deploy(aws, false, "no-such-bus");
        store.apply(ANA, Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T)));
        mapping.drain(Duration.ofSeconds(20));
        assertThat(received()).isEmpty();
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0)).contains("DDBStreamBatchInfo", "RetryAttemptsExhausted");
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("change-events-failed").doesNotContain("ana@example.com");
    }

    @Test
    void aBurstOfChangesIsPublishedInCallsOfTenEachChangeOnceNoneLost(LocalAws aws) throws Exception {
        deploy(aws, false, null);
        for (int i = 0; i < 35; i++) {
            store.apply(AddressParser.parseOrNull("person" + i + "@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T)));
        }
        mapping.drain(Duration.ofSeconds(20));
        List<JsonNode> events = received();
        assertThat(events).extracting(e -> e.path("detail").path("id").asText()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(historyIds());
        assertThat(events).extracting(e -> e.path("detail").path("address").asText()).hasSize(35).doesNotHaveDuplicates()
                .allSatisfy(a -> assertThat(a).endsWith("@example.com"));
    }

    @Test
    void theSampleStreamEventIsThreeEventsTheChangeNotAppliedIsNone(LocalAws aws) throws Exception {
        deploy(aws, false, null);
        ChangeEventsHandler handler = new ChangeEventsHandler(new StreamPublisher(new AddressDirectory(aws.dynamoDb(), table), false,
                new EventBusPublisher(aws.client(EventBridgeClient.builder()), busName(), new EventBusPublisher.Retries(2, 10))),
                new EventLog("change-events", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(java.nio.file.Files.newInputStream(dev.optout.localaws.ProjectRoot.find()
                .resolve("events/change-events/stream-history-inserts.json")), out, null);
        assertThat(JSON.readTree(out.toByteArray()).path("batchItemFailures")).isEmpty();
        List<JsonNode> events = received();
        assertThat(events).extracting(e -> e.path("detail-type").asText()).containsExactly("Opted Out", "Suppressed", "Campaign Paused");
        assertThat(events.get(0).path("detail").has("address")).as("no state item holds this key's address").isFalse();
    }
}
