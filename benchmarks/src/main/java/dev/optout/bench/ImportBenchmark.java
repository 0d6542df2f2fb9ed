package dev.optout.bench;

import dev.optout.cli.OptoutCli;
import dev.optout.json.Json;
import dev.optout.localaws.LocalAws;
import dev.optout.suppression.TableLayout;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code ./optout import} of a CSV of N rows (default 100,000: bounces, complaints, opt-outs of
 * all mail and of a topic) into a fresh table on the local AWS, through the command line as an
 * operator runs it, next to a floor in the same run: bare BatchWriteItem of N state-like items
 * (25 a request, as many requests in flight as the import's writers) into another fresh table.
 * Prints rows/s, the floor's items/s, the ratio, and the import's DynamoDB requests by operation.
 *
 * <p>Run: {@code scripts/bench import} (options: {@code --rows N --parallelism N}).
 */
public final class ImportBenchmark {
    public static void main(String[] args) throws Exception {
        int rows = intArg(args, "--rows", 100_000);
        int parallelism = intArg(args, "--parallelism", 8);
        Path dir = Files.createTempDirectory("optout-import-bench");
        try (LocalAws aws = LocalAws.start()) {
            System.out.printf("local AWS: %s; %,d rows, %d writes in flight%n", aws.kind(), rows, parallelism);
            Path file = dir.resolve("suppressions.csv");
            try (BufferedWriter w = Files.newBufferedWriter(file)) {
                w.write("email,reason,topic,at\n");
                String[] reasons = {"bounce", "complaint", "unsubscribe", "unsubscribe"};
                for (int i = 0; i < rows; i++) {
                    String reason = reasons[i % reasons.length];
                    String topic = i % 4 == 3 ? "newsletter" : "";
                    w.write("person" + i + "@example.com," + reason + "," + topic + ",2025-0" + (1 + i % 9) + "-01T08:00:00Z\n");
                }
            }

            // Floor: the same number of items with nothing but BatchWriteItem.
            String floorTable = aws.createSuppressionTable();
            long floorNs = floor(aws.dynamoDb(), floorTable, rows, parallelism);

            // The import, through the command line against a local instance as ./optout local leaves it.
            Path state = dir.resolve(".optout");
            Files.createDirectories(state);
            String table = aws.createSuppressionTable();
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            String arn;
            try (SecretsManagerClient sm = aws.client(SecretsManagerClient.builder())) {
                arn = sm.createSecret(r -> r.name("optout-bench/address-hash-key-" + System.nanoTime())
                        .secretString(Base64.getEncoder().encodeToString(key))).arn();
            }
            Files.writeString(state.resolve("local.json"), Json.MAPPER.writeValueAsString(Map.of("awsEndpoint",
                    aws.endpoint().toString(), "region", aws.region(), "tableName", table, "addressHashKeySecretArn", arn)));
            RequestCounter counter = new RequestCounter();
            StringWriter out = new StringWriter();
            long t0 = System.nanoTime();
            int code = OptoutCli.run(new OptoutCli.Context(new PrintWriter(out, true), new PrintWriter(System.err, true), state,
                    Map.of(), List.of(counter)), "import", "--local", "--actor", "bench", "--parallelism",
                    Integer.toString(parallelism), file.toString());
            long importNs = System.nanoTime() - t0;
            System.out.print(out.toString().lines().findFirst().orElse("") + "\n");
            if (code != 0) {
                System.out.println("import failed with exit " + code + ":\n" + out);
                System.exit(1);
            }

            double importRate = rows / (importNs / 1e9);
            double floorRate = rows / (floorNs / 1e9);
            System.out.printf("%nimport through ./optout import   %,10.0f rows/s   (%,.1f s)%n", importRate, importNs / 1e9);
            System.out.printf("floor: bare BatchWriteItem        %,10.0f items/s  (%,.1f s, %,d items, 25 a request)%n",
                    floorRate, floorNs / 1e9, rows);
            System.out.printf("floor/import time ratio           %10.2f x%n", (double) importNs / floorNs);
            System.out.println("import's DynamoDB requests: " + new TreeMap<>(counter.counts));
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long floor(DynamoDbClient dynamo, String table, int rows, int parallelism) throws Exception {
        List<List<WriteRequest>> batches = new ArrayList<>();
        List<WriteRequest> batch = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put(TableLayout.PK, AttributeValue.fromS(TableLayout.ADDRESS_PREFIX + "floor-" + i));
            item.put(TableLayout.SK, AttributeValue.fromS(TableLayout.STATE_SK));
            item.put(TableLayout.ADDRESS, AttributeValue.fromS("person" + i + "@example.com"));
            item.put(TableLayout.HARD_BOUNCE, AttributeValue.fromM(Map.of("at", AttributeValue.fromS("2025-01-01T08:00:00Z"),
                    "src", AttributeValue.fromS("IMPORT"))));
            batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
            if (batch.size() == 25) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        AtomicLong unprocessed = new AtomicLong();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (List<WriteRequest> b : batches) {
                futures.add(pool.submit(() -> {
                    List<WriteRequest> pending = b;
                    while (!pending.isEmpty()) {
                        List<WriteRequest> request = pending;
                        pending = dynamo.batchWriteItem(r -> r.requestItems(Map.of(table, request)))
                                .unprocessedItems().getOrDefault(table, List.of());
                        unprocessed.addAndGet(pending.size());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return System.nanoTime() - t0;
    }

    /** Counts DynamoDB requests by operation. */
    private static final class RequestCounter implements ExecutionInterceptor {
        final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            counts.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicLong()).incrementAndGet();
        }
    }

    private static int intArg(String[] args, String name, int def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return def;
    }
}
