package dev.optout.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.optout.localaws.ProjectRoot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * The SQS functions read their events with {@link SqsEventJson} instead of the Java runtime's
 * serialization: each sample SQS event of events/ must read exactly as the runtime's own library
 * (aws-lambda-java-serialization) reads it, and the partial batch answer must read back there as written.
 */
class SqsEventJsonTest {
    private static final PojoSerializer<SQSEvent> RUNTIME_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, SqsEventJsonTest.class.getClassLoader());
    private static final PojoSerializer<SQSBatchResponse> RUNTIME_RESPONSES =
            LambdaEventSerializers.serializerFor(SQSBatchResponse.class, SqsEventJsonTest.class.getClassLoader());

    @TestFactory
    Stream<DynamicTest> everySampleSqsEventReadsAsLambdasJavaRuntimeReadsIt() throws IOException {
        Path events = ProjectRoot.find().resolve("events");
        List<Path> samples;
        try (Stream<Path> files = Stream.concat(Files.list(events.resolve("ses-feedback")), Files.list(events.resolve("pending-changes")))) {
            samples = files.filter(p -> p.getFileName().toString().startsWith("sqs-")).sorted().toList();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(40);
        return samples.stream().map(sample -> DynamicTest.dynamicTest(sample.getParent().getFileName() + "/" + sample.getFileName(), () -> {
            byte[] json = Files.readAllBytes(sample);
            SQSEvent ours = SqsEventJson.read(new ByteArrayInputStream(json));
            assertThat(ours).isEqualTo(RUNTIME_EVENTS.fromJson(new ByteArrayInputStream(json)));
            assertThat(ours.getRecords()).isNotEmpty().allSatisfy(m -> assertThat(m.getMessageId()).isNotBlank());
        }));
    }

    @Test
    void messageAttributesOfEveryKindReadAsTheRuntimeReadsThem() throws IOException {
        String json = """
                {"Records":[{"messageId":"m-1","receiptHandle":"r","body":"{}","attributes":{"ApproximateReceiveCount":"2"},
                  "messageAttributes":{"s":{"stringValue":"v","stringListValues":[],"binaryListValues":[],"dataType":"String"},
                                       "b":{"binaryValue":"AAEC","stringListValues":[],"binaryListValues":["AwQ="],"dataType":"Binary"}},
                  "md5OfBody":"99914b932bd37a50b983c5e7c90ae93b","eventSource":"aws:sqs",
                  "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:q","awsRegion":"us-east-1"}]}""";
        SQSEvent ours = SqsEventJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(ours).isEqualTo(RUNTIME_EVENTS.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertThat(ours.getRecords().get(0).getMessageAttributes().get("b").getBinaryValue()).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2}));
        assertThat(ours.getRecords().get(0).getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:123456789012:q");
    }

    @Test
    void theBatchAnswerReadsInLambdasJavaRuntimeAsItWasWritten() throws IOException {
        for (SQSBatchResponse answer : List.of(new SQSBatchResponse(List.of()),
                new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("m-1"), new SQSBatchResponse.BatchItemFailure("m-3"))))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SqsEventJson.write(answer, out);
            assertThat(RUNTIME_RESPONSES.fromJson(new ByteArrayInputStream(out.toByteArray()))).isEqualTo(answer);
            assertThat(SqsEventJson.readResponse(out.toByteArray())).isEqualTo(answer);
        }
    }

    @Test
    void aPayloadThatIsNotAnSqsEventIsRefusedSoTheBatchComesBack() {
        assertThatThrownBy(() -> read("\"text\"")).isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read("{\"Records\": {}}")).isInstanceOf(IOException.class).hasMessageContaining("\"Records\" is not an array");
        assertThatThrownBy(() -> read("{\"Records\": [{\"body\": 3}]}")).isInstanceOf(IOException.class)
                .hasMessageContaining("\"body\" is not a string");
        assertThatThrownBy(() -> read("{\"Records\": [{\"messageAttributes\": {\"b\": {\"binaryValue\": \"*\"}}}]}"))
                .isInstanceOf(IOException.class).hasMessageContaining("not base64");
    }

    @Test
    void aPrimingEventWrittenByTheFunctionReadsBackTheSame() throws IOException {
        SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
        m.setMessageId("snapstart-priming");
        m.setBody("{\"Type\":\"Notification\"}");
        m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(m));
        assertThat(SqsEventJson.read(new ByteArrayInputStream(SqsEventJson.toJson(event)))).isEqualTo(event);
    }

    private static SQSEvent read(String json) throws IOException {
        return SqsEventJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
