package dev.optout.bench;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.optout.address.AddressKeys;
import dev.optout.campaign.CampaignGuard;
import dev.optout.campaign.GuardThresholds;
import dev.optout.check.PresendCheck;
import dev.optout.feedback.FeedbackProcessor;
import dev.optout.feedback.FeedbackRules;
import dev.optout.feedback.SendAudit;
import dev.optout.feedback.SuppressionMirror;
import dev.optout.function.feedback.SesFeedbackHandler;
import dev.optout.function.presend.PresendCheckHandler;
import dev.optout.json.Json;
import dev.optout.links.ListUnsubscribeHeaders;
import dev.optout.localaws.FunctionDefinition;
import dev.optout.localaws.LocalAws;
import dev.optout.localaws.LocalLambdaContext;
import dev.optout.localaws.Template;
import dev.optout.observability.EventLog;
import dev.optout.suppression.BatchStateReader;
import dev.optout.suppression.SuppressionStore;
import dev.optout.suppression.TableLayout;
import dev.optout.token.LinkKeys;
import dev.optout.token.TokenSealer;
import dev.optout.topic.TopicCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The price of a million: recipients checked, and SES events processed. Each side runs the
 * function's own composition against the local table (moto) and measures what it consumed:
 * DynamoDB requests by operation, read and write request units, CPU time; then prices a million at
 * list prices ({@link CostModel.Prices}, each a named option).
 *
 * <p>Request units, two ways: as DynamoDB reports them ({@code ReturnConsumedCapacity: TOTAL},
 * added to every request by an interceptor; moto may not report them) and computed from the
 * items' sizes by DynamoDB's documented rules ({@link ItemSize}). The computed figure is the one
 * priced. Lambda's billed duration is modelled from the measured CPU time and the request count
 * ({@link CostModel#gbSeconds}), since the local store's latency is not DynamoDB's.
 *
 * <p>Run: {@code scripts/bench cost [--recipients N] [--calls N] [--events N] [--round-trip-ms MS]
 * [--ses-api-rate PER_SECOND] [--price-rru DOLLARS] ...} (every price in {@link CostModel#NAMES}).
 */
public final class CostBenchmark {
    private static final long MILLION = 1_000_000L;

    private CostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Calls at the maximum the check accepts for the fields asked (every field unless --fields).
        String fields = CampaignBenchmark.fieldsArg(args);
        int recipients = intArg(args, "--recipients", CampaignBenchmark.maxRecipients(fields));
        int calls = intArg(args, "--calls", 3);
        int events = intArg(args, "--events", 2_000);
        double roundTripMs = doubleArg(args, "--round-trip-ms", 8.0);
        double sesApiRate = doubleArg(args, "--ses-api-rate", 1.0);
        Map<String, Double> given = new HashMap<>();
        for (String name : CostModel.NAMES) {
            if (hasArg(args, "--" + name)) {
                given.put(name, doubleArg(args, "--" + name, 0));
            }
        }
        CostModel.Prices prices = CostModel.Prices.LIST_US_EAST_1.with(given);
        Template template = Template.load();
        int checkMemory = memory(template, "PresendCheckFunction");
        int feedbackMemory = memory(template, "SesFeedbackFunction");

        try (LocalAws aws = LocalAws.start()) {
            System.out.printf("cost benchmark: %s, %d cores, load average %.2f%n", aws.kind(), Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("prices (us-east-1 list, 2025; override with --NAME): %s%n", prices);
            System.out.printf("modelled DynamoDB round trip: %.1f ms (--round-trip-ms); Lambda memory from template.yaml: check %d MB,"
                    + " feedback %d MB%n", roundTripMs, checkMemory, feedbackMemory);

            Measured check = measureCheck(aws, recipients, calls, fields);
            double checkGbs = CostModel.gbSeconds(check.cpuMsPerCall, checkMemory, check.storeRequestsPerCall,
                    PresendCheckHandler.READ_PARALLELISM, roundTripMs);
            CostModel.Usage perRecipient = new CostModel.Usage(check.readUnitsPerCall / recipients, check.writeUnitsPerCall / recipients,
                    1.0 / recipients, checkGbs / recipients, 0, 0, 0);
            System.out.printf("%n1. Pre-send check: %,d recipients a call (1 in 10 suppressed, marketing, a campaign), %d calls measured%n",
                    recipients, calls);
            check.print(recipients, "recipient");
            System.out.printf("   modelled billed duration: %.0f ms a call (%.1f ms CPU at %d MB's vCPU share + %d request waves x %.1f ms)%n",
                    checkGbs * 1024.0 / checkMemory * 1000, check.cpuMsPerCall, checkMemory,
                    (check.storeRequestsPerCall + PresendCheckHandler.READ_PARALLELISM - 1) / PresendCheckHandler.READ_PARALLELISM, roundTripMs);
            printCost("a million recipients checked", CostModel.cost(perRecipient, MILLION, prices));

            Measured feedback = measureFeedback(aws, events);
            int batch = 10;
            double feedbackGbs = CostModel.gbSeconds(feedback.cpuMsPerCall, feedbackMemory, feedback.storeRequestsPerCall,
                    SesFeedbackHandler.DEFAULT_PARALLELISM, roundTripMs);
            // SES -> SNS (one publish an event) -> SQS (SNS's SendMessage, then Lambda's ReceiveMessage
            // and DeleteMessageBatch for each batch of 10) -> Lambda (one invocation a batch).
            CostModel.Usage perEvent = new CostModel.Usage(feedback.readUnitsPerCall / batch, feedback.writeUnitsPerCall / batch,
                    1.0 / batch, feedbackGbs / batch, 1 + 2.0 / batch, 1, 0);
            System.out.printf("%n2. SES feedback: %,d events for one campaign (97%% Send, 2%% hard bounces, 1%% complaints), "
                    + "SQS batches of %d, per batch:%n", events, batch);
            feedback.print(batch, "event");
            System.out.printf("   modelled billed duration: %.0f ms a batch of %d%n", feedbackGbs * 1024.0 / feedbackMemory * 1000, batch);
            System.out.println("   SQS: 1 SendMessage (SNS's delivery) an event + ReceiveMessage and DeleteMessageBatch a batch; "
                    + "SNS: 1 publish an event; EventBridge: none (the template sends SES events through SNS)");
            printCost("a million SES events processed", CostModel.cost(perEvent, MILLION, prices));

            double sesSeconds = CostModel.secondsAtRate(MILLION, sesApiRate);
            double ourSeconds = MILLION / (double) recipients * (checkGbs * 1024.0 / checkMemory);
            System.out.printf("%n3. The same million through SES's account suppression list: GetSuppressedDestination, one call an address,"
                    + " at %.0f request(s) a second (--ses-api-rate; SES's documented rate for its API actions other than sending,"
                    + " https://docs.aws.amazon.com/ses/latest/dg/quotas.html):%n", sesApiRate);
            System.out.printf("   %,d calls = %,.0f s = %.1f days, one after the other; it answers only the account-wide list"
                    + " (bounces, complaints), no topic choices, no links%n", MILLION, sesSeconds, sesSeconds / 86_400);
            System.out.printf("   this check: %,d calls of at most %,d = %.0f s of Lambda time in all (modelled), which can run side by side%n",
                    new CampaignPlan(MILLION, recipients).calls(), recipients, ourSeconds);
        }
    }

    /** What one call (a check, or one SQS batch) consumed, averaged over the calls measured. */
    private record Measured(double readUnitsPerCall, double writeUnitsPerCall, double reportedReadUnitsPerCall,
                            double reportedWriteUnitsPerCall, long storeRequestsPerCall, Map<String, Double> requestsPerCall,
                            double cpuMsPerCall, double wallMsPerCall) {
        void print(int unitsPerCall, String unit) {
            System.out.printf("   DynamoDB requests a call: %s%n", requestsPerCall.entrySet().stream()
                    .map(e -> String.format("%s %.1f", e.getKey(), e.getValue())).toList());
            System.out.printf("   request units a call, computed from item sizes: %.1f read, %.1f write (%.3f / %.3f a %s)%n",
                    readUnitsPerCall, writeUnitsPerCall, readUnitsPerCall / unitsPerCall, writeUnitsPerCall / unitsPerCall, unit);
            System.out.printf("   request units a call, as the local store reported them (ReturnConsumedCapacity; moto reports fixed"
                    + " units, not DynamoDB's size rules: one a BatchGetItem key, 0.5 a GetItem whatever its consistency, none for"
                    + " TransactWriteItems; so the computed units are the ones priced): %s%n",
                    reportedReadUnitsPerCall + reportedWriteUnitsPerCall == 0 ? "none reported"
                            : String.format("%.1f read, %.1f write", reportedReadUnitsPerCall, reportedWriteUnitsPerCall));
            System.out.printf("   CPU a call, all Java threads (our code, the SDK, its HTTP client; not JIT, not GC): %.1f ms (%.1f us a %s); wall time against the local store: %.0f ms%n", cpuMsPerCall,
                    cpuMsPerCall * 1000 / unitsPerCall, unit, wallMsPerCall);
        }
    }

    private static Measured measureCheck(LocalAws aws, int recipients, int calls, String fields) throws Exception {
        Meter meter = new Meter();
        DynamoDbClient dynamo = aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(meter)));
        String table = aws.createSuppressionTable();
        AddressKeys keys = new AddressKeys(new byte[32]);
        List<String> addresses = CheckBenchmark.fill(aws.dynamoDb(), table, keys, recipients);
        aws.dynamoDb().putItem(r -> r.tableName(table).item(Map.of(TableLayout.PK, AttributeValue.fromS(TableLayout.CAMPAIGN_PREFIX
                + GuardBenchmark.CAMPAIGN), TableLayout.SK, AttributeValue.fromS(TableLayout.GUARD_SK), "paused", AttributeValue.fromBool(false))));
        meter.sizes.putAll(sizes(aws.dynamoDb(), table));

        BatchStateReader reader = new BatchStateReader(dynamo, table, PresendCheckHandler.READ_PARALLELISM);
        ListUnsubscribeHeaders links = new ListUnsubscribeHeaders(new TokenSealer(new LinkKeys("k1", Map.of("k1", new byte[32])),
                Clock.systemUTC()), "https://optout.example.com", null);
        PresendCheckHandler handler = new PresendCheckHandler(new PresendCheck(TopicCatalog.bundled(), keys, reader, links,
                new CampaignGuard(dynamo, table, GuardThresholds.DEFAULTS, Clock.systemUTC())),
                new EventLog("presend-check", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()), Clock.systemUTC());
        byte[] request = Json.MAPPER.writeValueAsBytes(CampaignBenchmark.withFields(Map.of("topic", "newsletter",
                "campaignId", GuardBenchmark.CAMPAIGN, "recipients", addresses), fields));
        Runnable one = () -> {
            try {
                handler.handleRequest(new ByteArrayInputStream(request), new ByteArrayOutputStream(1 << 20),
                        new LocalLambdaContext("PresendCheckFunction", Duration.ofMinutes(5)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        for (int i = 0; i < 3; i++) {
            one.run(); // warm-up: the compiler and connections
        }
        Measured m = meter.measure(one, calls);
        reader.close();
        return m;
    }

    private static Measured measureFeedback(LocalAws aws, int events) throws Exception {
        Meter meter = new Meter();
        DynamoDbClient dynamo = aws.client(DynamoDbClient.builder().overrideConfiguration(c -> c.addExecutionInterceptor(meter)));
        String table = aws.createSuppressionTable();
        SuppressionStore store = new SuppressionStore(dynamo, table, new AddressKeys(new byte[32]), Clock.systemUTC());
        TopicCatalog catalog = TopicCatalog.bundled();
        SesFeedbackHandler handler = new SesFeedbackHandler(GuardBenchmark.RAW_SES_BODIES, new FeedbackProcessor(store, catalog,
                FeedbackRules.DEFAULTS, SuppressionMirror.NONE, new SendAudit(store, catalog)),
                new CampaignGuard(dynamo, table, GuardThresholds.DEFAULTS, Clock.systemUTC()),
                new EventLog("ses-feedback", new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()),
                SesFeedbackHandler.DEFAULT_PARALLELISM);
        int warm = 500;
        List<SQSEvent.SQSMessage> all = GuardBenchmark.messages(events + warm);
        List<List<SQSEvent.SQSMessage>> batches = new ArrayList<>();
        for (int i = warm; i < all.size(); i += 10) {
            batches.add(all.subList(i, Math.min(all.size(), i + 10)));
        }
        deliver(handler, all.subList(0, warm)); // warm-up, with other addresses
        int[] next = {0};
        Measured m = meter.measure(() -> deliver(handler, batches.get(next[0]++)), batches.size(), () -> sizes(aws.dynamoDb(), table));
        return m;
    }

    private static void deliver(SesFeedbackHandler handler, List<SQSEvent.SQSMessage> records) {
        for (int i = 0; i < records.size(); i += 10) {
            SQSEvent e = new SQSEvent();
            e.setRecords(records.subList(i, Math.min(records.size(), i + 10)));
            SQSBatchResponse r = handler.handleRequest(e, null);
            if (!r.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException(r.getBatchItemFailures().size() + " records failed: the figures would be meaningless");
            }
        }
    }

    /** Every item's billed size, by its key (PK and SK). */
    private static Map<String, Long> sizes(DynamoDbClient dynamo, String table) {
        Map<String, Long> sizes = new HashMap<>();
        dynamo.scanPaginator(r -> r.tableName(table)).items().forEach(item -> sizes.put(key(item), ItemSize.of(item)));
        return sizes;
    }

    private static String key(Map<String, AttributeValue> item) {
        return item.get(TableLayout.PK).s() + "\u0000" + item.get(TableLayout.SK).s();
    }

    /**
     * Counts DynamoDB requests by operation, asks each for its consumed capacity and adds up what
     * the store reports, and remembers the keys read and the items written, to compute request
     * units from their sizes afterwards.
     */
    private static final class Meter implements ExecutionInterceptor {
        final Map<String, Long> sizes = new ConcurrentHashMap<>();
        final Map<String, Long> requests = new ConcurrentHashMap<>();
        /** Keys read, each with its consistency: "S" strongly consistent, "E" eventually, "T" transactional. */
        final List<String> reads = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> writes = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Long> putSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        final DoubleAdder reportedRead = new DoubleAdder();
        final DoubleAdder reportedWrite = new DoubleAdder();
        volatile boolean on;

        Measured measure(Runnable call, int calls) {
            return measure(call, calls, () -> sizes);
        }

        /** Runs {@code call} {@code calls} times; sizes the written items by {@code sizesAfter} (the items as they end). */
        Measured measure(Runnable call, int calls, java.util.function.Supplier<Map<String, Long>> sizesAfter) {
            requests.clear();
            reads.clear();
            writes.clear();
            putSizes.clear();
            on = true;
            ThreadCpu threads = new ThreadCpu();
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            long wall = System.nanoTime() - t0;
            long cpu = threads.cpuNanos();
            on = false;
            Map<String, Long> after = sizesAfter.get();
            double read = 0;
            for (String k : reads) {
                double units = ItemSize.readUnits(after.getOrDefault(k.substring(1), 0L), !k.startsWith("E"));
                read += k.startsWith("T") ? 2 * units : units;
            }
            double write = 0;
            for (String k : writes) {
                boolean transactional = k.startsWith("T");
                write += ItemSize.writeUnits(after.getOrDefault(k.substring(1), 0L), transactional);
            }
            for (long s : putSizes) {
                write += ItemSize.writeUnits(Math.abs(s), s < 0);
            }
            long storeRequests = requests.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Double> perCall = new TreeMap<>();
            requests.forEach((op, n) -> perCall.put(op, n / (double) calls));
            return new Measured(read / calls, write / calls, reportedRead.sumThenReset() / calls, reportedWrite.sumThenReset() / calls,
                    Math.round(storeRequests / (double) calls), perCall, cpu / 1e6 / calls, wall / 1e6 / calls);
        }

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            SdkRequest r = context.request();
            if (r instanceof BatchGetItemRequest b) {
                return b.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            } else if (r instanceof GetItemRequest g) {
                return g.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            } else if (r instanceof UpdateItemRequest u) {
                return u.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            } else if (r instanceof PutItemRequest p) {
                return p.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            } else if (r instanceof TransactWriteItemsRequest t) {
                return t.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
            }
            return r;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (!on) {
                return;
            }
            SdkRequest r = context.request();
            requests.merge(r.getClass().getSimpleName().replace("Request", ""), 1L, Long::sum);
            if (r instanceof BatchGetItemRequest b) {
                // every key is billed as its own GetItem, found or not
                b.requestItems().values().forEach(ka -> ka.keys().forEach(k -> reads.add(consistency(ka.consistentRead()) + key(k))));
            } else if (r instanceof GetItemRequest g) {
                reads.add(consistency(g.consistentRead()) + key(g.key()));
            } else if (r instanceof UpdateItemRequest u) {
                writes.add("U" + key(u.key()));
            } else if (r instanceof PutItemRequest p) {
                putSizes.add(ItemSize.of(p.item()));
            } else if (r instanceof TransactWriteItemsRequest t) {
                for (TransactWriteItem i : t.transactItems()) {
                    if (i.update() != null) {
                        writes.add("T" + key(i.update().key()));
                    } else if (i.put() != null) {
                        putSizes.add(-ItemSize.of(i.put().item()));
                    } else if (i.conditionCheck() != null) {
                        reads.add("T" + key(i.conditionCheck().key())); // billed as a transactional read
                    } else if (i.delete() != null) {
                        writes.add("T" + key(i.delete().key()));
                    }
                }
            }
        }

        private static String consistency(Boolean consistentRead) {
            return Boolean.TRUE.equals(consistentRead) ? "S" : "E";
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (!on) {
                return;
            }
            Object r = context.response();
            List<ConsumedCapacity> reported = r instanceof BatchGetItemResponse b ? b.consumedCapacity()
                    : r instanceof TransactWriteItemsResponse t ? t.consumedCapacity()
                    : r instanceof GetItemResponse g && g.consumedCapacity() != null ? List.of(g.consumedCapacity())
                    : r instanceof UpdateItemResponse u && u.consumedCapacity() != null ? List.of(u.consumedCapacity())
                    : r instanceof PutItemResponse p && p.consumedCapacity() != null ? List.of(p.consumedCapacity()) : List.of();
            boolean read = r instanceof BatchGetItemResponse || r instanceof GetItemResponse;
            for (ConsumedCapacity c : reported) {
                double units = c.capacityUnits() == null ? 0 : c.capacityUnits();
                (read ? reportedRead : reportedWrite).add(units);
            }
        }
    }

    private static void printCost(String what, List<CostModel.Line> lines) {
        System.out.printf("   cost of %s at list prices:%n", what);
        for (CostModel.Line l : lines) {
            if (l.quantity() > 0) {
                System.out.printf("     %-32s %,16.1f  $%10.4f%n", l.item(), l.quantity(), l.dollars());
            }
        }
        System.out.printf("     %-32s %16s  $%10.4f%n", "total", "", CostModel.total(lines));
    }

    private static int memory(Template template, String logicalId) {
        return FunctionDefinition.all(template).stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalStateException(logicalId + " is not in template.yaml")).memorySize();
    }

    private static boolean hasArg(String[] args, String name) {
        return java.util.Arrays.asList(args).contains(name);
    }

    private static int intArg(String[] args, String name, int def) {
        return (int) doubleArg(args, name, def);
    }

    private static double doubleArg(String[] args, String name, double def) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Double.parseDouble(args[i + 1]);
            }
        }
        return def;
    }
}
