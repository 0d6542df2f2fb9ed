package dev.optout.function.presend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.CheckRequest;
import dev.optout.check.InvalidCheckRequestException;
import dev.optout.check.LinkProvider;
import dev.optout.check.PresendCheck;
import dev.optout.config.Settings;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.localaws.ProjectRoot;
import dev.optout.observability.EventLog;
import dev.optout.suppression.Action;
import dev.optout.suppression.BatchReadThrottling;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Change;
import dev.optout.suppression.Frequency;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.StoreFixture;
import dev.optout.suppression.StoreUnavailableException;
import dev.optout.suppression.SuppressionStore;
import dev.optout.testsupport.FunctionRole;
import dev.optout.topic.TopicCatalog;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

/** The check function end to end against a real DynamoDB wire API (moto), table from template.yaml. */
@ExtendWith(LocalAwsExtension.class)
class PresendCheckHandlerIT {
    private static final byte[] HASH_KEY = new byte[32];
    private static final Instant T0 = Instant.parse("2026-11-01T08:00:00Z");

    private LocalAws aws;
    private String table;
    private SuppressionStore store;
    private final TopicCatalog catalog = TopicCatalog.bundled();
    private final AddressKeys keys = new AddressKeys(HASH_KEY);

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        StoreFixture fixture = StoreFixture.on(aws, keys, Clock.systemUTC());
        this.table = fixture.table();
        this.store = fixture.store();
    }

    private PresendCheckHandler handler(DynamoDbClient dynamo) {
        return new PresendCheckHandler(new PresendCheck(catalog, keys, new BatchStateReader(dynamo, table, 8), LinkProvider.NONE),
                new EventLog("presend-check", new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC()), Clock.systemUTC());
    }

    private static JsonNode invoke(PresendCheckHandler handler, String json, long remainingMs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, context(remainingMs));
        return Json.MAPPER.readTree(out.toByteArray());
    }

    private static LocalLambdaContext context(long remainingMs) {
        return new LocalLambdaContext("PresendCheckFunction", java.time.Duration.ofMillis(remainingMs));
    }

    private static EmailAddress addr(String s) {
        return AddressParser.parseOrNull(s);
    }

    private static String request(String topic, List<String> recipients) throws IOException {
        return Json.MAPPER.writeValueAsString(Map.of("topic", topic, "recipients", recipients));
    }

    @Test
    void theSampleEventAnswersEveryRecipientInInputOrder() throws Exception {
        store.apply(addr("budi@example.co.id"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.PREFERENCE_CENTER, T0)));
        String sample = Files.readString(ProjectRoot.find().resolve("events/presend-check/check-request.json"));

        JsonNode response = invoke(handler(aws.dynamoDb()), sample, 30_000);

        JsonNode results = response.get("results");
        assertThat(results).hasSize(6);
        assertThat(results.get(0).get("recipient").asText()).isEqualTo("ana@example.com");
        assertThat(results.get(0).get("allowed").asBoolean()).isTrue();
        assertThat(results.get(0).get("frequency").asText()).isEqualTo("IMMEDIATE");
        assertThat(results.get(1).get("recipient").asText()).isEqualTo("Budi <budi@example.co.id>");
        assertThat(results.get(1).get("address").asText()).isEqualTo("budi@example.co.id");
        assertThat(results.get(1).get("reason").asText()).isEqualTo("UNSUBSCRIBED_TOPIC");
        assertThat(results.get(1).get("since").asText()).isEqualTo("2026-11-01T08:00:00Z");
        assertThat(results.get(2).get("address").asText()).isEqualTo("jane.doe@example.com");
        assertThat(results.get(3).get("address").asText()).isEqualTo("siti@xn--bcher-kva.example");
        assertThat(results.get(4).get("reason").asText()).isEqualTo("INVALID_ADDRESS");
        assertThat(results.get(4).has("address")).isFalse();
        assertThat(results.get(4).get("detail").asText()).isEqualTo("missing '@'");
        assertThat(results.get(5).get("reason").asText()).isEqualTo("DUPLICATE");
        assertThat(response.get("summary").toString()).isEqualTo("{\"total\":6,\"allowed\":3,\"blocked\":3}");
    }

    @Test
    void eachSuppressionGivesItsReasonAndSince() throws Exception {
        store.apply(addr("bounced@example.com"), Change.withDetail(Action.HARD_BOUNCE, "General", Provenance.of(Source.SES_BOUNCE, T0)));
        store.apply(addr("complained@example.com"), Change.withDetail(Action.COMPLAINT, "abuse", Provenance.of(Source.SES_COMPLAINT, T0.plusSeconds(1))));
        store.apply(addr("gone@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0.plusSeconds(2))));
        store.apply(addr("gone@example.com"), Change.subscribeTopic("newsletter", Provenance.of(Source.PREFERENCE_CENTER, T0.plusSeconds(3))));
        store.apply(addr("weekly@example.com"), Change.frequency("newsletter", Frequency.WEEKLY, Provenance.of(Source.PREFERENCE_CENTER, T0)));

        JsonNode results = invoke(handler(aws.dynamoDb()), request("newsletter", List.of(
                "bounced@example.com", "complained@example.com", "gone@example.com", "weekly@example.com", "fresh@example.com")), 30_000)
                .get("results");

        assertThat(results.get(0).get("reason").asText()).isEqualTo("BOUNCED");
        assertThat(results.get(0).get("since").asText()).isEqualTo("2026-11-01T08:00:00Z");
        assertThat(results.get(1).get("reason").asText()).isEqualTo("COMPLAINED");
        assertThat(results.get(2).get("reason").asText()).isEqualTo("UNSUBSCRIBED_ALL");
        assertThat(results.get(2).get("since").asText()).isEqualTo("2026-11-01T08:00:02Z");
        assertThat(results.get(3).get("allowed").asBoolean()).isTrue();
        assertThat(results.get(3).get("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(results.get(4).get("allowed").asBoolean()).isTrue();
        assertThat(results.get(4).has("reason")).isFalse();
    }

    @Test
    void anOptInTopicIsBlockedUntilThePersonOptsInAndAConfirmedOneUntilTheyConfirm() throws Exception {
        store.apply(addr("keen@example.com"), Change.subscribeTopic("events", Provenance.of(Source.CONFIRMED_OPT_IN, T0)));
        store.apply(addr("single@example.com"), Change.subscribeTopic("events", Provenance.of(Source.PREFERENCE_CENTER, T0)));
        JsonNode results = invoke(handler(aws.dynamoDb()), request("events",
                List.of("keen@example.com", "other@example.com", "single@example.com")), 30_000).get("results");
        assertThat(results.get(0).get("allowed").asBoolean()).isTrue();
        assertThat(results.get(1).get("reason").asText()).isEqualTo("NOT_OPTED_IN");
        assertThat(results.get(2).get("reason").asText()).as("the bundled events topic needs confirmed consent")
                .isEqualTo("NOT_CONFIRMED");
    }

    @Test
    void aRequestOverTheMaximumOfItsFieldsIsRefusedNamingIt() {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i <= CheckRequest.MAX_RECIPIENTS; i++) {
            recipients.add("person" + i + "@example.com");
        }
        assertThatThrownBy(() -> invoke(handler(aws.dynamoDb()), request("newsletter", recipients), 10_000))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessageContaining("at most " + CheckRequest.MAX_RECIPIENTS + " per request with every field");
    }

    @Test
    void aMisspeltCampaignKeyIsRefusedRatherThanKeptFromTheGuard() {
        assertThatThrownBy(() -> invoke(handler(aws.dynamoDb()),
                "{\"topic\":\"newsletter\",\"campaignID\":\"2026-11-weekly\",\"recipients\":[\"ana@example.com\"]}", 10_000))
                .isInstanceOf(InvalidCheckRequestException.class).hasMessageContaining("did you mean \"campaignId\"?");
    }

    @Test
    void tenThousandRecipientsWithTheFieldsThatAllowThemInAtMostOneHundredBatchReads() throws Exception {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            recipients.add("person" + i + "@example.com");
        }
        for (int i = 0; i < 10_000; i += 500) {
            store.apply(addr(recipients.get(i)), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        }
        CountingInterceptor counter = new CountingInterceptor();
        DynamoDbClient counted = aws.client(DynamoDbClient.builder()
                .overrideConfiguration(c -> c.addExecutionInterceptor(counter)));

        String compact = Json.MAPPER.writeValueAsString(Map.of("topic", "newsletter", "fields", List.of("reason"),
                "recipients", recipients));
        JsonNode response = invoke(handler(counted), compact, 120_000);

        assertThat(response.get("results")).hasSize(10_000);
        assertThat(response.get("results").get(0).has("headers")).as("fields leave the headers out").isFalse();
        assertThat(response.get("summary").get("blocked").asInt()).isEqualTo(20);
        assertThat(response.get("results").get(500).get("reason").asText()).isEqualTo("UNSUBSCRIBED_ALL");
        assertThat(response.get("results").get(9_999).get("allowed").asBoolean()).isTrue();
        assertThat(response.get("results").get(9_999).has("recipient")).as("results match requests by position").isFalse();
        assertThat(counter.batchGets.get()).isEqualTo(100);
        assertThat(counter.maxKeys.get()).isLessThanOrEqualTo(100);
    }

    @Test
    void unprocessedKeysAreRetriedUntilEveryAnswerIsKnown() throws Exception {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            recipients.add("u" + i + "@example.com");
        }
        store.apply(addr("u7@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        store.apply(addr("u249@example.com"), Change.unsubscribeTopic("newsletter", Provenance.of(Source.ONE_CLICK, T0)));
        // DynamoDB leaves keys unprocessed when throttled; provoke it: the first 6 answers hand back
        // every key they were asked for, unprocessed.
        BatchReadThrottling throttle = new BatchReadThrottling(6);
        DynamoDbClient throttled = throttle.client(aws);

        JsonNode response = invoke(handler(throttled), request("newsletter", recipients), 30_000);

        assertThat(throttle.handedBack()).isEqualTo(6);
        assertThat(response.get("summary").toString()).isEqualTo("{\"total\":250,\"allowed\":248,\"blocked\":2}");
        assertThat(response.get("results").get(7).get("reason").asText()).isEqualTo("UNSUBSCRIBED_ALL");
        assertThat(response.get("results").get(249).get("reason").asText()).isEqualTo("UNSUBSCRIBED_TOPIC");
    }

    @Test
    void keysStillUnprocessedWhenTimeRunsOutFailTheCheckInsteadOfAllowing() {
        DynamoDbClient throttled = new BatchReadThrottling(Integer.MAX_VALUE).client(aws);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> handler(throttled).handleRequest(new ByteArrayInputStream(
                request("newsletter", List.of("a@example.com", "b@example.com")).getBytes(StandardCharsets.UTF_8)), out, context(3_000)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("unprocessed");
        assertThat(out.size()).isZero();
    }

    @Test
    void aTableThatCannotBeReadFailsTheCheckInsteadOfAllowing() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DynamoDbClient unreachable = DynamoDbClient.builder().region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(aws.credentials()).endpointOverride(URI.create("http://127.0.0.1:" + closedPort))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> handler(unreachable).handleRequest(new ByteArrayInputStream(
                request("newsletter", List.of("a@example.com")).getBytes(StandardCharsets.UTF_8)), out, context(10_000)))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void aMissingTableFailsTheCheckInsteadOfAllowing() {
        PresendCheckHandler h = new PresendCheckHandler(new PresendCheck(catalog, keys,
                new BatchStateReader(aws.dynamoDb(), "no-such-table", 2), LinkProvider.NONE),
                new EventLog("presend-check", new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC()), Clock.systemUTC());
        assertThatThrownBy(() -> invoke(h, request("newsletter", List.of("a@example.com")), 10_000))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("no-such-table");
    }

    @Test
    void malformedRequestsAreFunctionErrorsThatSayWhatIsWrong() throws Exception {
        String unknownTopic = Files.readString(ProjectRoot.find().resolve("events/presend-check/check-request-unknown-topic.json"));
        assertThatThrownBy(() -> invoke(handler(aws.dynamoDb()), unknownTopic, 10_000))
                .isInstanceOf(InvalidCheckRequestException.class)
                .hasMessageContaining("unknown topic 'horoscopes'");
        assertThatThrownBy(() -> invoke(handler(aws.dynamoDb()), "ana@example.com", 10_000))
                .isInstanceOf(InvalidCheckRequestException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void builtFromSettingsAsInLambdaItReadsTheSameTable() throws Exception {
        store.apply(addr("gone@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put(Settings.TABLE_NAME, table);
        env.put(Settings.ADDRESS_HASH_KEY, Base64.getEncoder().encodeToString(HASH_KEY));
        env.put(Settings.LINK_KEYS, "{\"active\":\"k1\",\"keys\":{\"k1\":\"" + Base64.getEncoder().encodeToString(new byte[32]) + "\"}}");
        env.put(Settings.PUBLIC_BASE_URL, "https://optout.example.com");
        // as the function, with its role from template.yaml
        PresendCheckHandler fromSettings = new PresendCheckHandler(new Wiring(Settings.of(
                FunctionRole.environment(aws, "PresendCheckFunction", env))));

        JsonNode results = invoke(fromSettings, request("promotions", List.of("gone@example.com", "ok@example.com")), 10_000).get("results");

        assertThat(results.get(0).get("reason").asText()).isEqualTo("UNSUBSCRIBED_ALL");
        assertThat(results.get(1).get("allowed").asBoolean()).isTrue();
        FunctionRole.assertObservedCallsAllowed("PresendCheckFunction");
    }

    /** Counts BatchGetItem calls and the largest key count of one. */
    static final class CountingInterceptor implements ExecutionInterceptor {
        final AtomicInteger batchGets = new AtomicInteger();
        final AtomicInteger maxKeys = new AtomicInteger();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof BatchGetItemRequest r) {
                batchGets.incrementAndGet();
                int n = r.requestItems().values().stream().mapToInt(k -> k.keys().size()).sum();
                maxKeys.accumulateAndGet(n, Math::max);
            }
        }
    }

    @Test
    void everyReadOfTheCheckIsStronglyConsistentSoTheNextCheckHonoursAnOptOut() throws Exception {
        // Issue 10 point 8: moto is always consistent, so what is checked is what the check asks DynamoDB for.
        List<BatchGetItemRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());
        DynamoDbClient recording = aws.client(DynamoDbClient.builder().overrideConfiguration(o -> o.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof BatchGetItemRequest r) {
                            requests.add(r);
                        }
                    }
                })));
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            recipients.add("person" + i + "@example.com");
        }
        store.apply(addr("person7@example.com"), Change.unsubscribeAll(Provenance.of(Source.ONE_CLICK, T0)));

        JsonNode response = invoke(handler(recording), request("newsletter", recipients), 30_000);

        assertThat(response.get("results").get(7).get("reason").asText()).isEqualTo("UNSUBSCRIBED_ALL");
        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r.requestItems().get(table).consistentRead())
                .as("ConsistentRead of every BatchGetItem").isTrue());
    }
}
