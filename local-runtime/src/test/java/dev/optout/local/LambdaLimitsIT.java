package dev.optout.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalAwsExtension;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;

/**
 * Lambda's limits, as a pipeline meets them through the local runtime with the AWS SDK's
 * LambdaClient: the 6 MB synchronous payload both ways, the 1 MB asynchronous one, the function's
 * Timeout, and what the HTTP API answers for an event Lambda refuses. Each answer is the one AWS
 * gives (see {@link dev.optout.localaws.LambdaLimits} for the sources).
 *
 * <p>The runtime runs template.yaml with test changes: the check may run 300 s (so that a timeout
 * on a busy machine is not what fails), and two test functions in a copy of the check's jar
 * ({@link OversizeAnswerHandler}): {@code OversizeAnswerFunction} answers as many bytes as asked,
 * {@code OneSecondFunction} has {@code Timeout: 1}.
 */
@ExtendWith(LocalAwsExtension.class)
class LambdaLimitsIT {
    private static final Path ROOT = ProjectRoot.find();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteArrayOutputStream OUTPUT = new ByteArrayOutputStream();

    @TempDir
    static Path state;
    private static LocalRuntime runtime;
    private static LambdaClient lambda;

    @BeforeAll
    static void start(LocalAws aws) throws IOException {
        String template = Files.readString(ROOT.resolve("template.yaml"));
        int from = template.indexOf("\n  PresendCheckFunction:\n");
        int to = template.indexOf("\n  UnsubscribeFunction:\n");
        String check = template.substring(from, to);
        // the test function: a copy of the check's jar with OversizeAnswerHandler added, under the check's settings
        Path jar = state.resolve("oversize.jar");
        Files.copy(ROOT.resolve("functions/presend-check/target/function.jar"), jar);
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(jar)) {
            String entry = OversizeAnswerHandler.class.getName().replace('.', '/') + ".class";
            Path target = zip.getPath(entry);
            Files.createDirectories(target.getParent());
            try (var in = OversizeAnswerHandler.class.getClassLoader().getResourceAsStream(entry)) {
                Files.copy(in, target);
            }
        }
        String oversize = check.replace("  PresendCheckFunction:", "  OversizeAnswerFunction:")
                .replace("functions/presend-check/target/function.jar", jar.toAbsolutePath().toString())
                .replaceAll("Handler: \\S+", "Handler: " + OversizeAnswerHandler.class.getName() + "::handleRequest");
        String oneSecond = oversize.replace("  OversizeAnswerFunction:", "  OneSecondFunction:")
                .replace("      MemorySize: 1024\n", "      MemorySize: 1024\n      Timeout: 1\n");
        String patient = check.replace("      MemorySize: 1024\n", "      MemorySize: 1024\n      Timeout: 300\n");
        Path copy = state.resolve("template.yaml");
        Files.writeString(copy, template.substring(0, from) + patient + oversize + oneSecond + template.substring(to));
        runtime = LocalRuntime.start(TestRuntimes.options(aws, copy, state, "limits", OUTPUT));
        lambda = LocalLambdaClients.of(runtime, aws, Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() {
        LocalLambdaClients.stop(lambda, runtime);
    }

    @Test
    void anAnswerOverSixMegabytesGetsLambdasResponseSizeErrorAndOneAtTheLimitPasses() throws IOException {
        InvokeResponse over = lambda.invoke(r -> r.functionName("OversizeAnswerFunction")
                .payload(SdkBytes.fromUtf8String("{\"bytes\": 6291557}")));
        InvokeResponse at = lambda.invoke(r -> r.functionName("OversizeAnswerFunction")
                .payload(SdkBytes.fromUtf8String("{\"bytes\": 6291556}")));

        assertThat(over.statusCode()).isEqualTo(200);
        assertThat(over.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(over.payload().asByteArray());
        assertThat(error.path("errorType").asText()).isEqualTo("Function.ResponseSizeTooLarge");
        assertThat(error.path("errorMessage").asText())
                .isEqualTo("Response payload size exceeded maximum allowed payload size (6291556 bytes).");
        assertThat(at.functionError()).isNull();
        assertThat(at.payload().asByteArray()).hasSize(6_291_556);
    }

    @Test
    void theCheckRefusesARequestWhoseAnswerCouldExceedTheLimitInsteadOfFailingEveryRecipient() throws IOException {
        byte[] request = tenThousandLongAddresses();
        InvokeResponse response = lambda.invoke(r -> r.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(request)));

        JsonNode error = JSON.readTree(response.payload().asByteArray());
        assertThat(error.path("errorType").asText()).as("refused by the check, not cut off by Lambda")
                .endsWith("InvalidCheckRequestException");
        assertThat(error.path("errorMessage").asText()).contains("\"recipients\" has 10000 entries; at most 1400");
    }

    @Test
    void aRequestOverSixMegabytesIsRefusedWith413AsTheSdkSeesItOnAws() {
        byte[] request = padded(6_291_457);

        LambdaException refused = catchThrowableOfType(LambdaException.class,
                () -> lambda.invoke(r -> r.functionName("PresendCheckFunction").payload(SdkBytes.fromByteArray(request))));

        // Lambda sends RequestEntityTooLargeException, a code the SDK's model does not name: a plain LambdaException.
        assertThat(refused).isExactlyInstanceOf(LambdaException.class);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
        assertThat(refused.awsErrorDetails().errorMessage())
                .isEqualTo("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
    }

    @Test
    void anAsynchronousInvokeOverOneMegabyteIsRefusedAndOneUnderItIsAccepted() {
        byte[] over = padded(1_048_577);
        byte[] under = padded(1_048_576);

        LambdaException refused = catchThrowableOfType(LambdaException.class, () -> lambda.invoke(r -> r.functionName("PresendCheckFunction")
                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromByteArray(over))));
        InvokeResponse accepted = lambda.invoke(r -> r.functionName("PresendCheckFunction")
                .invocationType(InvocationType.EVENT).payload(SdkBytes.fromByteArray(under)));

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
        assertThat(refused.awsErrorDetails().errorMessage())
                .isEqualTo("1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)");
        assertThat(accepted.statusCode()).isEqualTo(202);
    }

    @Test
    void anInvocationPastItsTimeoutIsAnsweredAsLambdaAnswersIt() throws IOException {
        InvokeResponse response = lambda.invoke(r -> r.functionName("OneSecondFunction")
                .payload(SdkBytes.fromUtf8String("{\"sleepMillis\": 5000}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        JsonNode error = JSON.readTree(response.payload().asByteArray());
        assertThat(error.path("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(error.path("errorMessage").asText()).matches("RequestId: [0-9a-f-]{36} Error: Task timed out after 1\\.00 seconds");
    }

    @Test
    void aLinkPostWhoseEventIsOverSixMegabytesGetsApiGatewaysRequestTooLong() throws Exception {
        byte[] body = new byte[7 * 1024 * 1024];
        Arrays.fill(body, (byte) 'a');

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(runtime.apiUrl() + "/u/any-token")).timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("{\"message\":\"Request Too Long\"}");
    }

    /**
     * 10,000 recipients, each with a realistic long address, a campaign id, with the mailto: links
     * the local runtime configures: an answer of about 9 MB, which the check refuses to attempt.
     */
    private static byte[] tenThousandLongAddresses() throws IOException {
        ObjectNode request = JSON.createObjectNode();
        request.put("topic", "newsletter");
        request.put("campaignId", "spring-sale-2025-emea-segment-returning-customers");
        ArrayNode recipients = request.putArray("recipients");
        for (int i = 0; i < 10_000; i++) {
            recipients.add(String.format("firstname.lastname.%05d@mail.customer-domain-example.com", i));
        }
        return JSON.writeValueAsBytes(request);
    }

    /** A check request of exactly this many bytes (its size, not its content, is what is refused). */
    private static byte[] padded(int size) {
        String head = "{\"topic\":\"newsletter\",\"recipients\":[\"a@example.com\"],\"pad\":\"";
        String tail = "\"}";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }
}
