package dev.optout.localaws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's DynamoDB Streams event source mapping does, on a local endpoint: read each shard
 * of the table's stream in order, hand up to {@code batchSize} records to the function as one
 * stream event (the JSON Lambda sends), and with {@code ReportBatchItemFailures} move the
 * checkpoint to just before the first failed sequence number: the batch is retried from there.
 * After {@code maxRetries} retries of one record (or of a batch whose function failed), the
 * record's coordinates go to {@code onFailure} (the on-failure destination, a dead-letter queue)
 * and the mapping moves past it. Lambda's bisection of a failing batch is not imitated: the
 * retry starts at the failed record, which is where a bisection ends.
 *
 * <pre>{@code
 * try (var mapping = new StreamEventSourceMapping(streams, streamArn, "us-east-1", 100, 2, invoker, dlq::send)) {
 *     mapping.start(System.out::println);   // or mapping.drain(Duration.ofSeconds(5)) in a test
 * }
 * }</pre>
 */
public final class StreamEventSourceMapping extends PollingLoop {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The function, as Lambda calls it: stream event JSON in, the batch response JSON out (may be empty). */
    @FunctionalInterface
    public interface Invoker {
        /** @throws Exception a function error: the batch is retried */
        byte[] invoke(byte[] streamEventJson) throws Exception;
    }

    /** One poll: records handed over, records done, the failed sequence number (or null). */
    public record BatchOutcome(int received, int done, String failedSequence, String functionError) {
        public static final BatchOutcome EMPTY = new BatchOutcome(0, 0, null, null);
    }

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final String region;
    private final int batchSize;
    private final int maxRetries;
    private final Invoker invoker;
    private final Consumer<String> onFailure;
    /** Per shard: the last sequence number done. */
    private final Map<String, String> checkpoints = new HashMap<>();
    private final Map<String, Integer> retries = new HashMap<>();

    /**
     * @param onFailure receives, for a record given up on, the JSON Lambda sends to an on-failure
     *                  destination (the stream, shard and sequence numbers, not the record)
     */
    public StreamEventSourceMapping(DynamoDbStreamsClient streams, String streamArn, String region, int batchSize, int maxRetries,
                                    Invoker invoker, Consumer<String> onFailure) {
        super("stream", "stream-event-source-" + streamArn);
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("a stream batch holds 1 to 10,000 records, not " + batchSize);
        }
        this.streams = streams;
        this.streamArn = streamArn;
        this.region = region;
        this.batchSize = batchSize;
        this.maxRetries = maxRetries;
        this.invoker = invoker;
        this.onFailure = onFailure;
    }

    /** Polls until a poll of every shard finds nothing new, or until {@code timeout}; answers the records done. */
    public int drain(Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        int done = 0;
        while (Instant.now().isBefore(until)) {
            List<BatchOutcome> outcomes = pollOnce();
            int received = outcomes.stream().mapToInt(BatchOutcome::received).sum();
            done += outcomes.stream().mapToInt(BatchOutcome::done).sum();
            if (received == 0) {
                break;
            }
        }
        return done;
    }

    /** Reads one batch of each shard from its checkpoint and delivers it. */
    public synchronized List<BatchOutcome> pollOnce() {
        List<BatchOutcome> outcomes = new ArrayList<>();
        for (Shard shard : streams.describeStream(r -> r.streamArn(streamArn)).streamDescription().shards()) {
            String checkpoint = checkpoints.get(shard.shardId());
            String iterator = streams.getShardIterator(r -> {
                r.streamArn(streamArn).shardId(shard.shardId());
                if (checkpoint == null) {
                    r.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
                } else {
                    r.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(checkpoint);
                }
            }).shardIterator();
            GetRecordsResponse got = streams.getRecords(r -> r.shardIterator(iterator).limit(Math.min(batchSize, 1000)));
            if (!got.records().isEmpty()) {
                outcomes.add(deliver(shard.shardId(), got.records()));
            }
        }
        return outcomes;
    }

    private BatchOutcome deliver(String shardId, List<Record> records) {
        String failed;
        String functionError = null;
        try {
            byte[] answer = invoker.invoke(JSON.writeValueAsBytes(event(records)));
            failed = failedSequence(answer, records);
        } catch (Exception e) {
            failed = records.get(0).dynamodb().sequenceNumber();
            functionError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int done = records.size();
        if (failed != null) {
            done = 0;
            while (!records.get(done).dynamodb().sequenceNumber().equals(failed)) {
                done++;
            }
            if (done > 0) {
                checkpoints.put(shardId, records.get(done - 1).dynamodb().sequenceNumber());
            }
            int tried = retries.merge(failed, 1, Integer::sum);
            if (tried > maxRetries) {
                onFailure.accept(failureRecord(shardId, failed, functionError));
                checkpoints.put(shardId, failed);
                retries.remove(failed);
            }
        } else {
            checkpoints.put(shardId, records.get(records.size() - 1).dynamodb().sequenceNumber());
        }
        return new BatchOutcome(records.size(), done, failed, functionError);
    }

    /** The failed sequence number the answer names (the lowest, as Lambda takes it), or null. */
    private static String failedSequence(byte[] answer, List<Record> records) throws java.io.IOException {
        if (answer == null || answer.length == 0) {
            return null;
        }
        JsonNode failures = JSON.readTree(answer).path("batchItemFailures");
        String lowest = null;
        for (JsonNode f : failures) {
            String id = f.path("itemIdentifier").asText(null);
            if (id == null || records.stream().noneMatch(r -> r.dynamodb().sequenceNumber().equals(id))) {
                // Lambda treats an unknown or missing identifier as a failure of the whole batch
                return records.get(0).dynamodb().sequenceNumber();
            }
            if (lowest == null || new java.math.BigInteger(id).compareTo(new java.math.BigInteger(lowest)) < 0) {
                lowest = id;
            }
        }
        return lowest;
    }

    private ObjectNode event(List<Record> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode list = event.putArray("Records");
        for (Record r : records) {
            ObjectNode o = list.addObject();
            o.put("eventID", r.eventID());
            o.put("eventName", r.eventNameAsString());
            o.put("eventVersion", "1.1");
            o.put("eventSource", "aws:dynamodb");
            o.put("awsRegion", region);
            o.put("eventSourceARN", streamArn);
            ObjectNode d = o.putObject("dynamodb");
            if (r.dynamodb().approximateCreationDateTime() != null) {
                d.put("ApproximateCreationDateTime", r.dynamodb().approximateCreationDateTime().getEpochSecond());
            }
            d.set("Keys", item(r.dynamodb().keys()));
            if (r.dynamodb().hasNewImage()) {
                d.set("NewImage", item(r.dynamodb().newImage()));
            }
            d.put("SequenceNumber", r.dynamodb().sequenceNumber());
            if (r.dynamodb().sizeBytes() != null) {
                d.put("SizeBytes", r.dynamodb().sizeBytes());
            }
            d.put("StreamViewType", r.dynamodb().streamViewTypeAsString());
        }
        return event;
    }

    private static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode o = JSON.createObjectNode();
        item.forEach((k, v) -> o.set(k, value(v)));
        return o;
    }

    private static JsonNode value(AttributeValue v) {
        ObjectNode o = JSON.createObjectNode();
        if (v.s() != null) {
            o.put("S", v.s());
        } else if (v.n() != null) {
            o.put("N", v.n());
        } else if (v.bool() != null) {
            o.put("BOOL", v.bool());
        } else if (v.hasSs()) {
            ArrayNode a = o.putArray("SS");
            v.ss().forEach(a::add);
        } else if (v.hasNs()) {
            ArrayNode a = o.putArray("NS");
            v.ns().forEach(a::add);
        } else if (v.hasM()) {
            o.set("M", item(v.m()));
        } else if (v.hasL()) {
            ArrayNode a = o.putArray("L");
            v.l().forEach(x -> a.add(value(x)));
        } else if (v.b() != null) {
            o.put("B", java.util.Base64.getEncoder().encodeToString(v.b().asByteArray()));
        } else {
            o.put("NULL", true);
        }
        return o;
    }

    /** What Lambda sends an on-failure destination for a stream record it gave up on. */
    private String failureRecord(String shardId, String sequence, String functionError) {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("requestContext").put("condition", functionError == null ? "RetryAttemptsExhausted" : "FunctionError")
                .put("approximateInvokeCount", maxRetries + 1);
        ObjectNode info = o.putObject("DDBStreamBatchInfo");
        info.put("shardId", shardId).put("startSequenceNumber", sequence).put("endSequenceNumber", sequence)
                .put("batchSize", 1).put("streamArn", streamArn);
        if (functionError != null) {
            o.putObject("responseContext").put("functionError", functionError);
        }
        return o.toString();
    }

    /** In the background loop ({@link #start}): each batch that failed is reported; half a second's wait when nothing came. */
    @Override
    long pollAndReport(Consumer<String> log) {
        List<BatchOutcome> outcomes = pollOnce();
        for (BatchOutcome o : outcomes) {
            if (o.failedSequence() != null) {
                log.accept("stream batch of " + o.received() + ": " + o.done() + " done, retrying from "
                        + o.failedSequence() + (o.functionError() == null ? "" : " (function error " + o.functionError() + ")"));
            }
        }
        return outcomes.isEmpty() ? 500 : 0;
    }
}
