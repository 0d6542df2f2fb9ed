package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The local runtime as its users reach it: the AWS SDK's LambdaClient on the invoke API, an HTTP
 * client on the routes, the SNS client publishing an SES event. It runs template.yaml plus one
 * extra function whose jar does not exist, to show what a route of an unbuilt function answers.
 */
@ExtendWith(LocalAwsExtension.class)
class LocalRuntimeIT {
    private static final Path ROOT = ProjectRoot.find();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ByteArrayOutputStream OUTPUT = new ByteArrayOutputStream();

    @TempDir
    static Path state;
    private static LocalRuntime runtime;
    private static LambdaClient lambda;

    @BeforeAll
    static void start(LocalAws aws) throws IOException {
        Path template = state.resolve("template.yaml");
        String notBuilt = String.join("\n",
                "  NotBuiltFunction:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      CodeUri: functions/not-built/target/function.jar",
                "      Handler: dev.optout.NotBuilt::handleRequest",
                "      Events:",
                "        Get:",
                "          Type: HttpApi",
                "          Properties:",
                "            ApiId: !Ref OptoutHttpApi",
                "            Method: GET",
                "            Path: /not-built/{token}",
                "",
                "Outputs:");
        Files.writeString(template, Files.readString(ROOT.resolve("template.yaml")).replaceFirst("\nOutputs:", "\n" + notBuilt));
        runtime = LocalRuntime.start(TestRuntimes.options(aws, template, state, "it", OUTPUT));
        lambda = LocalLambdaClients.of(runtime, aws, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        LocalLambdaClients.stop(lambda, runtime);
    }

    @Test
    void theSdkLambdaClientGetsTheCheckFunctionsAnswer() throws IOException {
        byte[] request = Files.readAllBytes(ROOT.resolve("events/presend-check/check-request.json"));
        InvokeResponse response = lambda.invoke(r -> r.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(request)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNull();
        JsonNode answer = JSON.readTree(response.payload().asByteArray());
        assertThat(answer.path("results")).hasSize(6);
        assertThat(answer.path("results").path(0).path("address").asText()).isEqualTo("ana@example.com");
        assertThat(answer.path("results").path(4).path("reason").asText()).isEqualTo("INVALID_ADDRESS");
        assertThat(answer.path("summary").path("total").asInt()).isEqualTo(6);
    }

    @Test
    void theScheduledExpirySweepRunsWhenInvokedWithTheSchedulesEvent() throws IOException {
        byte[] event = Files.readAllBytes(ROOT.resolve("events/expiry-sweep/scheduled-event.json"));
        InvokeResponse response = lambda.invoke(r -> r.functionName("ExpirySweepFunction").payload(SdkBytes.fromByteArray(event)));

        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        JsonNode answer = JSON.readTree(response.payload().asByteArray());
        assertThat(answer.path("finished").asBoolean()).isTrue();
        assertThat(answer.path("days")).as("the soft-bounce stops' due day and 3 catch-up days (hard bounces never expire by default)")
                .hasSize(4);
        assertThat(answer.path("items").path("FAILED").asInt()).isZero();
    }

    @Test
    void aFunctionErrorComesBackAsLambdaReportsIt() throws IOException {
        byte[] request = Files.readAllBytes(ROOT.resolve("events/presend-check/check-request-unknown-topic.json"));
        InvokeResponse response = lambda.invoke(r -> r.functionName("PresendCheckFunction").qualifier("live")
                .payload(SdkBytes.fromByteArray(request)));

        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(response.payload().asByteArray());
        assertThat(error.path("errorType").asText()).isEqualTo("dev.optout.check.InvalidCheckRequestException");
        assertThat(error.path("errorMessage").asText()).contains("horoscopes");
    }

    @Test
    void anUnknownFunctionIsResourceNotFound() {
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("NoSuchFunction")))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("NoSuchFunction");
    }

    @Test
    void aRouteWhoseFunctionIsNotBuiltAnswers503NamingTheMissingJar() throws Exception {
        HttpResponse<String> response = get("/not-built/abc");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).contains("NotBuiltFunction").contains("functions/not-built/target/function.jar");
    }

    @Test
    void aPathNoRouteServesIs404() throws Exception {
        assertThat(get("/nothing/here").statusCode()).isEqualTo(404);
    }

    @Test
    void theUnsubscribeRouteAnswersABadTokenWithAClientError() throws Exception {
        assertThat(runtime.runningFunctions()).as("UnsubscribeFunction runs (its jar is missing? run mvn package)")
                .contains("UnsubscribeFunction");
        HttpResponse<String> response = get("/u/not-a-token");

        assertThat(response.statusCode()).as("a link that is not ours: the unsubscribe page's 400").isEqualTo(400);
    }

    @Test
    void localJsonNamesEveryEndpoint() throws IOException {
        JsonNode local = JSON.readTree(state.resolve("local.json").toFile());

        assertThat(local.path("apiUrl").asText()).isEqualTo(runtime.apiUrl().toString());
        assertThat(local.path("lambdaEndpoint").asText()).isEqualTo(runtime.lambdaEndpoint().toString());
        assertThat(local.path("awsEndpoint").asText()).isEqualTo(runtime.aws().endpoint().toString());
        assertThat(local.path("region").asText()).isEqualTo("us-east-1");
        assertThat(local.path("tableName").asText()).endsWith("SuppressionTable");
        assertThat(local.path("sesTopicArn").asText()).startsWith("arn:aws:sns:");
        assertThat(local.path("feedbackQueueUrl").asText()).endsWith("SesEventsQueue");
        assertThat(local.path("feedbackDeadLetterQueueUrl").asText()).endsWith("SesEventsDeadLetterQueue");
        assertThat(local.path("pendingChangesQueueUrl").asText()).endsWith("PendingChangesQueue");
        assertThat(local.path("pendingChangesDeadLetterQueueUrl").asText()).endsWith("PendingChangesDeadLetterQueue");
        assertThat(local.path("faultsUrl").asText()).isEqualTo(runtime.aws().endpoint() + "/_optout/faults");
        // the command line reads the address-hash key through it (./optout lookup --local)
        assertThat(local.path("addressHashKeySecretArn").asText()).startsWith("arn:aws:secretsmanager:");
        assertThat(local.path("unsubscribeMailDomain").asText()).isEqualTo(LocalRuntime.LOCAL_MAIL_DOMAIN);
    }

    @Test
    void aOneClickWhileTheFaultSwitchHasDynamoDbDownIsAppliedByThePendingChangesPollerAfterRecovery() throws Exception {
        assertThat(runtime.runningFunctions()).as("PendingChangesFunction runs (its jar is missing? run mvn package)")
                .contains("PendingChangesFunction");
        String address = "outage-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        byte[] check = ("{\"topic\":\"newsletter\",\"recipients\":[\"" + address + "\"]}").getBytes(StandardCharsets.UTF_8);
        JsonNode before = JSON.readTree(lambda.invoke(b -> b.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(check)))
                .payload().asByteArray()).path("results").path(0);
        String link = before.path("headers").path("List-Unsubscribe").asText().replaceAll("^<([^>]+)>.*$", "$1");
        URI faults = URI.create(JSON.readTree(state.resolve("local.json").toFile()).path("faultsUrl").asText());

        HttpResponse<String> oneClick;
        try {
            assertThat(post(faults, "{\"service\":\"dynamodb\",\"mode\":\"unavailable\"}").statusCode()).isEqualTo(200);
            oneClick = HTTP.send(HttpRequest.newBuilder(URI.create(link)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click")).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            post(faults, "{\"service\":\"dynamodb\",\"mode\":\"none\"}");
        }
        assertThat(oneClick.statusCode()).isEqualTo(200);
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode result;
        do {
            Thread.sleep(500);
            result = JSON.readTree(lambda.invoke(b -> b.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(check)))
                    .payload().asByteArray()).path("results").path(0);
        } while (result.path("allowed").asBoolean(true) && Instant.now().isBefore(until));

        assertThat(result.path("reason").asText()).as("the queued opt-out reached the table: %s", result).isEqualTo("UNSUBSCRIBED_TOPIC");
        assertThat(OUTPUT.toString(StandardCharsets.UTF_8)).contains("PendingChangesFunction");
    }

    private static HttpResponse<String> post(URI url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theChecksMailtoSentAsAnSesReceiptEventToTheInboundFunctionBlocksTheNextCheck() throws Exception {
        assertThat(runtime.runningFunctions()).as("InboundUnsubscribeFunction runs (its jar is missing? run mvn package)")
                .contains(LocalRuntime.INBOUND_FUNCTION);
        String address = "mailto-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        byte[] check = ("{\"topic\":\"promotions\",\"recipients\":[\"" + address + "\"]}").getBytes(StandardCharsets.UTF_8);
        JsonNode before = JSON.readTree(lambda.invoke(b -> b.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(check)))
                .payload().asByteArray()).path("results").path(0);
        java.util.regex.Matcher mailto = java.util.regex.Pattern.compile("<mailto:([a-z2-7]{64}@" + LocalRuntime.LOCAL_MAIL_DOMAIN.replace(".", "\\.")
                + ")\\?subject=unsubscribe>").matcher(before.path("headers").path("List-Unsubscribe").asText());
        assertThat(mailto.find()).as("the check hands out a mailto: %s", before).isTrue();

        String event = SesReceiptEvents.received(mailto.group(1), address, "", SesReceiptEvents.ALL_PASS);
        InvokeResponse received = lambda.invoke(b -> b.functionName(LocalRuntime.INBOUND_FUNCTION).payload(SdkBytes.fromUtf8String(event)));
        assertThat(received.functionError()).as(received.payload().asUtf8String()).isNull();

        JsonNode after = JSON.readTree(lambda.invoke(b -> b.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(check)))
                .payload().asByteArray()).path("results").path(0);
        assertThat(after.path("allowed").asBoolean()).isFalse();
        assertThat(after.path("reason").asText()).isEqualTo("UNSUBSCRIBED_TOPIC");
        runtime.printBanner();
        assertThat(OUTPUT.toString(StandardCharsets.UTF_8)).contains("mailto        mailto:").contains("--function-name InboundUnsubscribeFunction");
        assertThat(JSON.readTree(state.resolve("mailto-demo-event.json").toFile()).at("/Records/0/ses/receipt/action/type").asText())
                .isEqualTo("Lambda");
    }

    @Test
    void aSecondInstanceIsToldOneIsAlreadyRunning(LocalAws aws) {
        assertThatThrownBy(() -> LocalRuntime.start(new LocalRuntime.Options(ROOT, ROOT.resolve("template.yaml"), state, 0, "second",
                aws, new PrintStream(java.io.OutputStream.nullOutputStream()))))
                .isInstanceOf(LocalRuntime.StartupException.class).hasMessageContaining("already running");
    }

    @Test
    void aTakenPortIsToldToChooseAnother(LocalAws aws, @TempDir Path otherState) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> LocalRuntime.start(new LocalRuntime.Options(ROOT, ROOT.resolve("template.yaml"), otherState,
                    taken.getLocalPort(), "taken", aws, new PrintStream(java.io.OutputStream.nullOutputStream()))))
                    .isInstanceOf(LocalRuntime.StartupException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("--port");
        }
    }

    @Test
    void aBouncePublishedToTheSesTopicEndsAsASuppression(LocalAws aws) throws Exception {
        assertThat(runtime.runningFunctions()).as("SesFeedbackFunction runs (its jar is missing? run mvn package)")
                .contains("SesFeedbackFunction");
        String address = "bounced-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        try (SnsClient sns = aws.client(SnsClient.builder())) {
            sns.publish(r -> r.topicArn(runtime.endpoints().get("sesTopicArn")).message(LocalRuntime.sampleBounce(address)));
        }
        byte[] check = ("{\"topic\":\"newsletter\",\"recipients\":[\"" + address + "\"]}").getBytes(StandardCharsets.UTF_8);
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode result;
        do {
            Thread.sleep(500);
            InvokeResponse r = lambda.invoke(b -> b.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(check)));
            result = JSON.readTree(r.payload().asByteArray()).path("results").path(0);
        } while (result.path("allowed").asBoolean(true) && Instant.now().isBefore(until));

        assertThat(result.path("allowed").asBoolean()).as("the bounced address is suppressed: %s", result).isFalse();
        assertThat(result.path("reason").asText()).isEqualTo("BOUNCED");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(runtime.apiUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
