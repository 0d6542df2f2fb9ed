package dev.optout.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The page functions read API Gateway's events with {@link HttpApiEventJson} instead of the Java
 * runtime's serialization: each sample event of events/ must read exactly as the runtime's own
 * library (aws-lambda-java-serialization) reads it, and each answer must read back in that library
 * as it was written.
 */
class HttpApiEventJsonTest {
    private static final PojoSerializer<APIGatewayV2HTTPEvent> RUNTIME_EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, HttpApiEventJsonTest.class.getClassLoader());
    private static final PojoSerializer<APIGatewayV2HTTPResponse> RUNTIME_RESPONSES =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, HttpApiEventJsonTest.class.getClassLoader());

    @TestFactory
    Stream<DynamicTest> everySampleEventReadsAsLambdasJavaRuntimeReadsIt() throws IOException {
        Path events = ProjectRoot.find().resolve("events");
        List<Path> samples;
        try (Stream<Path> files = Stream.concat(Files.list(events.resolve("unsubscribe")), Files.list(events.resolve("preferences")))) {
            samples = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(8);
        return samples.stream().map(sample -> DynamicTest.dynamicTest(sample.getParent().getFileName() + "/" + sample.getFileName(), () -> {
            byte[] json = Files.readAllBytes(sample);
            APIGatewayV2HTTPEvent ours = HttpApiEventJson.readEvent(new ByteArrayInputStream(json));
            assertThat(ours).isEqualTo(RUNTIME_EVENTS.fromJson(new ByteArrayInputStream(json)));
            assertThat(ours.getRequestContext().getHttp().getMethod()).isIn("GET", "POST", "PUT");
        }));
    }

    @Test
    void anEventWrittenForPrimingReadsBackTheSame() throws IOException {
        byte[] json = Files.readAllBytes(ProjectRoot.find().resolve("events/unsubscribe/one-click-post-multipart-base64.json"));
        APIGatewayV2HTTPEvent event = RUNTIME_EVENTS.fromJson(new ByteArrayInputStream(json));
        assertThat(event.getIsBase64Encoded()).isTrue();
        assertThat(HttpApiEventJson.readEvent(new ByteArrayInputStream(HttpApiEventJson.writeEvent(event)))).isEqualTo(event);
    }

    @Test
    void theAnswerReadsInLambdasJavaRuntimeAsItWasWritten() throws IOException {
        APIGatewayV2HTTPResponse response = new APIGatewayV2HTTPResponse();
        response.setStatusCode(409);
        response.setHeaders(Map.of("content-type", "text/html; charset=utf-8", "cache-control", "no-store"));
        response.setMultiValueHeaders(Map.of("vary", List.of("Accept", "Accept-Language")));
        response.setCookies(List.of("a=b; Secure"));
        response.setBody("<p>Ünïcödé & \"quotes\"</p>\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpApiEventJson.writeResponse(response, out);
        assertThat(RUNTIME_RESPONSES.fromJson(new ByteArrayInputStream(out.toByteArray()))).isEqualTo(response);
        assertThat(HttpApiEventJson.readResponse(out.toByteArray())).isEqualTo(response);
    }

    @Test
    void aPayloadThatIsNotAnHttpApiEventIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> read("[1, 2]")).isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read("{\"headers\": {\"accept\": 1}}")).isInstanceOf(IOException.class)
                .hasMessageContaining("\"headers.accept\" is not a string");
        assertThatThrownBy(() -> read("{\"isBase64Encoded\": \"yes\"}")).isInstanceOf(IOException.class)
                .hasMessageContaining("\"isBase64Encoded\" is not true or false");
        assertThatThrownBy(() -> read("{\"rawPath\": \"/u/x\"")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("{} {}")).isInstanceOf(IOException.class).hasMessageContaining("text after the JSON value");
    }

    private static APIGatewayV2HTTPEvent read(String json) throws IOException {
        return HttpApiEventJson.readEvent(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
