package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.config.Settings;
import dev.optout.events.ChangeEvents;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import dev.optout.suppression.Action;
import dev.optout.suppression.Change;
import dev.optout.suppression.Provenance;
import dev.optout.suppression.Source;
import dev.optout.suppression.SuppressionStore;
import dev.optout.wiring.Wiring;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code ./optout local} publishes every change: a one-click (the check's link), a bounce (SES
 * through SNS and SQS), an operator's lift and forget (the store, as the command line uses it)
 * each arrive in {@code changeEventsQueueUrl} with the history entry's id, and at the webhook
 * (a local HTTP server) with the auth header the receiver checks.
 */
@ExtendWith(LocalAwsExtension.class)
class ChangeEventsLocalIT {
    private static final Path ROOT = ProjectRoot.find();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ByteArrayOutputStream OUTPUT = new ByteArrayOutputStream();
    /** What the webhook receiver got: body and the auth header's value. */
    private static final List<String[]> DELIVERIES = new CopyOnWriteArrayList<>();

    @TempDir
    static Path state;
    private static LocalRuntime runtime;
    private static LambdaClient lambda;
    private static HttpServer receiver;

    @BeforeAll
    static void start(LocalAws aws) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            DELIVERIES.add(new String[] {new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst(LocalChangeEvents.AUTH_HEADER)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        runtime = LocalRuntime.start(TestRuntimes.options(aws, ROOT.resolve("template.yaml"), state, "ev", OUTPUT).withWebhook(hook));
        lambda = LocalLambdaClients.of(runtime, aws, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        LocalLambdaClients.stop(lambda, runtime);
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private static SuppressionStore operatorsStore(LocalAws aws) {
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put(Settings.TABLE_NAME, runtime.endpoints().get("tableName"));
        env.put(Settings.ADDRESS_HASH_KEY_SECRET_ARN, runtime.endpoints().get("addressHashKeySecretArn"));
        return new Wiring(Settings.of(env)).withoutLinkKeys().store();
    }

    /** The history ids of an address, oldest first. */
    private static List<String> historyIds(LocalAws aws, String key) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(aws.items(runtime.endpoints().get("tableName")).stream()
                .filter(ChangeEvents::isHistory).filter(i -> ChangeEvents.addressKey(i).equals(key)).toList());
        items.sort(Comparator.comparing(i -> i.get("sk").s()));
        return items.stream().map(i -> ChangeEvents.historyId(key, i.get("sk").s())).toList();
    }

    /** Events of the copy queue until {@code count} for this key came, or 60 s. */
    private static List<JsonNode> eventsOf(LocalAws aws, String key, int count) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String queue = runtime.endpoints().get("changeEventsQueueUrl");
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        try (SqsClient sqs = aws.client(SqsClient.builder())) {
            while (out.size() < count && Instant.now().isBefore(until)) {
                for (Message m : sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                    JsonNode e = JSON.readTree(m.body());
                    if (key.equals(e.path("detail").path("addressKey").asText())) {
                        out.add(e);
                        sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aOneClickABounceALiftAndAForgetEachArriveOnceWithTheHistoryIdAndTheErasureCarriesNoAddress(LocalAws aws) throws Exception {
        assertThat(runtime.runningFunctions()).as("ChangeEventsFunction runs (its jar is missing? run mvn package)")
                .contains("ChangeEventsFunction");
        String local = "events-" + UUID.randomUUID().toString().substring(0, 8);
        EmailAddress address = AddressParser.parseOrNull(local + "@example.com");
        SuppressionStore store = operatorsStore(aws);
        String key = store.addressKeys().keyOf(address);

        byte[] check = ("{\"topic\":\"newsletter\",\"campaignId\":\"welcome\",\"recipients\":[\"" + address.value() + "\"]}")
                .getBytes(StandardCharsets.UTF_8);
        JsonNode result = JSON.readTree(lambda.invoke(b -> b.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(check)))
                .payload().asByteArray()).path("results").path(0);
        String link = result.path("headers").path("List-Unsubscribe").asText().replaceAll("^<([^>]+)>.*$", "$1");
        HttpResponse<String> oneClick = HTTP.send(HttpRequest.newBuilder(URI.create(link))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).isEqualTo(200);
        assertThat(eventsOf(aws, key, 1)).singleElement().satisfies(e -> {
            assertThat(e.path("detail-type").asText()).isEqualTo("Opted Out");
            assertThat(e.path("detail").path("source").asText()).isEqualTo("ONE_CLICK");
            assertThat(e.path("detail").path("address").asText()).isEqualTo(address.value());
        });

        try (SnsClient sns = aws.client(SnsClient.builder())) {
            sns.publish(r -> r.topicArn(runtime.endpoints().get("sesTopicArn")).message(LocalRuntime.sampleBounce(address.value())));
        }
        assertThat(eventsOf(aws, key, 1)).singleElement().satisfies(e -> {
            assertThat(e.path("detail-type").asText()).isEqualTo("Suppressed");
            assertThat(e.path("detail").path("reason").asText()).isEqualTo("HARD_BOUNCE");
        });

        store.apply(address, Change.of(Action.LIFT_BOUNCE, Provenance.byOperator(Source.OPERATOR, Instant.now(), "ops", "mailbox fixed")));
        store.forget(address, Provenance.byOperator(Source.OPERATOR, Instant.now(), "ops", "erasure request"));
        List<JsonNode> last = eventsOf(aws, key, 2);
        assertThat(last).extracting(e -> e.path("detail-type").asText()).containsExactly("Suppression Lifted", "Address Erased");
        assertThat(last.get(1).path("detail").path("instruction").asText()).isEqualTo("DELETE");
        assertThat(last.get(1).toString()).doesNotContain(local);

        List<String> ids = historyIds(aws, key);
        assertThat(ids).hasSize(4);
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (DELIVERIES.stream().filter(d -> d[0].contains(key)).count() < ids.size() && Instant.now().isBefore(until)) {
            Thread.sleep(200);
        }
        String secret = runtime.endpoints().get("webhookAuthSecret");
        List<String> delivered = new ArrayList<>();
        for (String[] d : DELIVERIES) {
            assertThat(d[1]).as("each delivery carries the auth header the receiver checks").isEqualTo(secret);
            JsonNode e = JSON.readTree(d[0]);
            if (key.equals(e.path("detail").path("addressKey").asText())) {
                delivered.add(e.path("detail").path("id").asText());
            }
        }
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(runtime.endpoints().get("eventBusName")).endsWith("-changes");
    }
}
