package dev.optout.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.optout.events.AddressDirectory;
import dev.optout.events.ChangeEvents;
import dev.optout.function.changeevents.ChangeEventsHandler;
import dev.optout.function.changeevents.EventBusPublisher;
import dev.optout.function.changeevents.StreamPublisher;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.StreamEventSourceMapping;
import dev.optout.observability.EventLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Change events from a burst of history items (default 10,000 one-clicks of as many addresses),
 * on moto: the items are written 25 per BatchWriteItem to a table with its stream on, the stream
 * is read as Lambda's mapping would (batches of 100) by ChangeEventsFunction's handler in this JVM
 * (addresses read from the state items), and its events are put on an EventBridge bus. Every
 * PutEvents the handler makes is observed on the SDK client (an interceptor reading the real
 * requests and moto's answers): prints events per second through the publisher, the delay from
 * each item's write to the answer that put its event on the bus (median, p99, max), and the
 * count: every change once, none lost, none twice. The bus has no rule: moto delivers to an SQS
 * target at about 6 events a second, which would measure moto (the integration tests cover the
 * delivery).
 *
 * <p>Usage: {@code scripts/bench events [changes]}
 */
public final class ChangeEventsBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        try (LocalAws aws = LocalAws.start()) {
            String table = aws.createSuppressionTableWithStream();
            EventBridgeClient events = aws.client(EventBridgeClient.builder());
            events.createEventBus(r -> r.name("bench-changes"));
            Map<String, List<Long>> publishedAt = new java.util.concurrent.ConcurrentHashMap<>();
            EventBridgeClient observed = EventBridgeClient.builder().httpClient(software.amazon.awssdk.http.urlconnection
                    .UrlConnectionHttpClient.builder().build()).region(software.amazon.awssdk.regions.Region.of(aws.region()))
                    .credentialsProvider(aws.credentials()).endpointOverride(aws.endpoint())
                    .overrideConfiguration(o -> o.addExecutionInterceptor(new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                        @Override
                        public void afterExecution(software.amazon.awssdk.core.interceptor.Context.AfterExecution context,
                                                   software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                            if (context.request() instanceof software.amazon.awssdk.services.eventbridge.model.PutEventsRequest req
                                    && context.response() instanceof software.amazon.awssdk.services.eventbridge.model.PutEventsResponse res) {
                                long now = System.currentTimeMillis();
                                for (int i = 0; i < req.entries().size() && i < res.entries().size(); i++) {
                                    if (res.entries().get(i).errorCode() == null) {
                                        try {
                                            String id = JSON.readTree(req.entries().get(i).detail()).path("id").asText();
                                            publishedAt.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(now);
                                        } catch (java.io.IOException e) {
                                            throw new java.io.UncheckedIOException(e);
                                        }
                                    }
                                }
                            }
                        }
                    })).build();

            // the burst: a state item (with the address) and a history item per change, as the store lays them out
            Map<String, Long> writtenAt = new HashMap<>();
            List<WriteRequest> batch = new ArrayList<>();
            Instant start = Instant.now();
            for (int i = 0; i < changes; i++) {
                String key = String.format("benchkey%035d", i);
                String sk = "H#" + Instant.now() + "#b" + i;
                Instant now = Instant.now();
                batch.add(put(Map.of("pk", s("A#" + key), "sk", s("STATE"), "addr", s("person" + i + "@example.com"))));
                batch.add(put(Map.of("pk", s("A#" + key), "sk", s(sk), "action", s("UNSUBSCRIBE_ALL"), "at", s(now.toString()),
                        "recordedAt", s(now.toString()), "src", s("ONE_CLICK"), "cmp", s("bench"))));
                writtenAt.put(ChangeEvents.historyId(key, sk), now.toEpochMilli());
                if (batch.size() >= 24) {
                    write(aws, table, batch);
                }
            }
            write(aws, table, batch);
            Duration writing = Duration.between(start, Instant.now());
            System.out.printf("wrote %,d changes (%,d items) in %.1f s%n", changes, changes * 2, writing.toMillis() / 1000.0);

            ChangeEventsHandler handler = new ChangeEventsHandler(new StreamPublisher(new AddressDirectory(aws.dynamoDb(), table), false,
                    new EventBusPublisher(observed, "bench-changes", new EventBusPublisher.Retries(4, 100))),
                    new EventLog("change-events", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()));
            String streamArn = aws.dynamoDb().describeTable(r -> r.tableName(table)).table().latestStreamArn();
            List<String> deadLetters = new ArrayList<>();
            Instant publishStart = Instant.now();
            try (StreamEventSourceMapping mapping = new StreamEventSourceMapping(aws.client(DynamoDbStreamsClient.builder()), streamArn,
                    aws.region(), 100, 2, json -> {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        handler.handleRequest(new ByteArrayInputStream(json), out, null);
                        return out.toByteArray();
                    }, deadLetters::add)) {
                mapping.drain(Duration.ofMinutes(30));
            }
            Duration publishing = Duration.between(publishStart, Instant.now());
            System.out.printf("published through ChangeEventsFunction's handler in %.1f s: %,.0f events/s (%,d stream records read, %d dead-lettered)%n",
                    publishing.toMillis() / 1000.0, changes / (publishing.toMillis() / 1000.0), changes * 2, deadLetters.size());

            int received = publishedAt.values().stream().mapToInt(List::size).sum();
            int duplicates = received - publishedAt.size();
            Set<String> ids = publishedAt.keySet();
            List<Long> delays = new ArrayList<>();
            publishedAt.forEach((id, times) -> {
                Long written = writtenAt.get(id);
                if (written != null) {
                    delays.add(times.get(0) - written);
                }
            });
            Set<String> missing = new java.util.HashSet<>(writtenAt.keySet());
            missing.removeAll(ids);
            delays.sort(null);
            System.out.printf("put on the bus: %,d events, %,d distinct ids, %d duplicates, %d missing%n",
                    received, ids.size(), duplicates, missing.size());
            if (!delays.isEmpty()) {
                System.out.printf("delay from the table write to the event on the bus (the whole burst written first, then read from the stream): "
                                + "median %,d ms, p99 %,d ms, max %,d ms%n",
                        delays.get(delays.size() / 2), delays.get((int) Math.min(delays.size() - 1, Math.ceil(delays.size() * 0.99) - 1)),
                        delays.get(delays.size() - 1));
            }
            System.out.println(missing.isEmpty() && duplicates == 0 ? "count check: every change once" : "count check FAILED");
            if (!missing.isEmpty() || duplicates > 0) {
                System.exit(1);
            }
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static void write(LocalAws aws, String table, List<WriteRequest> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<WriteRequest> left = new ArrayList<>(batch);
        while (!left.isEmpty()) {
            List<WriteRequest> send = List.copyOf(left);
            left = new ArrayList<>(aws.dynamoDb().batchWriteItem(r -> r.requestItems(Map.of(table, send))).unprocessedItems()
                    .getOrDefault(table, List.of()));
        }
        batch.clear();
    }
}
