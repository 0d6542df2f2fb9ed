package dev.optout.bench;

import dev.optout.address.AddressKeys;
import dev.optout.address.AddressParser;
import dev.optout.address.EmailAddress;
import dev.optout.check.CheckRequest;
import dev.optout.check.CheckResponse;
import dev.optout.check.PresendCheck;
import dev.optout.suppression.Deadline;
import dev.optout.function.presend.PresendCheckHandler;
import dev.optout.json.Json;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.observability.EventLog;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.Mark;
import dev.optout.suppression.TableLayout;
import dev.optout.suppression.Source;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenSealer;
import dev.optout.topic.Topic;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
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
 * costs and what a naive per-recipient loop costs. Prints times, ratios and DynamoDB request counts.
 * <ul>
 *   <li>check: the handler as deployed (PresendCheckHandler's composition: the check, the batch
 *       reader with {@link PresendCheckHandler#READ_PARALLELISM} requests in flight, and the
 *       List-Unsubscribe link provider sealing two links per allowed recipient);</li>
 *   <li>floor: BatchGetItem of the same keys, 100 a request, with the check's own projection
 *       ({@link BatchStateReader#projectionNames}) and the same parallelism, results ignored;</li>
 *   <li>naive: one GetItem per recipient, same projection, the same number of threads.</li>
 * </ul>
 * Each round runs all three, in an order that rotates from round to round (none always goes
 * first on a warm or cold server); the figures are the medians over the rounds.
 *
 * <p>Then the check's own cost, which the store hides: CPU and allocation per recipient, answer
 * bytes per recipient, live heap ({@link #ownCost}).
 *
 * <p>Run: {@code scripts/bench check} (options: {@code --recipients N --fields a,b --rounds N --cpu-rounds N --no-compare};
 * recipients default to the maximum the check accepts for the fields).
 */
public final class CheckBenchmark {
    private static final int SUPPRESS_EVERY = 10;
    private static final int THREADS = PresendCheckHandler.READ_PARALLELISM;

    public static void main(String[] args) throws Exception {
        // The check refuses more recipients than its answer can carry for the fields asked (AnswerSize): the maximum by default.
        String fields = CampaignBenchmark.fieldsArg(args);
        int recipients = intArg(args, "--recipients", CampaignBenchmark.maxRecipients(fields));
        int rounds = intArg(args, "--rounds", 3);
        int cpuRounds = intArg(args, "--cpu-rounds", 10);
        // --no-compare: only the check's own cost (CPU, allocation, bytes, heap), without the store comparisons
        boolean compare = !Arrays.asList(args).contains("--no-compare");
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

            Topic topic = TopicCatalog.bundled().require("newsletter");
            Map<String, String> projection = BatchStateReader.projectionNames(topic);
            BatchStateReader reader = new BatchStateReader(dynamo, table, THREADS);
            LinkKeys linkKeys = new LinkKeys("k1", Map.of("k1", new byte[32]));
            ListUnsubscribeHeaders links = new ListUnsubscribeHeaders(new TokenSealer(linkKeys, Clock.systemUTC()),
                    "https://optout.example.com", null);
            PresendCheckHandler handler = new PresendCheckHandler(
                    new PresendCheck(TopicCatalog.bundled(), keys, reader, links),
                    new EventLog("presend-check", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()), Clock.systemUTC());
            byte[] request = Json.MAPPER.writeValueAsBytes(CampaignBenchmark.withFields(
                    Map.of("topic", topic.id(), "campaignId", "bench", "recipients", addresses), fields));
            System.out.printf("%,d recipients a check, fields %s%n", recipients, fields == null ? "all" : fields);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);

            Map<String, Measured> runs = new LinkedHashMap<>();
            runs.put("check", () -> check(handler, request));
            runs.put("floor", () -> sweep(dynamo, table, tableKeys, projection, pool));
            runs.put("naive", () -> loop(dynamo, table, tableKeys, projection, pool));
            List<String> names = new ArrayList<>(runs.keySet());

            // Warm-up: JIT and connections, for all three.
            check(handler, request);
            if (compare) {
                sweep(dynamo, table, tableKeys, projection, pool);
                loop(dynamo, table, tableKeys.subList(0, Math.min(800, tableKeys.size())), projection, pool);
            }

            if (compare) {
                compare(runs, names, rounds, recipients, counter);
            }
            pool.shutdownNow();
            ownCost(handler, new PresendCheck(TopicCatalog.bundled(), keys, reader, links), request, recipients, cpuRounds);
            reader.close();
        }
    }

    private static void compare(Map<String, Measured> runs, List<String> names, int rounds, int recipients, RequestCounter counter)
            throws Exception {
        {
            Map<String, long[]> ns = new HashMap<>();
            Map<String, Long> requests = new HashMap<>();
            names.forEach(n -> ns.put(n, new long[rounds]));
            for (int r = 0; r < rounds; r++) {
                List<String> order = new ArrayList<>(names);
                Collections.rotate(order, -r);
                System.out.printf("round %d: %s%n", r + 1, String.join(", ", order));
                for (String name : order) {
                    long before = counter.total.get();
                    long t0 = System.nanoTime();
                    runs.get(name).run();
                    ns.get(name)[r] = System.nanoTime() - t0;
                    requests.put(name, counter.total.get() - before);
                }
            }
            double check = median(ns.get("check")) / 1e6;
            double floor = median(ns.get("floor")) / 1e6;
            double loop = median(ns.get("naive")) / 1e6;
            System.out.printf("%n%d recipients (1 in %d suppressed), median of %d rounds (order rotating), %d threads / requests in flight%n",
                    recipients, SUPPRESS_EVERY, rounds, THREADS);
            System.out.printf("%-62s %10s %10s%n", "", "ms", "requests");
            System.out.printf("%-62s %10.1f %10d%n", "check: the handler as deployed (with links)", check, requests.get("check"));
            System.out.printf("%-62s %10.1f %10d%n", "floor: BatchGetItem sweep, same keys, projection, parallelism", floor, requests.get("floor"));
            System.out.printf("%-62s %10.1f %10d%n", "naive: one GetItem per recipient, same projection and threads", loop, requests.get("naive"));
            for (String name : names) {
                System.out.printf("  %s rounds (ms): %s%n", name, Arrays.stream(ns.get(name)).mapToObj(v -> String.format("%.0f", v / 1e6)).toList());
            }
            System.out.printf("%ncheck/floor = %.2f (goal <= 1.25: what the check adds over reading the same data the same way)%n", check / floor);
            System.out.printf("naive/check = %.1fx (goal >= 8x: what batching gains, parallelism being equal)%n", loop / check);
            System.out.printf("BatchGetItem requests for %d recipients: %d (goal <= %d)%n", recipients, requests.get("check"),
                    (recipients + 99) / 100);
        }
    }

    /**
     * The check's own cost, which the store's latency hides in the timings above. Measured with the
     * JVM's per-thread counters ({@link com.sun.management.ThreadMXBean}), so waits cost nothing:
     * <ul>
     *   <li>calling thread: everything the handler does itself: parsing the request, canonicalizing
     *       and keying each address (HMAC-SHA-256), the decisions, sealing one link token per allowed
     *       recipient (AES-GCM), the headers and tags, and writing the answer's JSON. Not the log line's
     *       output (a null stream here);</li>
     *   <li>reader threads: the {@value PresendCheckHandler#READ_PARALLELISM} BatchGetItem threads: the
     *       SDK's marshalling, the HTTP client and decoding the items; against DynamoDB this part
     *       scales with the items read, not with our code, so it is shown apart.</li>
     * </ul>
     * Medians over {@code rounds} checks after the warm-up. Peak heap: the live heap (after a full
     * GC) while the answer exists, in the order the handler holds it: the parsed request, the results,
     * the serialized answer.
     */
    private static void ownCost(PresendCheckHandler handler, PresendCheck check, byte[] request, int recipients, int rounds)
            throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long[] readers = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("optout-batch-read-"))
                .mapToLong(Thread::getId).toArray();
        long[] cpu = new long[rounds];
        long[] alloc = new long[rounds];
        long[] readerCpu = new long[rounds];
        long[] readerAlloc = new long[rounds];
        long[] wall = new long[rounds];
        int answerBytes = 0;
        for (int r = 0; r < 3; r++) {
            check(handler, request); // the compiler's warm-up, beyond the runs above
        }
        for (int r = 0; r < rounds; r++) {
            long[] rc0 = mx.getThreadCpuTime(readers);
            long[] ra0 = mx.getThreadAllocatedBytes(readers);
            long a0 = mx.getThreadAllocatedBytes(self);
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            answerBytes = check(handler, request);
            wall[r] = System.nanoTime() - t0;
            cpu[r] = mx.getCurrentThreadCpuTime() - c0;
            alloc[r] = mx.getThreadAllocatedBytes(self) - a0;
            readerCpu[r] = sum(mx.getThreadCpuTime(readers)) - sum(rc0);
            readerAlloc[r] = sum(mx.getThreadAllocatedBytes(readers)) - sum(ra0);
        }
        double perCpuUs = median(cpu) / 1e3 / recipients;
        System.out.printf("%nThe check's own cost: %,d recipients (%,d-byte request), median of %d checks, JVM per-thread counters%n",
                recipients, request.length, rounds);
        System.out.printf("  %-66s %10.2f us/recipient  (goal <= 5.00)%n", "CPU, calling thread (parse, keys, decisions, tokens, headers, JSON)",
                perCpuUs);
        System.out.printf("  %-66s %10.2f us/recipient%n", "CPU, the " + readers.length + " BatchGetItem reader threads (SDK, HTTP, decoding)",
                median(readerCpu) / 1e3 / recipients);
        System.out.printf("  %-66s %10.0f bytes/recipient%n", "allocated, calling thread", median(alloc) / (double) recipients);
        System.out.printf("  %-66s %10.0f bytes/recipient%n", "allocated, reader threads", median(readerAlloc) / (double) recipients);
        System.out.printf("  %-66s %10.1f bytes/recipient  (%,d bytes; Lambda's synchronous response limit: 6,291,556)%n",
                "answer", answerBytes / (double) recipients, answerBytes);
        System.out.printf("  %-66s %10.1f ms (the store's latency, moto's here)%n", "wall time of one check", median(wall) / 1e6);
        System.out.printf("  CPU per check, calling thread, each round (ms): %s%n",
                Arrays.stream(cpu).mapToObj(v -> String.format("%.1f", v / 1e6)).toList());

        // Live heap: what one check holds at its largest, measured after full GCs.
        long base = liveHeap();
        CheckRequest parsed = CheckRequest.parse(new ByteArrayInputStream(request));
        long withRequest = liveHeap();
        CheckResponse response = check.check(parsed, Deadline.after(java.time.Duration.ofMinutes(5), Clock.systemUTC()));
        long withResults = liveHeap();
        // sized to the answer, so the buffer holds the answer's bytes and no growth slack
        ByteArrayOutputStream out = new ByteArrayOutputStream(answerBytes);
        response.writeJson(out);
        long withAnswer = liveHeap();
        System.out.printf("  live heap of one %,d-recipient check (after full GC): request parsed %.1f MB, + results %.1f MB,"
                        + " + serialized answer %.1f MB (a %.1f MB array, which G1 keeps in whole humongous regions) = %.1f MB at its"
                        + " peak; plus the request's %.1f MB of input bytes (Lambda's MemorySize in template.yaml: %d MB)%n",
                recipients, (withRequest - base) / 1e6, (withResults - withRequest) / 1e6, (withAnswer - withResults) / 1e6,
                out.size() / 1e6, (withAnswer - base) / 1e6, request.length / 1e6, dev.optout.localaws.FunctionDefinition.all(dev.optout.localaws.Template.load())
                        .stream().filter(f -> f.logicalId().equals("PresendCheckFunction")).findFirst().orElseThrow().memorySize());
        // keep the three alive until measured
        if (parsed.recipients().size() + response.results().size() + out.size() == 0) {
            throw new IllegalStateException("empty check");
        }
    }

    /** Heap in use after full collections (System.gc() twice: the first may leave finalizable garbage). */
    private static long liveHeap() {
        System.gc();
        System.gc();
        java.lang.management.MemoryUsage u = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return u.getUsed();
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += Math.max(0, v);
        }
        return s;
    }

    private interface Measured {
        void run() throws Exception;
    }

    /**
     * Fills the table with BatchWriteItem of state items in the store's layout. (The store's own
     * transactional writes are the realistic path, but moto copies the whole table on every
     * transaction, which makes a 10,000-item fill quadratic on the emulator.)
     */
    static List<String> fill(DynamoDbClient dynamo, String table, AddressKeys keys, int n) throws Exception {
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

    /** The answer's size in bytes. */
    private static int check(PresendCheckHandler handler, byte[] request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
        handler.handleRequest(new ByteArrayInputStream(request), out, new LocalLambdaContext("PresendCheckFunction", java.time.Duration.ofMinutes(5)));
        if (out.size() == 0) {
            throw new IllegalStateException("check answered nothing");
        }
        return out.size();
    }

    /** The store's own cost: the same keys and projection, 100 a request, same parallelism, results ignored. */
    private static void sweep(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys,
                              Map<String, String> projection, ExecutorService pool) throws Exception {
        String expression = String.join(", ", projection.keySet());
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += BatchStateReader.MAX_KEYS_PER_REQUEST) {
            List<Map<String, AttributeValue>> chunk = keys.subList(i, Math.min(keys.size(), i + BatchStateReader.MAX_KEYS_PER_REQUEST));
            futures.add(pool.submit(() -> {
                List<Map<String, AttributeValue>> pending = chunk;
                while (!pending.isEmpty()) {
                    List<Map<String, AttributeValue>> req = pending;
                    BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(Map.of(table, KeysAndAttributes.builder().consistentRead(true)
                            .keys(req).projectionExpression(expression).expressionAttributeNames(projection).build())));
                    KeysAndAttributes u = r.unprocessedKeys().get(table);
                    pending = u == null ? List.of() : u.keys();
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    /** One GetItem per key, same projection, on the same threads: batching is the only difference. */
    private static void loop(DynamoDbClient dynamo, String table, List<Map<String, AttributeValue>> keys,
                             Map<String, String> projection, ExecutorService pool) throws Exception {
        String expression = String.join(", ", projection.keySet());
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < keys.size(); i = next.getAndIncrement()) {
                    Map<String, AttributeValue> k = keys.get(i);
                    dynamo.getItem(b -> b.tableName(table).key(k).consistentRead(true).projectionExpression(expression).expressionAttributeNames(projection));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
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
