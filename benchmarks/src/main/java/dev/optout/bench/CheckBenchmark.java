package dev.optout.bench;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.LinkProvider;
import dev.optout.check.PresendCheck;
import dev.optout.function.presend.PresendCheckHandler;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.observability.EventLog;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Mark;
import dev.optout.suppression.TableLayout;
import dev.optout.suppression.Source;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The 10,000-recipient pre-send check against the local table, next to what the store itself
 * costs (a bare BatchGetItem sweep of the same keys, same parallelism, no logic) and what a naive
 * per-recipient GetItem loop costs. Prints times, ratios and DynamoDB request counts.
 *
 * <p>Run: {@code scripts/bench check} (options: {@code --recipients N --rounds N}).
 */
public final class CheckBenchmark {
    private static final int SUPPRESS_EVERY = 10;

    public static void main(String[] args) throws Exception {
        int recipients = intArg(args, "--recipients", 10_000);
        int rounds = intArg(args, "--rounds", 3);
        try (LocalAws aws = LocalAws.start()) {
            System.out.printf("local AWS: %s%n", aws.kind());
            String table = aws.createSuppressionTable();
            AddressKeys keys = new AddressKeys(new byte[32]);
            RequestCounter counter = new RequestCounter();
            DynamoDbClient dynamo = aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(counter)));
            List<String> addresses = fill(dynamo, table, keys, recipients);
            List<Map<String, AttributeValue>> tableKeys = new ArrayList<>();
            for (String a : addresses) {
                tableKeys.add(TableLayout.stateKey(keys.keyOf(AddressParser.parse(a))));
            }

            BatchStateReader reader = new BatchStateReader(dynamo, table, 8);
            PresendCheckHandler handler = new PresendCheckHandler(
                    new PresendCheck(TopicCatalog.bundled(), keys, reader, LinkProvider.NONE),
                    new EventLog("presend-check", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()), Clock.systemUTC());
            byte[] request = Json.MAPPER.writeValueAsBytes(Map.of("topic", "newsletter", "campaignId", "bench", "recipients", addresses));
            ExecutorService pool = Executors.newFixedThreadPool(reader.parallelism());

            // Warm-up: JIT and connections, for all three.
            check(handler, request);
            sweep(dynamo, table, tableKeys, pool);
            loop(dynamo, table, tableKeys.subList(0, Math.min(500, tableKeys.size())));

            long[] checkNs = new long[rounds];
            long[] floorNs = new long[rounds];
            long checkRequests = 0;
            long floorRequests = 0;
            for (int r = 0; r < rounds; r++) {
                long before = counter.total.get();
                long t0 = System.nanoTime();
                check(handler, request);
                checkNs[r] = System.nanoTime() - t0;
                checkRequests = counter.total.get() - before;

                before = counter.total.get();
                t0 = System.nanoTime();
                sweep(dynamo, table, tableKeys, pool);
                floorNs[r] = System.nanoTime() - t0;
                floorRequests = counter.total.get() - before;
            }
            long before = counter.total.get();
            long t0 = System.nanoTime();
            loop(dynamo, table, tableKeys);
            long loopNs = System.nanoTime() - t0;
            long loopRequests = counter.total.get() - before;
            pool.shutdownNow();

            double check = median(checkNs) / 1e6;
            double floor = median(floorNs) / 1e6;
            double loop = loopNs / 1e6;
            System.out.printf("%n%d recipients (1 in %d suppressed), median of %d rounds, %d reads in flight%n",
                    recipients, SUPPRESS_EVERY, rounds, reader.parallelism());
            System.out.printf("%-44s %10s %10s%n", "", "ms", "requests");
            System.out.printf("%-44s %10.1f %10d%n", "check through the handler", check, checkRequests);
            System.out.printf("%-44s %10.1f %10d%n", "floor: bare BatchGetItem sweep, no logic", floor, floorRequests);
            System.out.printf("%-44s %10.1f %10d%n", "naive: one GetItem per recipient", loop, loopRequests);
            System.out.printf("%ncheck/floor = %.2f (goal <= 1.25)%nloop/check  = %.1fx (goal >= 8x on the local emulator)%n",
                    check / floor, loop / check);
            System.out.printf("BatchGetItem requests for %d recipients: %d (goal <= %d)%n", recipients, checkRequests,
                    (recipients + 99) / 100);
        }
    }

    /**
     * Fills the table with BatchWriteItem of state items in the store's layout. (The store's own
     * transactional writes are the realistic path, but moto copies the whole table on every
     * transaction, which makes a 10,000-item fill quadratic on the emulator.)
     */
    private static List<String> fill(DynamoDbClient dynamo, String table, AddressKeys keys, int n) throws Exception {
        List<String> addresses = new ArrayList<>(n);
        Instant t = Instant.parse("2026-11-01T00:00:00Z");
        List<WriteRequest> batch = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String raw = "Person " + i + " <person" + i + "@example.com>";
            addresses.add(raw);
            EmailAddress a = AddressParser.parse(raw);
            Map<String, AttributeValue> item = new HashMap<>(TableLayout.stateKey(keys.keyOf(a)));
            item.put(TableLayout.ADDRESS, AttributeValue.fromS(a.value()));
            item.put(TableLayout.UPDATED_AT, AttributeValue.fromS(t.toString()));
            switch (i % SUPPRESS_EVERY == 0 ? (i / SUPPRESS_EVERY) % 4 : -1) {
                case 0 -> item.put(TableLayout.UNSUBSCRIBED_ALL, TableLayout.markValue(new Mark(t, Source.ONE_CLICK, null, null)));
                case 1 -> item.put(TableLayout.TOPIC_OPT_OUT + "newsletter", TableLayout.markValue(new Mark(t, Source.UNSUBSCRIBE_PAGE, null, null)));
                case 2 -> item.put(TableLayout.HARD_BOUNCE, TableLayout.markValue(new Mark(t, Source.SES_BOUNCE, null, "General")));
                case 3 -> item.put(TableLayout.COMPLAINT, TableLayout.markValue(new Mark(t, Source.SES_COMPLAINT, null, "abuse")));
                // Clean addresses exist in the table too (a frequency choice), so every read finds an item.
                default -> item.put(TableLayout.TOPIC_FREQUENCY + "newsletter", AttributeValue.fromS("WEEKLY"));
            }
            batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            if (batch.size() == 25 || i == n - 1) {
                List<WriteRequest> pending = List.copyOf(batch);
                while (!pending.isEmpty()) {
                    List<WriteRequest> req = pending;
                    pending = dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, req))).unprocessedItems().getOrDefault(table, List.of());
                }
                batch.clear();
            }
        }
        System.out.printf("filled %d addresses in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
        return addresses;
    }

    private static void check(PresendCheckHandler handler, byte[] request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        handler.handleRequest(new ByteArrayInputStream(request), out, new LocalLambdaContext("PresendCheckFunction", java.time.Duration.ofMinutes(5)));
        if (out.size() == 0) {
            throw new IllegalStateException("check answered nothing");
        }
    }

    /** The store's own cost: the same keys, 100 a request, same parallelism, results ignored. */
    private static void sweep(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys, ExecutorService pool) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += 100) {
            List<Map<String, AttributeValue>> chunk = keys.subList(i, Math.min(keys.size(), i + 100));
            futures.add(pool.submit(() -> {
                List<Map<String, AttributeValue>> pending = chunk;
                while (!pending.isEmpty()) {
                    List<Map<String, AttributeValue>> req = pending;
                    BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder().keys(req).consistentRead(true).build())));
                    KeysAndAttributes u = r.unprocessedKeys().get(table);
                    pending = u == null ? List.of() : u.keys();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private static void loop(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys) {
        for (Map<String, AttributeValue> k : keys) {
            dynamo.getItem(b -> b.tableName(table).key(k).consistentRead(true));
        }
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return def;
    }

    static final class RequestCounter implements ExecutionInterceptor {
        final AtomicLong total = new AtomicLong();

        @Override
        public void beforeExecution(BeforeExecution context, ExecutionAttributes attributes) {
            total.incrementAndGet();
        }
    }

}
