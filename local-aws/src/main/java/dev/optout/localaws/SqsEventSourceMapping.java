package dev.optout.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What Lambda's SQS event source mapping does, on a local endpoint: receive up to
 * {@code batchSize} messages, hand them to the function as one SQS event (the same JSON Lambda
 * sends), then with {@code ReportBatchItemFailures} delete only the messages the function did not
 * list in {@code batchItemFailures}. Failed messages stay in the queue and come back after the
 * visibility timeout; after the redrive policy's {@code maxReceiveCount} the queue moves them to
 * the dead-letter queue. A function error (the invoker throws) or an answer that names a message
 * not in the batch fails the whole batch, as in Lambda.
 *
 * <pre>{@code
 * try (var mapping = new SqsEventSourceMapping(sqs, queueUrl, queueArn, "us-east-1", 10, eventJson -> invoke(eventJson))) {
 *     mapping.start(System.out::println);    // or mapping.pollOnce(Duration.ofSeconds(1)) in a test
 * }
 * }</pre>
 */
public final class SqsEventSourceMapping extends PollingLoop {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The function, as Lambda calls it: SQS event JSON in, SQSBatchResponse JSON out (may be empty). */
    @FunctionalInterface
    public interface Invoker {
        /** @throws Exception a function error: the whole batch is left for retry */
        byte[] invoke(byte[] sqsEventJson) throws Exception;
    }

    /** One poll: how many messages came, which were deleted, which were left for retry. */
    public record BatchOutcome(int received, List<String> deleted, List<String> failed, String functionError) {
        public static final BatchOutcome EMPTY = new BatchOutcome(0, List.of(), List.of(), null);
    }

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final int batchSize;
    private final Invoker invoker;

    public SqsEventSourceMapping(SqsClient sqs, String queueUrl, String queueArn, String region, int batchSize, Invoker invoker) {
        super("SQS", "sqs-event-source-" + queueArn);
        if (batchSize < 1 || batchSize > 10) {
            throw new IllegalArgumentException("SQS receives 1 to 10 messages at a time, not " + batchSize);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.region = region;
        this.batchSize = batchSize;
        this.invoker = invoker;
    }

    /**
     * An invoker for a {@code RequestStreamHandler} in this JVM (the SQS functions as Lambda calls
     * them): the event's JSON goes to its stream entry point and its JSON answer comes back, as in AWS.
     */
    public static Invoker inProcess(RequestStreamHandler handler, String functionName) {
        return json -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(json), bytes, new LocalLambdaContext(functionName, Duration.ofSeconds(30)));
            return bytes.toByteArray();
        };
    }

    /**
     * Polls until the queue holds no message, visible or in flight (failed messages come back
     * after the visibility timeout, and leave for the dead-letter queue after the redrive count),
     * or until {@code timeout}; answers the totals.
     */
    public BatchOutcome drain(Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        int received = 0;
        List<String> deleted = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        while (Instant.now().isBefore(until)) {
            BatchOutcome o = pollOnce(Duration.ofSeconds(1));
            received += o.received();
            deleted.addAll(o.deleted());
            failed.addAll(o.failed());
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
            if (a.values().stream().allMatch("0"::equals)) {
                break;
            }
        }
        return new BatchOutcome(received, deleted, failed, null);
    }

    /** Receives one batch (long polling up to {@code wait}) and delivers it; answers what happened. */
    public BatchOutcome pollOnce(Duration wait) {
        List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(batchSize)
                .waitTimeSeconds((int) Math.min(20, wait.toSeconds()))
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return BatchOutcome.EMPTY;
        }
        Set<String> failed = new LinkedHashSet<>();
        String functionError = deliver(messages, failed);
        List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                delete.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(delete.size()))
                        .receiptHandle(m.receiptHandle()).build());
                deleted.add(m.messageId());
            }
        }
        if (!delete.isEmpty()) {
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(delete));
        }
        return new BatchOutcome(messages.size(), deleted, List.copyOf(failed), functionError);
    }

    /**
     * Invokes the function with these messages; adds the ones left for retry to {@code failed} and
     * answers the function error, if any. An event over Lambda's synchronous payload limit (6 MiB)
     * is never sent: the batch goes in smaller invocations, as the event source mapping delivers
     * fewer records rather than an event Lambda would refuse.
     */
    private String deliver(List<Message> messages, Set<String> failed) {
        try {
            byte[] event = JSON.writeValueAsBytes(event(messages));
            if (messages.size() > 1 && LambdaLimits.checkRequest(event.length, LambdaLimits.InvocationType.REQUEST_RESPONSE).isPresent()) {
                int half = messages.size() / 2;
                String first = deliver(messages.subList(0, half), failed);
                String second = deliver(messages.subList(half, messages.size()), failed);
                return first != null ? first : second;
            }
            LambdaLimits.requireAccepted(event.length, LambdaLimits.InvocationType.REQUEST_RESPONSE);
            byte[] answer = invoker.invoke(event);
            failed.addAll(batchItemFailures(answer, messages));
            return null;
        } catch (Exception e) {
            messages.forEach(m -> failed.add(m.messageId()));
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** In the background loop ({@link #start}): each non-empty batch is reported; the receive's long poll is the wait. */
    @Override
    long pollAndReport(Consumer<String> log) {
        BatchOutcome o = pollOnce(Duration.ofSeconds(2));
        if (o.received() > 0) {
            log.accept("SQS batch of " + o.received() + ": " + o.deleted().size() + " done, "
                    + o.failed().size() + " left for retry"
                    + (o.functionError() == null ? "" : " (function error " + o.functionError() + ")"));
        }
        return 0;
    }

    private ObjectNode event(List<Message> messages) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode r = records.addObject();
            r.put("messageId", m.messageId());
            r.put("receiptHandle", m.receiptHandle());
            r.put("body", m.body());
            ObjectNode attributes = r.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = r.putObject("messageAttributes");
            for (Map.Entry<String, MessageAttributeValue> a : m.messageAttributes().entrySet()) {
                ObjectNode v = messageAttributes.putObject(a.getKey());
                if (a.getValue().stringValue() != null) {
                    v.put("stringValue", a.getValue().stringValue());
                }
                if (a.getValue().binaryValue() != null) {
                    v.put("binaryValue", Base64.getEncoder().encodeToString(a.getValue().binaryValue().asByteArray()));
                }
                v.putArray("stringListValues");
                v.putArray("binaryListValues");
                v.put("dataType", a.getValue().dataType());
            }
            r.put("md5OfBody", m.md5OfBody());
            r.put("eventSource", "aws:sqs");
            r.put("eventSourceARN", queueArn);
            r.put("awsRegion", region);
        }
        return event;
    }

    /** The ids the function reported as failed; every id when the answer is not a valid report. */
    private static Set<String> batchItemFailures(byte[] answer, List<Message> messages) {
        Set<String> all = new LinkedHashSet<>();
        messages.forEach(m -> all.add(m.messageId()));
        if (answer == null || answer.length == 0) {
            return Set.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (java.io.IOException e) {
            return all;
        }
        if (root == null || root.isNull() || root.path("batchItemFailures").isMissingNode()
                || root.path("batchItemFailures").isNull()) {
            return Set.of();
        }
        Set<String> failed = new LinkedHashSet<>();
        for (JsonNode f : root.path("batchItemFailures")) {
            String id = f.path("itemIdentifier").asText("");
            if (!all.contains(id)) {
                return all; // Lambda treats an unknown or empty identifier as a failure of the whole batch
            }
            failed.add(id);
        }
        return failed;
    }
}
